package io.retentionloop.learner.ope;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Off-policy evaluation of a decision log ({@link DecisionLog}): the logged target probabilities
 * (if present) and any named policies ({@code fixed:<action>}, {@code uniform}), each against the
 * logging policy's realized mean reward.
 */
public final class LogEvaluation {
    /** Report keys. */
    public static final String POLICIES = "policies";

    public static final String COMPARISONS = "comparisons";

    /** Name of the policy given by the log's {@code target_probabilities}. */
    public static final String LOGGED_TARGET = "target";

    /** Name of the logging policy's row (its realized mean reward). */
    public static final String LOGGING = "logging (realized mean)";

    private LogEvaluation() {}

    /**
     * Parses a policy spec: {@code fixed:<action index>} or {@code uniform}.
     *
     * @throws IllegalArgumentException for anything else or an action outside 0..K−1
     */
    public static Policy parsePolicy(String spec, int numActions) {
        String s = spec.trim();
        if (s.equals("uniform")) {
            return Policy.uniform(numActions);
        }
        if (s.startsWith("fixed:")) {
            int a;
            try {
                a = Integer.parseInt(s.substring("fixed:".length()).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--target " + spec + ": the action must be an index, e.g. fixed:0");
            }
            if (a < 0 || a >= numActions) {
                throw new IllegalArgumentException(
                        "--target " + spec + ": action outside 0.." + (numActions - 1));
            }
            return Policy.fixed(a, numActions);
        }
        throw new IllegalArgumentException(
                "--target " + spec + ": expected fixed:<action> or uniform");
    }

    /**
     * The number of actions: the length of {@code target_probabilities} when present, else {@code
     * declared} when > 0, else the largest logged action + 1.
     */
    public static int numActions(List<DecisionLog.Entry> entries, int declared) {
        int maxAction = 0;
        int fromTarget = -1;
        for (DecisionLog.Entry e : entries) {
            maxAction = Math.max(maxAction, e.decision().action());
            if (e.targetProbabilities() != null) {
                fromTarget = e.targetProbabilities().length;
            }
        }
        int k = fromTarget > 0 ? fromTarget : declared > 0 ? declared : maxAction + 1;
        if (maxAction >= k) {
            throw new IllegalArgumentException(
                    "logged action " + maxAction + " outside the " + k + " actions");
        }
        return Math.max(k, 2);
    }

    /** Evaluates the targets on the log. */
    public static OpeReport run(
            List<DecisionLog.Entry> entries,
            List<String> targetSpecs,
            int declaredActions,
            Bootstrap bootstrap,
            double ridgeLambda,
            String source) {
        int k = numActions(entries, declaredActions);
        List<LoggedDecision> logs = new ArrayList<>(entries.size());
        int withTarget = 0;
        for (DecisionLog.Entry e : entries) {
            logs.add(e.decision());
            withTarget += e.targetProbabilities() != null ? 1 : 0;
        }
        if (withTarget != 0 && withTarget != entries.size()) {
            throw new IllegalArgumentException(
                    "target_probabilities present on "
                            + withTarget
                            + " of "
                            + entries.size()
                            + " decisions: give it on every line or on none");
        }
        Map<String, double[][]> targets = new LinkedHashMap<>();
        if (withTarget > 0) {
            double[][] pi = new double[entries.size()][];
            for (int i = 0; i < pi.length; i++) {
                pi[i] = entries.get(i).targetProbabilities();
            }
            targets.put(LOGGED_TARGET, pi);
        }
        for (String spec : targetSpecs) {
            targets.put(spec.trim(), TargetProbabilities.of(parsePolicy(spec, k), logs));
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException(
                    "nothing to evaluate: the log has no target_probabilities and no --target was"
                            + " given");
        }
        List<RatioEstimator> estimators =
                List.of(
                        new Ips(bootstrap),
                        new Snips(bootstrap),
                        new DoublyRobust(
                                new RidgeRewardModel(ridgeLambda, 2, bootstrap.seed()), bootstrap));

        OpeReport report = new OpeReport("Off-policy evaluation of " + source);
        ObjectNode json = report.json();
        json.put("dataset", "decision-log");
        json.put("source", source);
        json.put("decisions", logs.size());
        json.put("actions", k);
        json.put("context_size", logs.get(0).context().length);
        json.put("bootstrap_replicates", bootstrap.replicates());
        json.put("confidence", bootstrap.confidence());
        json.put("seed", bootstrap.seed());
        json.put(
                "dr_reward_model",
                "per-action ridge, lambda " + ridgeLambda + ", 2-fold cross-fit");
        double minPropensity = 1;
        for (LoggedDecision d : logs) {
            minPropensity = Math.min(minPropensity, d.propensity());
        }
        json.put("min_propensity", minPropensity);

        OpeReport.Section values = report.values(POLICIES, "Policy values");
        values.add(LOGGING, Map.of("mean", estimators.get(0).loggingValue(logs)));
        OffPolicyEstimator.estimateAll(List.copyOf(estimators), targets, logs).forEach(values::add);
        OpeReport.Section diffs =
                report.differences(COMPARISONS, "Policy − logging policy (paired)");
        for (Map.Entry<String, double[][]> t : targets.entrySet()) {
            Map<String, Estimate> byEstimator = new LinkedHashMap<>();
            for (RatioEstimator e : estimators) {
                byEstimator.put(e.name(), e.compareToLogging(t.getValue(), logs));
            }
            diffs.add(t.getKey() + " − logging", byEstimator);
        }
        for (Map.Entry<String, Map<String, Estimate>> row : values.rows().entrySet()) {
            Estimate ips = row.getValue().get("IPS");
            if (ips != null && ips.ess() < 0.01 * logs.size()) {
                report.addNote(
                        String.format(
                                Locale.ROOT,
                                "%s: effective sample size %.0f of %d decisions — the log has"
                                        + " little support for this policy; trust its intervals"
                                        + " less.",
                                row.getKey(),
                                ips.ess(),
                                logs.size()));
            }
        }
        return report;
    }
}
