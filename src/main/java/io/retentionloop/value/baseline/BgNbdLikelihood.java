package io.retentionloop.value.baseline;

import io.retentionloop.value.data.CustomerSummary;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The BG/NBD log-likelihood of a set of customers, laid out for fast repeated evaluation: the
 * log-gamma terms depend on x only, so they are computed once per distinct x, not per customer.
 */
final class BgNbdLikelihood {
    private final int[] distinctX;
    private final int[] xIndex;
    private final double[] x;
    private final double[] tx;
    private final double[] age;

    BgNbdLikelihood(List<CustomerSummary> customers) {
        int n = customers.size();
        x = new double[n];
        tx = new double[n];
        age = new double[n];
        int[] xs = new int[n];
        for (int i = 0; i < n; i++) {
            CustomerSummary c = customers.get(i);
            xs[i] = c.repeatPurchaseDays();
            x[i] = xs[i];
            tx[i] = c.purchaseSpanWeeks();
            age[i] = c.customerAgeWeeks();
        }
        distinctX = Arrays.stream(xs).distinct().sorted().toArray();
        xIndex = new int[n];
        for (int i = 0; i < n; i++) {
            xIndex[i] = Arrays.binarySearch(distinctX, xs[i]);
        }
    }

    /**
     * Sum over customers of ln L(r, α, a, b | x, t_x, T), Fader, Hardie &amp; Lee (2005), split as
     * in their note "Implementing the BG/NBD model in Excel": ln L = A1 + A2 + ln(e^A3 + δ(x&gt;0)
     * e^A4) with A1 = lnΓ(r+x) − lnΓ(r) + r ln α, A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x),
     * A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
     */
    double value(double r, double alpha, double a, double b) {
        double[] gammaTerms = new double[distinctX.length];
        double common = -Gamma.logGamma(r) + Gamma.logGamma(a + b) - Gamma.logGamma(b);
        for (int k = 0; k < distinctX.length; k++) {
            int xk = distinctX[k];
            gammaTerms[k] =
                    common
                            + Gamma.logGamma(r + xk)
                            + Gamma.logGamma(b + xk)
                            - Gamma.logGamma(a + b + xk);
        }
        double rLnAlpha = r * Math.log(alpha);
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double a3 = -(r + x[i]) * Math.log(alpha + age[i]);
            double mix = a3;
            if (x[i] > 0) {
                double a4 =
                        Math.log(a) - Math.log(b + x[i] - 1) - (r + x[i]) * Math.log(alpha + tx[i]);
                mix = logSumExp(a3, a4);
            }
            sum += gammaTerms[xIndex[i]] + rLnAlpha + mix;
        }
        return sum;
    }

    private static double logSumExp(double u, double v) {
        double m = Math.max(u, v);
        return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
    }
}
