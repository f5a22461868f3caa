package io.retentionloop.learner.ope;

/**
 * An off-policy estimate (of a policy's value, or of the difference between two policies) with its
 * uncertainty.
 *
 * @param estimator name of the estimator ("IPS", "SNIPS", "DR")
 * @param estimate point estimate
 * @param se linearized (sandwich / delta-method) standard error
 * @param ciLow lower end of the two-sided percentile bootstrap interval
 * @param ciHigh upper end of that interval
 * @param ess Kish effective sample size of the importance weights (the smaller one of the two
 *     policies for a difference)
 * @param n number of logged decisions used
 * @param confidence two-sided level of the interval
 * @param replicates the bootstrap replicates, sorted (NaN-free)
 */
public record Estimate(
        String estimator,
        double estimate,
        double se,
        double ciLow,
        double ciHigh,
        double ess,
        int n,
        double confidence,
        double[] replicates) {

    /**
     * One-sided lower confidence bound at {@code level} from the bootstrap replicates: the value
     * the truth exceeds with that confidence (e.g. level 0.95 gives the 5th percentile).
     */
    public double lowerBound(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1)");
        }
        return Bootstrap.quantile(replicates, 1 - level);
    }

    /** Whether the two-sided interval contains {@code value}. */
    public boolean covers(double value) {
        return ciLow <= value && value <= ciHigh;
    }

    /** The same numbers under another estimator name. */
    public Estimate withEstimator(String name) {
        return new Estimate(name, estimate, se, ciLow, ciHigh, ess, n, confidence, replicates);
    }

    @Override
    public String toString() {
        return String.format(
                "%s %.4f (se %.4f, %.0f%% CI [%.4f, %.4f], ess %.0f, n %d)",
                estimator, estimate, se, confidence * 100, ciLow, ciHigh, ess, n);
    }
}
