package io.retentionloop.learner.ope;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A contextual bandit with known truth for estimator tests: 3 Gaussian features, 3 actions, a
 * softmax logging policy with non-uniform, context-dependent propensities (floored at 5%), and a
 * linear expected reward plus Gaussian noise.
 */
final class SyntheticLogs {
    static final int K = 3;
    static final int D = 3;
    private static final double[][] LOGGING = {{0.0, 0.0, 0.0}, {0.8, -0.5, 0.3}, {-0.6, 0.9, 0.0}};
    private static final double[] LOGGING_BIAS = {0.6, 0.0, -0.4};
    private static final double[] REWARD_BIAS = {1.0, 1.4, 0.8};
    private static final double[][] REWARD_SLOPE = {
        {0.5, 0.0, 0.2}, {-0.4, 0.6, 0.0}, {0.9, -0.3, 0.5}
    };
    static final double NOISE = 1.0;

    private SyntheticLogs() {}

    static double[] context(SplittableRandom rng) {
        double[] x = new double[D];
        for (int j = 0; j < D; j++) {
            x[j] = gaussian(rng);
        }
        return x;
    }

    /** μ(· | x). */
    static double[] logging(double[] x) {
        double[] s = new double[K];
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < K; a++) {
            s[a] = LOGGING_BIAS[a];
            for (int j = 0; j < D; j++) {
                s[a] += LOGGING[a][j] * x[j];
            }
            max = Math.max(max, s[a]);
        }
        double z = 0;
        for (int a = 0; a < K; a++) {
            s[a] = Math.exp(s[a] - max);
            z += s[a];
        }
        for (int a = 0; a < K; a++) {
            s[a] = 0.05 + (1 - 0.05 * K) * s[a] / z;
        }
        return s;
    }

    /** E[r | x, a]. */
    static double meanReward(double[] x, int a) {
        double r = REWARD_BIAS[a];
        for (int j = 0; j < D; j++) {
            r += REWARD_SLOPE[a][j] * x[j];
        }
        return r;
    }

    /** n decisions logged under μ. */
    static List<LoggedDecision> logs(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LoggedDecision> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] x = context(rng);
            double[] mu = logging(x);
            int a = sample(mu, rng.nextDouble());
            double r = meanReward(x, a) + NOISE * gaussian(rng);
            out.add(new LoggedDecision(a, mu[a], r, x));
        }
        return out;
    }

    /** A target policy unlike the logging one: mostly the first feature's sign picks 2 or 1. */
    static Policy target() {
        return Policy.of(
                K, x -> x[0] > 0 ? new double[] {0.1, 0.1, 0.8} : new double[] {0.1, 0.7, 0.2});
    }

    /** V(π) by Monte Carlo over 400k contexts of the exact expected reward (scored in batch). */
    static double trueValue(Policy policy) {
        SplittableRandom rng = new SplittableRandom(12345);
        int m = 400_000;
        List<double[]> xs = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            xs.add(context(rng));
        }
        double[][] p = policy.probabilities(xs);
        double sum = 0;
        for (int i = 0; i < m; i++) {
            for (int a = 0; a < K; a++) {
                sum += p[i][a] * meanReward(xs.get(i), a);
            }
        }
        return sum / m;
    }

    static int sample(double[] p, double u) {
        double c = 0;
        for (int a = 0; a < p.length; a++) {
            c += p[a];
            if (u < c) {
                return a;
            }
        }
        return p.length - 1;
    }

    static double gaussian(SplittableRandom rng) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u1 = 1 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
