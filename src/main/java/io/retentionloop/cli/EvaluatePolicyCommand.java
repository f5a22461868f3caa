package io.retentionloop.cli;

import io.retentionloop.learner.DqnSettings;
import io.retentionloop.learner.ope.Bootstrap;
import io.retentionloop.learner.ope.DecisionLog;
import io.retentionloop.learner.ope.DqnTargetingTrainer;
import io.retentionloop.learner.ope.Hillstrom;
import io.retentionloop.learner.ope.HillstromExperiment;
import io.retentionloop.learner.ope.LogEvaluation;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Off-policy evaluation (IPS, SNIPS, DR with bootstrap intervals) of logged decisions. */
@Command(
        name = "evaluate-policy",
        mixinStandardHelpOptions = true,
        description = {
            "Off-policy evaluation: IPS, SNIPS and doubly robust estimates with percentile"
                    + " bootstrap intervals and effective sample sizes.",
            "Writes OUT/report.json (per policy: estimator -> estimate, se, ci_low, ci_high, ess),"
                    + " OUT/report.html (table and bar chart with interval whiskers) and prints a"
                    + " summary."
        },
        subcommands = {
            EvaluatePolicyCommand.HillstromCommand.class,
            EvaluatePolicyCommand.LogCommand.class
        })
public final class EvaluatePolicyCommand implements Runnable {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every evaluation takes. */
    static final class EstimationOptions {
        @Option(
                names = "--bootstrap",
                defaultValue = "1000",
                description = "Bootstrap replicates for the intervals (default ${DEFAULT-VALUE}).")
        int bootstrap;

        @Option(
                names = "--confidence",
                defaultValue = "0.95",
                description =
                        "Two-sided confidence level of the intervals (default ${DEFAULT-VALUE}).")
        double confidence;

        @Option(
                names = "--seed",
                defaultValue = "7",
                description =
                        "Seed of the bootstrap, the cross-fitting folds and (hillstrom) the"
                                + " train/evaluation split and the learners (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--ridge-lambda",
                defaultValue = "1.0",
                description =
                        "L2 penalty of DR's per-action ridge reward model on standardized features"
                                + " (default ${DEFAULT-VALUE}).")
        double ridgeLambda;

        Bootstrap bootstrap() {
            return new Bootstrap(bootstrap, confidence, seed);
        }
    }

    static int write(OpeReport report, Path out) throws Exception {
        report.write(out);
        System.out.print(report.summary());
        System.out.println();
        System.out.println(
                "wrote " + out.resolve("report.json") + " and " + out.resolve("report.html"));
        return 0;
    }

    /** The Hillstrom e-mail experiment. */
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
    static final class HillstromCommand implements Callable<Integer> {
        @Option(
                names = "--data",
                defaultValue = "../shared/data/hillstrom/hillstrom.csv",
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
                description =
                        "Output directory (default target/evaluate-policy/hillstrom-<reward>).")
        Path out;

        @Mixin EstimationOptions estimation;

        @Override
        public Integer call() throws Exception {
            Hillstrom.Reward r;
            try {
                r = Hillstrom.Reward.parse(reward);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--reward must be spend or visit, was " + reward);
            }
            if (!Files.isRegularFile(data)) {
                throw new IllegalArgumentException(
                        "--data "
                                + data
                                + ": no such file (run from the project root or pass --data)");
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
                    "[evaluate-policy] %d customers from %s, reward %s, learners %s%n",
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
            report.json().put("command", "evaluate-policy hillstrom");
            Path dir =
                    out != null
                            ? out
                            : Path.of(
                                    "target/evaluate-policy/hillstrom-"
                                            + r.name().toLowerCase(Locale.ROOT));
            return write(report, dir);
        }
    }

    /** A decision log in JSON lines. */
    @Command(
            name = "log",
            mixinStandardHelpOptions = true,
            description = {
                "Evaluate policies on a decision log: JSON lines, one decision per line:",
                "  {\"action\": 1, \"propensity\": 0.25, \"reward\": 3.5, \"context\": [0.2, 1.0],"
                        + " \"target_probabilities\": [0.1, 0.8, 0.1]}",
                "action: index taken (0..K-1); propensity: the logging policy's probability of it,"
                        + " in (0,1]; reward: the matured reward; context: features (DR's reward"
                        + " model); target_probabilities (optional, on every line or none): the"
                        + " evaluated policy's probabilities of all K actions. Other fields are"
                        + " ignored.",
                "Each policy is also compared, paired, with the logging policy's realized mean"
                        + " reward."
            })
    static final class LogCommand implements Callable<Integer> {
        @Option(
                names = "--decisions",
                required = true,
                description = "The decision log (JSON lines).")
        Path decisions;

        @Option(
                names = "--target",
                description =
                        "A policy to evaluate: fixed:<action index> or uniform; repeatable."
                                + " Needed when the log has no target_probabilities.")
        List<String> targets = List.of();

        @Option(
                names = "--actions",
                defaultValue = "0",
                description =
                        "Number of actions K; 0 infers it from target_probabilities or the largest"
                                + " logged action (default ${DEFAULT-VALUE}).")
        int actions;

        @Option(
                names = "--out",
                defaultValue = "target/evaluate-policy/log",
                description = "Output directory (default ${DEFAULT-VALUE}).")
        Path out;

        @Mixin EstimationOptions estimation;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(decisions)) {
                throw new IllegalArgumentException("--decisions " + decisions + ": no such file");
            }
            List<DecisionLog.Entry> entries = DecisionLog.read(decisions);
            OpeReport report =
                    LogEvaluation.run(
                            entries,
                            targets,
                            actions,
                            estimation.bootstrap(),
                            estimation.ridgeLambda,
                            decisions.toString());
            report.json().put("command", "evaluate-policy log");
            return write(report, out);
        }
    }
}
