package io.retentionloop.value.model;

/**
 * The value model's probabilistic head, per user. The network outputs four numbers:
 *
 * <ul>
 *   <li>{@code a = log λ}: purchase rate per week while the user stays;
 *   <li>{@code b = log δ}: rate per week at which the user leaves for good;
 *   <li>{@code m}, {@code d = log σ}: log-normal distribution of the user's order value.
 * </ul>
 *
 * Expected purchases over a horizon of {@code h} weeks are {@code E = λ (1 − e^{−δh}) / δ}, the
 * Pareto/NBD individual-level form, so one network answers for any horizon and extrapolates beyond
 * the horizons it was trained on the way a customer-base model does. Counts are scored by Poisson
 * likelihood, order values (mean log order value of the label window, when there are purchases) by
 * log-normal likelihood: together a zero-inflated log-normal for spend, with the zero mass coming
 * from the count process. Expected spend is {@code E · exp(m + σ²/2)}.
 *
 * <p>Labels per example: {@code [y, h, v, has]}: purchases in the window, its length in weeks, the
 * mean log order value in it, and 1 when {@code y > 0}.
 */
public final class ClvLikelihood {
    public static final int OUTPUTS = 4;
    public static final int LABELS = 4;

    private static final double MIN_LOG = -15;
    private static final double MAX_LOG = 6;

    private ClvLikelihood() {}

    static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }

    /** {@code (1 − e^{−δh}) / δ}, stable for small {@code δh}. */
    static double survivalIntegral(double delta, double h) {
        double x = delta * h;
        if (x < 1e-6) {
            return h * (1 - x / 2 + x * x / 6);
        }
        return -Math.expm1(-x) / delta;
    }

    /** d/dδ of {@link #survivalIntegral}. */
    static double survivalIntegralDerivative(double delta, double h) {
        double x = delta * h;
        if (x < 1e-4) {
            return h * h * (-0.5 + x / 3 - x * x / 8);
        }
        return (x * Math.exp(-x) + Math.expm1(-x)) / (delta * delta);
    }

    /** Expected purchases over {@code h} weeks for outputs {@code out}. */
    public static double expectedPurchases(double[] out, double h) {
        double lambda = Math.exp(clamp(out[0], MIN_LOG, MAX_LOG));
        double delta = Math.exp(clamp(out[1], MIN_LOG, MAX_LOG));
        return lambda * survivalIntegral(delta, h);
    }

    /** Expected value of one order. */
    public static double expectedOrderValue(double[] out) {
        double sigma = Math.exp(clamp(out[3], -5, 3));
        return Math.exp(clamp(out[2], -10, 15) + sigma * sigma / 2);
    }

    /**
     * Negative log-likelihood of one example (constants dropped) and, into {@code grad}, its
     * gradient with respect to the four outputs.
     */
    public static double loss(double[] out, double[] label, double[] grad) {
        double y = label[0];
        double h = label[1];
        double a = clamp(out[0], MIN_LOG, MAX_LOG);
        double b = clamp(out[1], MIN_LOG, MAX_LOG);
        double lambda = Math.exp(a);
        double delta = Math.exp(b);
        double g = survivalIntegral(delta, h);
        double e = Math.max(lambda * g, 1e-12);
        double loss = e - y * Math.log(e);
        grad[0] = inRange(out[0], MIN_LOG, MAX_LOG) ? e - y : 0;
        grad[1] =
                inRange(out[1], MIN_LOG, MAX_LOG)
                        ? (lambda - y / g) * survivalIntegralDerivative(delta, h) * delta
                        : 0;
        if (label[3] > 0) {
            double v = label[2];
            double m = out[2];
            double d = clamp(out[3], -5, 3);
            double var = Math.exp(2 * d);
            double r = v - m;
            loss += d + r * r / (2 * var);
            grad[2] = -r / var;
            grad[3] = inRange(out[3], -5, 3) ? 1 - r * r / var : 0;
        } else {
            grad[2] = 0;
            grad[3] = 0;
        }
        return loss;
    }

    private static boolean inRange(double x, double lo, double hi) {
        return x >= lo && x <= hi;
    }
}
