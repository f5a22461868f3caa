package io.retentionloop.value.model;

/**
 * The value model's probabilistic head, per user. The network outputs five numbers:
 *
 * <ul>
 *   <li>{@code a = log λ}: purchase rate per week while the user stays;
 *   <li>{@code b = log β}, {@code c = log k}: the user's leaving rate δ is uncertain, Gamma
 *       distributed with shape {@code k + 1} and rate {@code β} (weeks);
 *   <li>{@code m}, {@code d = log σ}: log-normal distribution of the user's order value.
 * </ul>
 *
 * Expected purchases over a horizon of {@code h} weeks are the Pareto/NBD individual-level
 * expectation with δ integrated out: {@code E = λ β/k · (1 − (β/(β+h))^k)}. Integrating over δ
 * (rather than using a point estimate) is what lets one network answer for any horizon and
 * extrapolate beyond the horizons it was trained on without the systematic under-forecast a point
 * estimate of an exponential lifetime gives (Jensen: the expectation is convex in δ). Counts are
 * scored by Poisson likelihood, order values (mean log order value of the label window, when there
 * are purchases) by log-normal likelihood: together a zero-inflated log-normal for spend, the zero
 * mass coming from the count process. Expected spend is {@code E · exp(m + σ²/2)}.
 *
 * <p>Labels per example: {@code [y, h, v, has, m0]}: purchases in the window, its length in weeks,
 * the mean log order value in it, 1 when {@code y > 0}, and the population's mean log order value
 * (the prior's centre).
 */
public final class ClvLikelihood {
    public static final int OUTPUTS = 5;

    /** Labels have as many columns as outputs (DL4J expects it); the last one is unused. */
    public static final int LABELS = 5;

    private static final double MIN_LOG = -12;
    private static final double MAX_LOG = 8;
    // order values spread by at most a factor e per σ: wider is noise, and exp(σ²/2) explodes
    private static final double MIN_LOG_SIGMA = -4;
    private static final double MAX_LOG_SIGMA = 1;

    /**
     * Weak Gaussian priors on the order-value head: towards the population mean log order value
     * {@code m0} (label column 4) and towards σ = 0.8. Without them users with no purchases, whose
     * rows carry no order-value evidence, get arbitrary extrapolations; with them they get the
     * population's order value, and data overrides the prior wherever it exists.
     */
    static final double PRIOR_WEIGHT_NO_PURCHASE = 0.1;

    static final double PRIOR_WEIGHT_PURCHASE = 0.01;
    static final double PRIOR_LOG_SIGMA = Math.log(0.8);

    private ClvLikelihood() {}

    static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }

    /** {@code (1 − e^{−ku}) / k}, stable for small {@code ku}. */
    static double survivalIntegral(double k, double u) {
        double x = k * u;
        if (x < 1e-6) {
            return u * (1 - x / 2 + x * x / 6);
        }
        return -Math.expm1(-x) / k;
    }

    /** d/dk of {@link #survivalIntegral}. */
    static double survivalIntegralDerivative(double k, double u) {
        double x = k * u;
        if (x < 1e-4) {
            return u * u * (-0.5 + x / 3 - x * x / 8);
        }
        return (x * Math.exp(-x) + Math.expm1(-x)) / (k * k);
    }

    /** Expected purchases over {@code h} weeks for outputs {@code out}. */
    public static double expectedPurchases(double[] out, double h) {
        double lambda = Math.exp(clamp(out[0], MIN_LOG, MAX_LOG));
        double beta = Math.exp(clamp(out[1], MIN_LOG, MAX_LOG));
        double k = Math.exp(clamp(out[2], MIN_LOG, MAX_LOG));
        return lambda * beta * survivalIntegral(k, Math.log1p(h / beta));
    }

    /** Expected value of one order. */
    public static double expectedOrderValue(double[] out) {
        double sigma = Math.exp(clamp(out[4], MIN_LOG_SIGMA, MAX_LOG_SIGMA));
        return Math.exp(clamp(out[3], -10, 15) + sigma * sigma / 2);
    }

    /**
     * Negative log-likelihood of one example (constants dropped) and, into {@code grad}, its
     * gradient with respect to the five outputs.
     */
    public static double loss(double[] out, double[] label, double[] grad) {
        double y = label[0];
        double h = label[1];
        double lambda = Math.exp(clamp(out[0], MIN_LOG, MAX_LOG));
        double beta = Math.exp(clamp(out[1], MIN_LOG, MAX_LOG));
        double k = Math.exp(clamp(out[2], MIN_LOG, MAX_LOG));
        double u = Math.log1p(h / beta);
        double s = survivalIntegral(k, u);
        double g = beta * s;
        double e = Math.max(lambda * g, 1e-12);
        double loss = e - y * Math.log(e);
        double dLdE = 1 - y / e;
        double dgdBeta = s - h * Math.exp(-k * u) / (beta + h);
        double dgdK = beta * survivalIntegralDerivative(k, u);
        grad[0] = inRange(out[0]) ? e - y : 0;
        grad[1] = inRange(out[1]) ? dLdE * lambda * dgdBeta * beta : 0;
        grad[2] = inRange(out[2]) ? dLdE * lambda * dgdK * k : 0;
        double m = out[3];
        double d = clamp(out[4], MIN_LOG_SIGMA, MAX_LOG_SIGMA);
        boolean dInRange = out[4] >= MIN_LOG_SIGMA && out[4] <= MAX_LOG_SIGMA;
        double w = label[3] > 0 ? PRIOR_WEIGHT_PURCHASE : PRIOR_WEIGHT_NO_PURCHASE;
        double pm = m - label[4];
        double pd = d - PRIOR_LOG_SIGMA;
        loss += w * (pm * pm + pd * pd) / 2;
        grad[3] = w * pm;
        grad[4] = dInRange ? w * pd : 0;
        if (label[3] > 0) {
            double var = Math.exp(2 * d);
            double r = label[2] - m;
            loss += d + r * r / (2 * var);
            grad[3] += -r / var;
            grad[4] += dInRange ? 1 - r * r / var : 0;
        }
        return loss;
    }

    private static boolean inRange(double x) {
        return x >= MIN_LOG && x <= MAX_LOG;
    }
}
