package io.retentionloop.learner.ope;

import java.util.List;

/**
 * Estimates the value of a target policy from decisions logged under another (logging) policy,
 * using the logged propensities: point estimate, standard error, bootstrap interval and effective
 * sample size.
 */
public interface OffPolicyEstimator {
    /** Short name used in reports ("IPS", "SNIPS", "DR"). */
    String name();

    /**
     * The value of the target policy given as π(· | x_i) per logged decision ({@code target[i][a]},
     * n × K).
     */
    Estimate estimate(double[][] target, List<LoggedDecision> logs);

    /**
     * Value of {@code target} minus value of {@code baseline} on the same logs, with a bootstrap
     * interval in which both are recomputed on the same resamples (paired).
     */
    Estimate compare(double[][] target, double[][] baseline, List<LoggedDecision> logs);

    /**
     * The values of several target policies on the same logs (one pass; intervals from the same
     * resamples). The default estimates them one by one.
     */
    default List<Estimate> estimateAll(List<double[][]> targets, List<LoggedDecision> logs) {
        return targets.stream().map(t -> estimate(t, logs)).toList();
    }

    /** The value of a target policy. */
    default Estimate estimate(Policy target, List<LoggedDecision> logs) {
        return estimate(TargetProbabilities.of(target, logs), logs);
    }

    /** Value of {@code target} minus value of {@code baseline}, paired on the same resamples. */
    default Estimate compare(Policy target, Policy baseline, List<LoggedDecision> logs) {
        return compare(
                TargetProbabilities.of(target, logs), TargetProbabilities.of(baseline, logs), logs);
    }

    /**
     * IPS, SNIPS and DR (with a ridge reward model cross-fitted in 2 folds), sharing one bootstrap
     * so that all their intervals come from the same resamples.
     */
    static List<OffPolicyEstimator> standard(Bootstrap bootstrap) {
        return List.of(
                new Ips(bootstrap),
                new Snips(bootstrap),
                new DoublyRobust(new RidgeRewardModel(1.0, 2, bootstrap.seed()), bootstrap));
    }
}
