package io.retentionloop.cli;

import io.retentionloop.job.Home;
import io.retentionloop.learner.ope.Bootstrap;
import io.retentionloop.learner.ope.DecisionLog;
import io.retentionloop.learner.ope.LogEvaluation;
import io.retentionloop.learner.ope.OpeReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        subcommands = {EvaluatePolicyCommand.LogCommand.class})
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
                        "Seed of the bootstrap and the cross-fitting folds (and, in the lab's"
                                + " hillstrom, of the split and the learners) (default ${DEFAULT-VALUE}).")
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
                defaultValue = Home.DEFAULT + "/target/evaluate-policy/log",
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
