package io.retentionloop.learner.ope;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap over logged decisions: how many resamples, the two-sided confidence level,
 * and the seed. Replicate {@code b} always draws the same rows for the same seed and sample size,
 * so estimates of different policies (and their difference) computed with one instance are paired
 * on identical resamples.
 *
 * @param replicates number of resamples (>= 10)
 * @param confidence two-sided confidence level of the interval, e.g. 0.95
 * @param seed seed of the resampling
 */
public record Bootstrap(int replicates, double confidence, long seed) {
    /** 1000 replicates, 95%, seed 7. */
    public static final Bootstrap DEFAULT = new Bootstrap(1000, 0.95, 7);

    public Bootstrap {
        if (replicates < 10) {
            throw new IllegalArgumentException("bootstrap replicates must be >= 10");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1)");
        }
    }

    /**
     * For each term set, the ratio of sums ({@code Σu / Σv}) on every resample; all term sets use
     * the same resampled rows. A resample whose denominator sums to 0 yields NaN.
     */
    double[][] replicate(RatioTerms... terms) {
        int n = terms[0].size();
        for (RatioTerms t : terms) {
            if (t.size() != n) {
                throw new IllegalArgumentException("paired term sets must have the same rows");
            }
        }
        int k = terms.length;
        double[][] out = new double[k][replicates];
        double[] su = new double[k];
        double[] sv = new double[k];
        SplittableRandom root = new SplittableRandom(seed);
        for (int b = 0; b < replicates; b++) {
            SplittableRandom rng = root.split();
            Arrays.fill(su, 0);
            Arrays.fill(sv, 0);
            for (int i = 0; i < n; i++) {
                int j = rng.nextInt(n);
                for (int t = 0; t < k; t++) {
                    su[t] += terms[t].u()[j];
                    sv[t] += terms[t].v()[j];
                }
            }
            for (int t = 0; t < k; t++) {
                out[t][b] = sv[t] == 0 ? Double.NaN : su[t] / sv[t];
            }
        }
        return out;
    }

    /** The finite values, sorted. */
    static double[] sortedFinite(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    }

    /** Quantile {@code q} of sorted values with linear interpolation (type 7). */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
