package io.retentionloop.learner.ope;

/**
 * Per-decision terms of an estimator written as a ratio of sums, {@code V = Σu / Σv}: IPS and DR
 * have {@code v = 1}, SNIPS has {@code v = w}. One shape gives point estimate, linearized standard
 * error and bootstrap for every estimator.
 *
 * @param u numerator term per decision
 * @param v denominator term per decision
 * @param weights importance weights π(a_i|x_i) / μ(a_i|x_i), for the effective sample size
 */
public record RatioTerms(double[] u, double[] v, double[] weights) {
    public RatioTerms {
        if (u.length != v.length || u.length != weights.length) {
            throw new IllegalArgumentException("term arrays differ in length");
        }
        if (u.length == 0) {
            throw new IllegalArgumentException("no logged decisions to evaluate");
        }
    }

    int size() {
        return u.length;
    }

    /** Σu / Σv. */
    double value() {
        double su = 0;
        double sv = 0;
        for (int i = 0; i < u.length; i++) {
            su += u[i];
            sv += v[i];
        }
        return su / sv;
    }

    /** Influence of each decision on {@link #value()}: (u_i − V v_i) / mean(v). */
    double[] influence() {
        double value = value();
        double meanV = 0;
        for (double x : v) {
            meanV += x;
        }
        meanV /= v.length;
        double[] psi = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            psi[i] = (u[i] - value * v[i]) / meanV;
        }
        return psi;
    }

    /** Kish effective sample size of the importance weights, (Σw)² / Σw². */
    double effectiveSampleSize() {
        double s = 0;
        double s2 = 0;
        for (double w : weights) {
            s += w;
            s2 += w * w;
        }
        return s2 == 0 ? 0 : s * s / s2;
    }

    /** Standard error of the mean of influence terms, sqrt(Σψ² / (n (n−1))). */
    static double standardError(double[] psi) {
        int n = psi.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mean = 0;
        for (double x : psi) {
            mean += x;
        }
        mean /= n;
        double ss = 0;
        for (double x : psi) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / ((double) n * (n - 1)));
    }
}
