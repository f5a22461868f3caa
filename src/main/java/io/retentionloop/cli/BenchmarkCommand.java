package io.retentionloop.cli;

import io.retentionloop.benchmark.Benchmark;
import io.retentionloop.job.Home;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The throughput benchmark: the job against a bare Flink keyed job on the same events. */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the job's per-event speed against a bare Flink keyed job (same source,"
                    + " parsing, watermarks and checkpoints; keyBy(user) and one state update per"
                    + " event) on one fixed event set from the simulator, in this process, at"
                    + " parallelism 1, interleaved: bare, idle (the real graph with the learner"
                    + " idle), learned (the real graph with the default learner), repeated"
                    + " --repeat times. Also the value model's scoring against its network alone.",
            "At the end of the last idle run: a canonical savepoint (OUT/savepoints/), its"
                    + " keyed-state bytes per operator uid and per user in state"
                    + " (state_bytes_per_user, users_in_state), and the time to restore the idle"
                    + " graph from it and from a retained checkpoint until every task runs"
                    + " (restore_seconds, restore_seconds_checkpoint). The lifecycle's window-end"
                    + " snapshots per second while its counter rises (window_end_snapshots_per_s).",
            "Writes OUT/report.json (medians, min and max, ratios against the bare job of the"
                    + " same round) and OUT/report.html (a chart of every run and the key figures"
                    + " against their goals). A benchmark, not a test: figures vary with the"
                    + " machine's load; compare ratios, not absolute speeds. Method and definitions:"
                    + " src/site/markdown/performance.md."
        })
final class BenchmarkCommand implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Option(
            names = "--world",
            defaultValue = Home.DEFAULT + "/conf/world.yaml",
            description = "Simulated world (default ${DEFAULT-VALUE}).")
    Path world;

    @Option(
            names = "--users",
            defaultValue = "20000",
            description = "Simulated users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--days",
            defaultValue = "90",
            description = "Simulated days (default ${DEFAULT-VALUE}).")
    int days;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "World seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start",
            defaultValue = "2025-01-02",
            description = "First simulated day (default ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(
            names = "--repeat",
            defaultValue = "3",
            description = "Rounds of every scenario, interleaved (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(
            names = "--scenarios",
            split = ",",
            defaultValue = "bare,idle,learned",
            description =
                    "Which of bare, idle, learned, kafka-bare, kafka-idle to run (default"
                            + " ${DEFAULT-VALUE}); the savepoint and restore figures need idle."
                            + " kafka-bare and kafka-idle read the same events from an embedded"
                            + " Kafka broker (kafka-idle: the job as submitted, exactly-once Kafka"
                            + " sinks included), so the connector's cost shows.")
    List<String> scenarios;

    @Option(
            names = "--out",
            defaultValue = Home.DEFAULT + "/target/benchmark",
            description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description =
                    "Value model to serve (default: the embedded run's, trained on the world's own"
                            + " history once and cached in target/models/).")
    Path model;

    @Override
    public Integer call() throws Exception {
        new Benchmark(
                        new Benchmark.Options(
                                world,
                                users,
                                days,
                                seed,
                                start.atStartOfDay(ZoneOffset.UTC).toInstant(),
                                repeat,
                                scenarios,
                                out,
                                model,
                                config.config,
                                config.overrides),
                        m -> System.err.println("[benchmark] " + m))
                .run();
        return 0;
    }
}
