package io.retentionloop.simulate;

import io.retentionloop.job.Home;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures pure generation speed (no Kafka): {@code --users N --days D --seed S [--world FILE]},
 * defaults 100000 users, 365 days, seed 1, {@code conf/world.yaml}.
 */
@Command(
        name = "simulator-benchmark",
        mixinStandardHelpOptions = true,
        description = "The simulator's generation speed alone (no Kafka, no Flink).")
public final class SimulatorBenchmark implements Callable<Integer> {

    @Option(
            names = "--users",
            defaultValue = "100000",
            description = "Users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--days",
            defaultValue = "365",
            description = "Days (default ${DEFAULT-VALUE}).")
    int days;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "World seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--world",
            defaultValue = Home.DEFAULT + "/conf/world.yaml",
            description = "World definition (default ${DEFAULT-VALUE}).")
    Path world;

    @Override
    public Integer call() throws Exception {
        Simulator simulator =
                new Simulator(
                        WorldConfig.load(world),
                        users,
                        seed,
                        Instant.parse("2025-01-01T00:00:00Z"));
        Counting sink = new Counting();
        long began = System.nanoTime();
        for (int day = 0; day < days; day++) {
            simulator.simulateDay(day, sink);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "users=%d days=%d records=%d MB=%.1f seconds=%.2f records/s=%.0f"
                        + " records/user/day=%.3f%n",
                users,
                days,
                sink.records,
                sink.bytes / 1e6,
                seconds,
                sink.records / seconds,
                sink.records / ((double) users * days));
        System.out.println(simulator.stats());
        return 0;
    }

    /** Counts records and bytes, keeping nothing. */
    private static final class Counting implements SimSink {
        long records;
        long bytes;

        @Override
        public void record(
                String key, byte[] value, long eventTimeMillis, RecordKind kind, String badReason) {
            records++;
            bytes += value.length;
        }
    }
}
