package io.retentionloop.value.baseline;

/** The Gauss hypergeometric function 2F1, which the BG/NBD forecast needs. */
final class Hypergeometric {
    private static final double EPSILON = 1e-15;
    private static final int MAX_TERMS = 1_000_000;

    private Hypergeometric() {}

    /**
     * 2F1(a, b; c; z) by its power series, for 0 &le; z &lt; 1 and c &gt; 0. The series converges
     * like z<sup>k</sup> once k exceeds the parameters; callers keep a and b small (see {@link
     * BgNbd}) so that it converges fast.
     */
    static double f21(double a, double b, double c, double z) {
        if (!(z >= 0 && z < 1) || !(c > 0)) {
            throw new IllegalArgumentException(
                    "2F1 series needs 0 <= z < 1 and c > 0, got z=" + z + ", c=" + c);
        }
        double term = 1;
        double sum = 1;
        for (int k = 0; k < MAX_TERMS; k++) {
            double ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            term *= ratio;
            sum += term;
            // Stop only once terms shrink for good: an early small term can precede larger ones.
            if (Math.abs(term) <= EPSILON * Math.abs(sum) && Math.abs(ratio) < 1) {
                return sum;
            }
        }
        throw new ArithmeticException(
                "2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
    }
}
