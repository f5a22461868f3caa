package io.retentionloop.value.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClvLikelihoodTest {

    @Test
    void expectedPurchasesFollowTheParetoNbdForm() {
        // λ = 0.5/week, β = 10, k = 1 (δ ~ Gamma(2, 10)), h = 10:
        // 0.5 · 10/1 · (1 − (10/20)^1) = 2.5
        double[] out = {Math.log(0.5), Math.log(10), 0, 0, 0};
        assertThat(ClvLikelihood.expectedPurchases(out, 10)).isCloseTo(2.5, within(1e-9));
        // k = 2: 0.5 · 10/2 · (1 − 1/4) = 1.875
        double[] k2 = {Math.log(0.5), Math.log(10), Math.log(2), 0, 0};
        assertThat(ClvLikelihood.expectedPurchases(k2, 10)).isCloseTo(1.875, within(1e-9));
        // almost no leaving (β huge): λh
        double[] forever = {Math.log(0.5), 8, 0, 0, 0};
        assertThat(ClvLikelihood.expectedPurchases(forever, 10)).isCloseTo(5.0, within(0.02));
        // order value: exp(m + σ²/2) with m = ln 20, σ = 0.5
        double[] value = {0, 0, 0, Math.log(20), Math.log(0.5)};
        assertThat(ClvLikelihood.expectedOrderValue(value))
                .isCloseTo(20 * Math.exp(0.125), within(1e-9));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            double[] out = {
                rnd.nextDouble(-4, 1), // log λ
                rnd.nextDouble(-1, 6), // log β
                rnd.nextDouble(-5, 2), // log k
                rnd.nextDouble(0, 5), // m
                rnd.nextDouble(-2, 1) // log σ
            };
            int y = rnd.nextInt(4);
            double[] label = {y, rnd.nextDouble(0.5, 40), rnd.nextDouble(1, 5), y > 0 ? 1 : 0, 3.0};
            double[] grad = new double[5];
            ClvLikelihood.loss(out, label, grad);
            for (int k = 0; k < 5; k++) {
                double eps = 1e-6;
                double[] up = out.clone();
                double[] down = out.clone();
                up[k] += eps;
                down[k] -= eps;
                double[] ignore = new double[5];
                double numeric =
                        (ClvLikelihood.loss(up, label, ignore)
                                        - ClvLikelihood.loss(down, label, ignore))
                                / (2 * eps);
                assertThat(grad[k])
                        .as("d/d out[%d] at %s", k, java.util.Arrays.toString(out))
                        .isCloseTo(numeric, within(1e-4 * Math.max(1, Math.abs(numeric))));
            }
        }
    }

    @Test
    void smallDropoutRatesUseTheSeriesWithoutLosingAccuracy() {
        double h = 39;
        for (double delta : new double[] {1e-9, 1e-7, 1e-5, 1e-3}) {
            double exact = -Math.expm1(-delta * h) / delta;
            assertThat(ClvLikelihood.survivalIntegral(delta, h)).isCloseTo(exact, within(1e-9));
            double numeric =
                    (ClvLikelihood.survivalIntegral(delta * 1.0001, h)
                                    - ClvLikelihood.survivalIntegral(delta * 0.9999, h))
                            / (delta * 0.0002);
            assertThat(ClvLikelihood.survivalIntegralDerivative(delta, h))
                    .isCloseTo(numeric, within(1e-3 * h * h));
        }
    }
}
