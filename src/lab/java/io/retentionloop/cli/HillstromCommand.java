package io.retentionloop.cli;

import io.retentionloop.job.Home;
import io.retentionloop.learner.DqnSettings;
import io.retentionloop.learner.ope.DqnTargetingTrainer;
import io.retentionloop.learner.ope.Hillstrom;
import io.retentionloop.learner.ope.HillstromExperiment;
import io.retentionloop.learner.ope.OpeReport;
import io.retentionloop.learner.ope.RidgeGreedyTrainer;
import io.retentionloop.learner.ope.TargetingTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The off-policy estimators and the DQN on the Hillstrom (MineThatData 2008) randomized e-mail
 * experiment, where every arm's true mean is known: a research check of the estimators, not part of
 * the job.
 */
@Command(
        name = "hillstrom",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate on the Hillstrom (MineThatData 2008) randomized e-mail experiment: every"
                    + " fixed arm (No/Mens/Womens E-Mail) against its actual mean, then"
                    + " targeting policies trained on a random part of the customers (the"
                    + " project's DQN with gamma 0, and a ridge baseline) against every fixed"
                    + " arm and the uniformly random policy on the rest, with paired"
                    + " differences.",
            "Context: recency, history_segment ordinal, ln(1+history), mens, womens, zip_code"
                    + " one-hot, newbie, channel one-hot. Logged propensity 1/3."
        })
public final class HillstromCommand implements Callable<Integer> {
    @Option(
            names = "--data",
            defaultValue = Home.DEFAULT + "/../shared/data/hillstrom/hillstrom.csv",
            description = {"The Hillstrom CSV, read in place. Default:", "${DEFAULT-VALUE}"})
    Path data;

    @Option(
            names = "--reward",
            defaultValue = "spend",
            description =
                    "spend (dollars in two weeks minus --email-cost for e-mailed customers) or"
                            + " visit (0/1) (default ${DEFAULT-VALUE}).")
    String reward;

    @Option(
            names = "--email-cost",
            defaultValue = "0.10",
            description =
                    "Cost of one e-mail in dollars, subtracted from spend (default ${DEFAULT-VALUE}).")
    double emailCost;

    @Option(
            names = "--train-fraction",
            defaultValue = "0.5",
            description =
                    "Share of customers the learners train on; the rest is evaluated on"
                            + " (default ${DEFAULT-VALUE}).")
    double trainFraction;

    @Option(
            names = "--learners",
            split = ",",
            defaultValue = "dqn,ridge-greedy",
            description =
                    "Targeting policies to train: dqn (the project's RL4J double DQN, gamma 0),"
                            + " ridge-greedy (argmax of per-arm ridge regressions); 'none' for"
                            + " none (default ${DEFAULT-VALUE}).")
    List<String> learners;

    @Option(
            names = "--dqn-epochs",
            defaultValue = "4",
            description =
                    "Expected passes of the DQN over the training customers (default ${DEFAULT-VALUE}).")
    double dqnEpochs;

    @Option(
            names = "--dqn-hidden-layers",
            defaultValue = "2",
            description = "Hidden ReLU layers of the Q-network (default ${DEFAULT-VALUE}).")
    int dqnLayers;

    @Option(
            names = "--dqn-hidden-units",
            defaultValue = "64",
            description = "Units per hidden layer (default ${DEFAULT-VALUE}).")
    int dqnUnits;

    @Option(
            names = "--dqn-learning-rate",
            defaultValue = "0.001",
            description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    double dqnLearningRate;

    @Option(
            names = "--dqn-batch",
            defaultValue = "256",
            description = "Minibatch size (default ${DEFAULT-VALUE}).")
    int dqnBatch;

    @Option(
            names = "--out",
            description = "Output directory (default target/evaluate-policy/hillstrom-<reward>).")
    Path out;

    @Mixin EvaluatePolicyCommand.EstimationOptions estimation;

    @Override
    public Integer call() throws Exception {
        Hillstrom.Reward r;
        try {
            r = Hillstrom.Reward.parse(reward);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--reward must be spend or visit, was " + reward);
        }
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException(
                    "--data " + data + ": no such file (run from the project root or pass --data)");
        }
        Map<String, TargetingTrainer> trainers = new LinkedHashMap<>();
        for (String l : learners) {
            switch (l.trim()) {
                case "dqn" ->
                        trainers.put(
                                "dqn",
                                new DqnTargetingTrainer(
                                        new DqnSettings(
                                                0.0,
                                                dqnLearningRate,
                                                dqnLayers,
                                                dqnUnits,
                                                dqnBatch,
                                                Math.max(dqnBatch, 1),
                                                500,
                                                1.0,
                                                estimation.seed),
                                        dqnEpochs));
                case "ridge-greedy" ->
                        trainers.put(
                                "ridge-greedy", new RidgeGreedyTrainer(estimation.ridgeLambda));
                case "none", "" -> {}
                default ->
                        throw new IllegalArgumentException(
                                "--learners: unknown learner '"
                                        + l
                                        + "' (dqn, ridge-greedy, none)");
            }
        }
        List<Hillstrom.Customer> customers = Hillstrom.load(data);
        System.err.printf(
                Locale.ROOT,
                "[hillstrom] %d customers from %s, reward %s, learners %s%n",
                customers.size(),
                data,
                r.name().toLowerCase(Locale.ROOT),
                trainers.keySet());
        OpeReport report =
                HillstromExperiment.run(
                        customers,
                        new HillstromExperiment.Settings(
                                r,
                                emailCost,
                                estimation.seed,
                                trainFraction,
                                estimation.bootstrap(),
                                estimation.ridgeLambda),
                        trainers);
        report.json().put("command", "lab hillstrom");
        Path dir =
                out != null
                        ? out
                        : Home.resolve(
                                "target/evaluate-policy/hillstrom-"
                                        + r.name().toLowerCase(Locale.ROOT));
        return EvaluatePolicyCommand.write(report, dir);
    }
}
