package io.retentionloop.simulate;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Measures pure generation speed (no Kafka): {@code --users N --days D --seed S [--world FILE]},
 * defaults 100000 users, 365 days, seed 1, {@code conf/world.yaml}.
 */
public final class SimulatorBenchmark {

    private SimulatorBenchmark() {}

    public static void main(String[] args) throws Exception {
        int users = 100_000;
        int days = 365;
        long seed = 1;
        Path world = Path.of("conf/world.yaml");
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--users" -> users = Integer.parseInt(args[i + 1]);
                case "--days" -> days = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--world" -> world = Path.of(args[i + 1]);
                default ->
                        throw new IllegalArgumentException(
                                "unknown option "
                                        + args[i]
                                        + " (--users, --days, --seed, --world)");
            }
        }
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
