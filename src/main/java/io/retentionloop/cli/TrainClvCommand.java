package io.retentionloop.cli;

import io.retentionloop.events.Event;
import io.retentionloop.job.Home;
import io.retentionloop.job.JobConfig;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.local.SimulatedHistories;
import io.retentionloop.simulate.WorldConfig;
import io.retentionloop.value.data.Transaction;
import io.retentionloop.value.model.ClvModel;
import io.retentionloop.value.model.ClvTraining;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains the value model the job serves. */
@Command(
        name = "train-clv",
        mixinStandardHelpOptions = true,
        description = {
            "Train the DL4J value model on history and save it as one model file (network, feature"
                    + " scaling, feature schema, horizon, training-data fingerprint, metrics).",
            "History is replayed through the same lifecycle code the stream runs, with the"
                    + " lifecycle settings of the application config, so the served features are"
                    + " the trained ones."
        })
final class TrainClvCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--transactions", paramLabel = "FILE", description = "A transactions file.")
        Path transactions;

        @Option(
                names = "--world",
                paramLabel = "FILE",
                description = "Simulate this world (e.g. conf/world.yaml) for the history.")
        Path world;
    }

    @Mixin TransactionFileOptions file;

    @Option(
            names = "--users",
            defaultValue = "5000",
            description = "Simulated users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--days",
            defaultValue = "180",
            description = "Simulated days (default ${DEFAULT-VALUE}).")
    int days;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "World seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start",
            defaultValue = "2025-01-02",
            description = "First simulated day (default ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(
            names = "--horizon-days",
            defaultValue = "28",
            description = "Horizon the model serves, days (default ${DEFAULT-VALUE}).")
    double horizonDays;

    @Option(
            names = "--cutoff-step-days",
            defaultValue = "7",
            description = "Days between training cut-offs (default ${DEFAULT-VALUE}).")
    int step;

    @Option(
            names = "--out",
            defaultValue = Home.DEFAULT + "/target/models/clv.model",
            description = "Model file to write (default ${DEFAULT-VALUE}).")
    Path out;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        JobConfig c = config.load();
        UserLifecycle lifecycle = new UserLifecycle(c.lifecycleRules().aligned());
        ClvModel model;
        if (source.world != null) {
            System.out.printf("simulating %d users for %d days (seed %d)%n", users, days, seed);
            model =
                    SimulatedHistories.train(
                            WorldConfig.load(source.world),
                            users,
                            days,
                            seed,
                            start.atStartOfDay(ZoneOffset.UTC).toInstant(),
                            c.eventRules(),
                            lifecycle,
                            horizonDays,
                            step);
        } else {
            List<Transaction> tx = file.read(source.transactions);
            Map<String, List<Event>> history = ClvTraining.purchaseHistory(tx);
            model =
                    ClvTraining.onHistory(
                            history, lifecycle, horizonDays, step, ClvTraining.fingerprint(tx));
        }
        model.save(out);
        System.out.println("model " + model.version() + " saved to " + out);
        model.metadata().metrics().forEach((k, v) -> System.out.printf("  %-24s %.4f%n", k, v));
        return 0;
    }
}
