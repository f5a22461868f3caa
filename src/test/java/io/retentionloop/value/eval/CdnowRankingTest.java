package io.retentionloop.value.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.value.baseline.BgNbd;
import io.retentionloop.value.data.CdnowSample;
import io.retentionloop.value.data.CustomerSummary;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published ranking anchors of BG/NBD spend forecasts on the CDNOW sample (data/README.md). */
class CdnowRankingTest {

    @Test
    void bgNbdTimesMeanCalibrationSpendRanksHoldoutSpendAsPublished() {
        List<CustomerSummary> customers = CdnowSample.summaries();
        BgNbd model = BgNbd.fit(customers);
        double[] predicted =
                customers.stream()
                        .mapToDouble(
                                c ->
                                        model.expectedTransactions(
                                                        CdnowSample.HOLDOUT_WEEKS,
                                                        c.repeatPurchaseDays(),
                                                        c.purchaseSpanWeeks(),
                                                        c.customerAgeWeeks())
                                                * c.meanCalibrationSpend())
                        .toArray();
        double[] actual = customers.stream().mapToDouble(CustomerSummary::holdoutSpend).toArray();

        assertThat(Arrays.stream(actual).sum()).isCloseTo(70_976, within(0.5));
        assertThat(Arrays.stream(predicted).sum()).isCloseTo(58_549, within(1.0));
        assertThat(Metrics.spearman(predicted, actual)).isCloseTo(0.414, within(0.0005));
        assertThat(Metrics.normalizedGini(predicted, actual)).isCloseTo(0.658, within(0.0005));
    }
}
