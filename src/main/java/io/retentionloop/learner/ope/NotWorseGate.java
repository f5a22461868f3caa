package io.retentionloop.learner.ope;

import java.util.List;

/**
 * The learner's publish gate: a candidate policy may replace the current one only when an
 * off-policy estimate on recent logged decisions says it is not worse, i.e. the one-sided lower
 * confidence bound of {@code V(candidate) − V(current)} (paired bootstrap) is at least {@code
 * −tolerance}.
 */
public final class NotWorseGate {
    private final OffPolicyEstimator estimator;
    private final double level;
    private final double tolerance;

    /**
     * @param estimator the estimator to trust (SNIPS or DR are the sensible ones)
     * @param level one-sided confidence of the bound, e.g. 0.95
     * @param tolerance how much worse (in reward units) is still acceptable, >= 0
     */
    public NotWorseGate(OffPolicyEstimator estimator, double level, double tolerance) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1)");
        }
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be >= 0");
        }
        this.estimator = estimator;
        this.level = level;
        this.tolerance = tolerance;
    }

    /** The gate's verdict, with the numbers behind it for logs and metrics. */
    public record Verdict(boolean publish, Estimate difference, double lowerBound, String reason) {}

    /** Decides on a candidate given both policies' probabilities on the logged decisions. */
    public Verdict check(double[][] candidate, double[][] current, List<LoggedDecision> logs) {
        Estimate diff = estimator.compare(candidate, current, logs);
        double lb = diff.lowerBound(level);
        boolean publish = lb >= -tolerance;
        String reason =
                String.format(
                        "%s: candidate − current = %.4g, %.0f%% lower bound %.4g %s −%.4g",
                        estimator.name(),
                        diff.estimate(),
                        level * 100,
                        lb,
                        publish ? ">=" : "<",
                        tolerance);
        return new Verdict(publish, diff, lb, reason);
    }

    /** Decides on a candidate policy against the current one. */
    public Verdict check(Policy candidate, Policy current, List<LoggedDecision> logs) {
        return check(
                TargetProbabilities.of(candidate, logs),
                TargetProbabilities.of(current, logs),
                logs);
    }
}
