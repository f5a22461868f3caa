package io.retentionloop.value.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.value.data.CdnowSample;
import io.retentionloop.value.data.CustomerSummary;
import io.retentionloop.value.eval.Metrics;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NaiveRateTest {
    private final NaiveRate naive = new NaiveRate();

    @Test
    void projectsTheCalibrationRate() {
        // 3 repeat days in 12 weeks = 0.25 a week; over 8 weeks 2
        assertThat(naive.expectedTransactions(8, 3, 10, 12)).isEqualTo(2);
        assertThat(naive.expectedTransactions(8, 0, 0, 0)).isZero();
    }

    @Test
    void reproducesThePublishedCdnowHoldoutFigures() {
        List<CustomerSummary> customers = CdnowSample.summaries();
        double[] predicted =
                customers.stream()
                        .mapToDouble(
                                c ->
                                        naive.expectedTransactions(
                                                CdnowSample.HOLDOUT_WEEKS,
                                                c.repeatPurchaseDays(),
                                                c.purchaseSpanWeeks(),
                                                c.customerAgeWeeks()))
                        .toArray();
        double[] actual =
                customers.stream().mapToDouble(CustomerSummary::holdoutPurchaseDays).toArray();

        assertThat(Arrays.stream(predicted).sum()).isCloseTo(2_930, within(1.0));
        assertThat(Metrics.mae(predicted, actual)).isCloseTo(1.024, within(0.001));
        assertThat(Metrics.rmse(predicted, actual)).isCloseTo(2.212, within(0.001));
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        String json = new ObjectMapper().writeValueAsString(naive.toJson());

        assertThat(json).isEqualTo("{\"model\":\"naive-rate\"}");
        assertThat(RepeatPurchaseModel.fromJson(new ObjectMapper().readTree(json)))
                .isEqualTo(naive);
    }
}
