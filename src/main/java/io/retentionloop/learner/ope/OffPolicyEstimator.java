package io.retentionloop.learner.ope;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * Policy name → estimator name → estimate for several named target policies, each estimator
     * estimating every policy on the same resamples.
     */
    static Map<String, Map<String, Estimate>> estimateAll(
            List<OffPolicyEstimator> estimators,
            Map<String, double[][]> targets,
            List<LoggedDecision> logs) {
        Map<String, Map<String, Estimate>> out = new LinkedHashMap<>();
        List<double[][]> pis = new ArrayList<>(targets.values());
        List<String> names = new ArrayList<>(targets.keySet());
        for (OffPolicyEstimator e : estimators) {
            List<Estimate> es = e.estimateAll(pis, logs);
            for (int k = 0; k < names.size(); k++) {
                out.computeIfAbsent(names.get(k), n -> new LinkedHashMap<>())
                        .put(e.name(), es.get(k));
            }
        }
        return out;
    }
}
