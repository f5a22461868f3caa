package io.retentionloop.value.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import io.retentionloop.value.data.CustomerSummary;
import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The Gamma-Gamma spend model (Fader, Hardie &amp; Lee 2005, "RFM and CLV"; as in lifetimes and
 * BTYD): each purchase's spend ~ Gamma(p, ν), with ν ~ Gamma(q, γ) across customers, independent of
 * the purchase process.
 */
public record GammaGamma(double p, double q, double gamma) {
    static final String NAME = "gamma-gamma";

    public GammaGamma {
        if (!(p > 0 && q > 0 && gamma > 0)) {
            throw new IllegalArgumentException(
                    String.format(
                            "Gamma-Gamma parameters must be positive: p=%s, q=%s, gamma=%s",
                            p, q, gamma));
        }
    }

    /**
     * The maximum-likelihood fit on the repeat buyers (x &gt; 0) with a positive mean repeat spend
     * m̄<sub>x</sub>; one-time buyers carry no repeat spend. Nelder-Mead on log p, q, γ from 1.
     */
    public static GammaGamma fit(List<CustomerSummary> customers) {
        List<CustomerSummary> buyers = repeatBuyers(customers);
        if (buyers.isEmpty()) {
            throw new IllegalArgumentException("no repeat buyers to fit the Gamma-Gamma model on");
        }
        double[] w =
                NelderMead.minimize(
                        v -> -logLikelihood(buyers, Math.exp(v[0]), Math.exp(v[1]), Math.exp(v[2])),
                        new double[3]);
        return new GammaGamma(Math.exp(w[0]), Math.exp(w[1]), Math.exp(w[2]));
    }

    /** The customers the model is fitted on: x &gt; 0 and a positive mean repeat spend. */
    public static List<CustomerSummary> repeatBuyers(List<CustomerSummary> customers) {
        return customers.stream()
                .filter(c -> c.repeatPurchaseDays() > 0 && c.meanRepeatSpend() > 0)
                .toList();
    }

    /** The log-likelihood of these parameters on the {@link #repeatBuyers} among the customers. */
    public double logLikelihood(List<CustomerSummary> customers) {
        return logLikelihood(repeatBuyers(customers), p, q, gamma);
    }

    /**
     * E[M | x, m̄<sub>x</sub>] = p (γ + x m̄<sub>x</sub>) / (p x + q − 1): the customer's expected
     * spend per purchase, shrunk from the observed mean towards the population mean p γ / (q − 1),
     * which it is for x = 0. Needs q &gt; 1 (else the population mean is infinite).
     */
    public double expectedSpend(double x, double meanSpend) {
        return p * (gamma + x * meanSpend) / (p * x + q - 1);
    }

    /** The parameters as JSON, for embedding in a model artifact. */
    public JsonNode toJson() {
        return ParameterJson.of(NAME).put("p", p).put("q", q).put("gamma", gamma);
    }

    /** The model written by {@link #toJson()}. */
    public static GammaGamma fromJson(JsonNode node) {
        ParameterJson.checkModel(node, NAME);
        return new GammaGamma(
                ParameterJson.number(node, "p"),
                ParameterJson.number(node, "q"),
                ParameterJson.number(node, "gamma"));
    }

    /**
     * Sum over buyers of ln f(m̄ | x; p, q, γ) = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln
     * m̄ + px ln x − (px+q) ln(γ + x m̄), the density of the mean of x Gamma(p, ν) spends.
     */
    private static double logLikelihood(
            List<CustomerSummary> buyers, double p, double q, double gamma) {
        double sum = 0;
        double perCustomer = -Gamma.logGamma(q) + q * Math.log(gamma);
        for (CustomerSummary c : buyers) {
            double x = c.repeatPurchaseDays();
            double m = c.meanRepeatSpend();
            double px = p * x;
            sum +=
                    perCustomer
                            + Gamma.logGamma(px + q)
                            - Gamma.logGamma(px)
                            + (px - 1) * Math.log(m)
                            + px * Math.log(x)
                            - (px + q) * Math.log(gamma + x * m);
        }
        return sum;
    }
}
