package io.retentionloop.cli;

import io.retentionloop.job.Home;
import io.retentionloop.local.LocalRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The embedded default: Kafka, the simulator and the job, all in this process. */
@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole loop on this machine: an in-process Kafka broker (KRaft), the simulated"
                    + " world producing events into it, and the retention-loop job on a local"
                    + " Flink MiniCluster with RocksDB state and exactly-once checkpoints.",
            "Prints progress, then a summary; writes it to OUT/summary.json. Exits 1 when a"
                    + " consistency check fails."
        })
final class LocalCommand implements Callable<Integer> {
    @Option(
            names = "--users",
            defaultValue = "2000",
            description = "Simulated users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--days",
            defaultValue = "60",
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
            description = "First simulated day, UTC (default ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(
            names = "--world",
            defaultValue = Home.DEFAULT + "/conf/world.yaml",
            description = "World definition for the simulator (default ${DEFAULT-VALUE}).")
    Path world;

    @Option(
            names = "--flink-conf",
            defaultValue = Home.DEFAULT + "/conf",
            description =
                    "Directory with Flink's config.yaml; state backend, checkpointing and metrics"
                            + " settings apply (default ${DEFAULT-VALUE}).")
    Path flinkConf;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of the events topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--out",
            defaultValue = Home.DEFAULT + "/target/local-run",
            description =
                    "Working directory for Kafka data, checkpoints and the summary (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--timeout",
            defaultValue = "PT10M",
            description =
                    "Give up waiting for the job after this long (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--policy",
            defaultValue = "learned",
            description =
                    "Policy the agent follows: learned (the DQN, learning while it runs), none,"
                            + " random, fixed:<action>, or oracle (chosen from the world's latent"
                            + " state, as an upper bound) (default ${DEFAULT-VALUE}).")
    String policy;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        if (users <= 0 || days <= 0 || partitions <= 0) {
            throw new IllegalArgumentException("--users, --days and --partitions must be > 0");
        }
        return new LocalRun(
                        new LocalRun.Options(
                                users,
                                days,
                                seed,
                                start.atStartOfDay(ZoneOffset.UTC).toInstant(),
                                world,
                                config.config,
                                config.overrides,
                                flinkConf,
                                partitions,
                                out,
                                timeout,
                                policy))
                .run();
    }
}
