package io.retentionloop.value.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.value.data.CdnowSample;
import io.retentionloop.value.data.CustomerSummary;
import io.retentionloop.value.eval.Metrics;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BG/NBD against the published CDNOW figures (FHL 2005; data/README.md). */
class BgNbdTest {
    /** The published parameters, as printed (4-5 significant digits). */
    private static final BgNbd PUBLISHED = new BgNbd(0.2426, 4.4136, 0.7929, 2.4259);

    private static List<CustomerSummary> customers;
    private static BgNbd fitted;

    @BeforeAll
    static void fit() {
        customers = CdnowSample.summaries();
        fitted = BgNbd.fit(customers);
    }

    @Test
    void fitReproducesThePublishedCdnowParametersAndLikelihood() {
        // to every printed digit: within half a unit of the last one
        assertThat(fitted.r()).isCloseTo(PUBLISHED.r(), within(0.00005));
        assertThat(fitted.alpha()).isCloseTo(PUBLISHED.alpha(), within(0.00005));
        assertThat(fitted.a()).isCloseTo(PUBLISHED.a(), within(0.00005));
        assertThat(fitted.b()).isCloseTo(PUBLISHED.b(), within(0.00005));
        assertThat(fitted.logLikelihood(customers)).isCloseTo(-9582.43, within(0.005));
    }

    @Test
    void holdoutForecastReproducesThePublishedTotalAndErrors() {
        double[] predicted =
                customers.stream()
                        .mapToDouble(
                                c ->
                                        fitted.expectedTransactions(
                                                CdnowSample.HOLDOUT_WEEKS,
                                                c.repeatPurchaseDays(),
                                                c.purchaseSpanWeeks(),
                                                c.customerAgeWeeks()))
                        .toArray();
        double[] actual =
                customers.stream().mapToDouble(CustomerSummary::holdoutPurchaseDays).toArray();

        assertThat(sum(predicted)).isCloseTo(1_653, within(1.0));
        assertThat(Metrics.mae(predicted, actual)).isCloseTo(0.785, within(0.001));
        assertThat(Metrics.rmse(predicted, actual)).isCloseTo(1.608, within(0.001));
    }

    @Test
    void conditionalForecastMatchesTheWorkedExampleOfThePaper() {
        // FHL 2005: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks
        assertThat(PUBLISHED.expectedTransactions(39, 2, 30.43, 38.86))
                .isCloseTo(1.226, within(5e-4));
    }

    @Test
    void eulerTransformedForecastEqualsTheDirectFormula() {
        double r = PUBLISHED.r();
        double alpha = PUBLISHED.alpha();
        double a = PUBLISHED.a();
        double b = PUBLISHED.b();
        double x = 3;
        double tx = 20;
        double age = 30;
        double t = 39;
        // FHL 2005 eq. 10 as printed
        double z = t / (alpha + age + t);
        double direct =
                (a + b + x - 1)
                        / (a - 1)
                        * (1
                                - Math.pow((alpha + age) / (alpha + age + t), r + x)
                                        * Hypergeometric.f21(r + x, b + x, a + b + x - 1, z))
                        / (1 + a / (b + x - 1) * Math.pow((alpha + age) / (alpha + tx), r + x));

        assertThat(PUBLISHED.expectedTransactions(t, x, tx, age)).isCloseTo(direct, within(1e-12));
    }

    @Test
    void probabilityAliveFallsWithTimeSinceTheLastPurchase() {
        assertThat(PUBLISHED.probabilityAlive(0, 0, 30)).isEqualTo(1);
        double recent = PUBLISHED.probabilityAlive(3, 29, 30);
        double lapsed = PUBLISHED.probabilityAlive(3, 5, 30);
        assertThat(recent).isGreaterThan(lapsed).isLessThan(1);
        assertThat(lapsed).isGreaterThan(0);
        // a purchase in the horizon needs the customer alive, and is surer over a longer horizon
        assertThat(PUBLISHED.probabilityOfPurchase(39, 3, 29, 30))
                .isLessThan(recent)
                .isGreaterThan(PUBLISHED.probabilityOfPurchase(4, 3, 29, 30));
    }

    @Test
    void parametersRoundTripThroughJson() throws Exception {
        String json = new ObjectMapper().writeValueAsString(fitted.toJson());

        assertThat(json).startsWith("{\"model\":\"bg-nbd\",\"time_unit\":\"week\",\"r\":0.24");
        RepeatPurchaseModel back = RepeatPurchaseModel.fromJson(new ObjectMapper().readTree(json));
        assertThat(back).isEqualTo(fitted);
        assertThatThrownBy(
                        () ->
                                BgNbd.fromJson(
                                        new ObjectMapper()
                                                .readTree(json.replace("\"week\"", "\"day\""))))
                .hasMessageContaining("expected time_unit 'week', found 'day'");
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s;
    }
}
