package io.retentionloop.value.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import io.retentionloop.value.data.CustomerSummary;
import java.util.List;

/**
 * The BG/NBD repeat-purchase model (Fader, Hardie &amp; Lee 2005, "Counting your customers the easy
 * way"): purchases at Poisson rate λ ~ Gamma(r, α) while alive, death after each purchase with
 * probability p ~ Beta(a, b). All durations (α, t, t_x, T) are in weeks, the unit of {@link
 * CustomerSummary}; {@code Features} gives days, to be divided by {@link
 * CustomerSummary#DAYS_PER_WEEK}.
 */
public record BgNbd(double r, double alpha, double a, double b) implements RepeatPurchaseModel {
    static final String NAME = "bg-nbd";
    private static final String TIME_UNIT = "week";

    public BgNbd {
        if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
            throw new IllegalArgumentException(
                    String.format(
                            "BG/NBD parameters must be positive: r=%s, alpha=%s, a=%s, b=%s",
                            r, alpha, a, b));
        }
    }

    /**
     * The maximum-likelihood fit on the customers' (x, t_x, T): Nelder-Mead on the log of the
     * parameters (which keeps them positive) from r = α = a = b = 1.
     */
    public static BgNbd fit(List<CustomerSummary> customers) {
        BgNbdLikelihood ll = new BgNbdLikelihood(customers);
        double[] p =
                NelderMead.minimize(
                        q ->
                                -ll.value(
                                        Math.exp(q[0]),
                                        Math.exp(q[1]),
                                        Math.exp(q[2]),
                                        Math.exp(q[3])),
                        new double[4]);
        return new BgNbd(Math.exp(p[0]), Math.exp(p[1]), Math.exp(p[2]), Math.exp(p[3]));
    }

    /** The log-likelihood of these parameters on the customers (FHL 2005). */
    public double logLikelihood(List<CustomerSummary> customers) {
        return new BgNbdLikelihood(customers).value(r, alpha, a, b);
    }

    /**
     * E[Y(t) | x, t_x, T] (FHL 2005). The 2F1(r+x, b+x; a+b+x−1; z) there converges ever more
     * slowly as x grows; with Euler's transformation, ((α+T)/(α+T+t))<sup>r+x</sup> 2F1(...) equals
     * (1−z)<sup>a−1</sup> 2F1(a+b−1−r, a−1; a+b+x−1; z), z = t/(α+T+t), whose series converges like
     * z<sup>k</sup> for any x. Defined for a &ne; 1 (the formula's singularity; a fit never lands
     * exactly there) and a + b + x &gt; 1.
     */
    @Override
    public double expectedTransactions(double t, double x, double tx, double age) {
        double z = t / (alpha + age + t);
        double tail =
                Math.pow(1 - z, a - 1) * Hypergeometric.f21(a + b - 1 - r, a - 1, a + b + x - 1, z);
        return (a + b + x - 1) / (a - 1) * (1 - tail) * probabilityAlive(x, tx, age);
    }

    /**
     * P(alive at T | x, t_x, T) (Fader, Hardie &amp; Lee 2008, "Computing P(alive) using the BG/NBD
     * model"); 1 for customers without repeat purchases.
     */
    public double probabilityAlive(double x, double tx, double age) {
        if (x == 0) {
            return 1;
        }
        double deadOdds =
                a / (b + x - 1) * Math.exp((r + x) * Math.log((alpha + age) / (alpha + tx)));
        return 1 / (1 + deadOdds);
    }

    /**
     * P(at least one purchase in (T, T + t] | x, t_x, T) = P(alive) (1 − ((α+T)/(α+T+t))<sup>r+x
     * </sup>): a living customer keeps living until the next purchase, and given survival λ is
     * Gamma(r+x, α+T).
     */
    public double probabilityOfPurchase(double t, double x, double tx, double age) {
        double none = Math.exp((r + x) * Math.log((alpha + age) / (alpha + age + t)));
        return probabilityAlive(x, tx, age) * (1 - none);
    }

    @Override
    public JsonNode toJson() {
        return ParameterJson.of(NAME)
                .put("time_unit", TIME_UNIT)
                .put("r", r)
                .put("alpha", alpha)
                .put("a", a)
                .put("b", b);
    }

    /** The model written by {@link #toJson()}. */
    public static BgNbd fromJson(JsonNode node) {
        ParameterJson.checkModel(node, NAME);
        ParameterJson.checkText(node, "time_unit", TIME_UNIT);
        return new BgNbd(
                ParameterJson.number(node, "r"),
                ParameterJson.number(node, "alpha"),
                ParameterJson.number(node, "a"),
                ParameterJson.number(node, "b"));
    }
}
