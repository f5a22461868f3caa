package io.retentionloop.simulate;

import java.util.SplittableRandom;

/** The few random variates the world needs, drawn from a caller-owned generator. */
public final class Distributions {

    private Distributions() {}

    /** Exponential with mean 1: the hazard a Poisson clock must accumulate before it fires. */
    public static double unitExponential(SplittableRandom rng) {
        return -Math.log(1.0 - rng.nextDouble());
    }

    /** Gamma with this shape and rate (mean shape / rate), by Marsaglia and Tsang (2000). */
    public static double gamma(SplittableRandom rng, double shape, double rate) {
        if (shape < 1) {
            // boost: Gamma(a) = Gamma(a + 1) · U^(1/a)
            double u = 1.0 - rng.nextDouble();
            return gamma(rng, shape + 1, rate) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1.0 - rng.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v / rate;
            }
        }
    }

    /** Beta(a, b) as the ratio of two gammas. */
    static double beta(SplittableRandom rng, double a, double b) {
        double x = gamma(rng, a, 1);
        double y = gamma(rng, b, 1);
        return x / (x + y);
    }

    /** Geometric on {1, 2, ...} with this mean (at least 1). */
    static int geometricAtLeastOne(SplittableRandom rng, double mean) {
        if (mean <= 1) {
            return 1;
        }
        double u = 1.0 - rng.nextDouble();
        return 1 + (int) Math.floor(Math.log(u) / Math.log(1 - 1 / mean));
    }

    /** A uniform draw in [lo, hi). */
    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /** A well-mixed seed for stream {@code stream} of item {@code index} (SplitMix64 finalizer). */
    static long seed(long seed, long index, long stream) {
        return mix(seed ^ mix(index * 0x9E3779B97F4A7C15L + stream));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
