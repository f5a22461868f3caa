package io.retentionloop.value.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomerSummaryTest {
    private static final LocalDate CALIBRATION_END = LocalDate.of(2025, 1, 31);
    private static final LocalDate HOLDOUT_END = LocalDate.of(2025, 3, 31);

    private static Transaction buy(String user, String day, double amount) {
        long ms = LocalDate.parse(day).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        return new Transaction(user, ms, amount);
    }

    @Test
    void summarizesCalibrationByPurchaseDayAndLabelsTheHoldout() {
        List<Transaction> history =
                List.of(
                        buy("u", "2025-01-24", 30),
                        buy("u", "2025-01-03", 10),
                        buy("u", "2025-01-03", 5), // same day: merged, first day spend 15
                        buy("u", "2025-01-10", 20),
                        buy("u", "2025-01-24", 10), // same day: 40 on Jan 24
                        buy("u", "2025-02-01", 7),
                        buy("u", "2025-02-01", 3), // holdout day 1: 10
                        buy("u", "2025-03-31", 5), // holdout end is inclusive: day 2, 5
                        buy("u", "2025-04-01", 100)); // after the holdout: ignored

        CustomerSummary s =
                CustomerSummary.of("u", history, CALIBRATION_END, HOLDOUT_END).orElseThrow();

        // x = 2 repeat days (Jan 10, Jan 24); t_x = (24 - 3) / 7 = 3 weeks; T = (31 - 3) / 7 = 4
        // weeks; mean repeat spend = (20 + 40) / 2 = 30; holdout: 2 days, 10 + 5 = 15.
        assertThat(s).isEqualTo(new CustomerSummary("u", 2, 3.0, 4.0, 15, 30, 2, 15));
        assertThat(s.meanCalibrationSpend()).isEqualTo(30);
    }

    @Test
    void oneTimeBuyerOnTheLastCalibrationDayHasAgeZeroAndItsFirstSpend() {
        CustomerSummary s =
                CustomerSummary.of(
                                "v",
                                List.of(buy("v", "2025-01-31", 12)),
                                CALIBRATION_END,
                                HOLDOUT_END)
                        .orElseThrow();

        assertThat(s).isEqualTo(new CustomerSummary("v", 0, 0, 0, 12, 0, 0, 0));
        assertThat(s.meanCalibrationSpend()).isEqualTo(12);
    }

    @Test
    void customerFirstSeenInTheHoldoutIsNotSummarized() {
        assertThat(
                        CustomerSummary.of(
                                "w",
                                List.of(buy("w", "2025-02-02", 1)),
                                CALIBRATION_END,
                                HOLDOUT_END))
                .isEmpty();
    }

    @Test
    void rejectsAnotherCustomersPurchase() {
        assertThatThrownBy(
                        () ->
                                CustomerSummary.of(
                                        "u",
                                        List.of(buy("x", "2025-01-02", 1)),
                                        CALIBRATION_END,
                                        HOLDOUT_END))
                .hasMessageContaining("purchase of x in the history of u");
    }

    @Test
    void cdnowSampleMatchesThePublishedCounts() {
        List<CustomerSummary> s = CdnowSample.summaries();

        // 2,357 customers, 946 of them repeat buyers; 2,457 calibration and 1,882 holdout repeat
        // purchase days (FHL 2005; data/README.md)
        assertThat(s).hasSize(2_357);
        assertThat(s.stream().filter(c -> c.repeatPurchaseDays() > 0)).hasSize(946);
        assertThat(s.stream().mapToInt(CustomerSummary::repeatPurchaseDays).sum()).isEqualTo(2_457);
        assertThat(s.stream().mapToInt(CustomerSummary::holdoutPurchaseDays).sum())
                .isEqualTo(1_882);
        assertThat(s.stream().mapToDouble(CustomerSummary::holdoutSpend).sum())
                .isCloseTo(70_976.39, within(0.01));
        assertThat(
                        CustomerSummary.weeksBetween(
                                CdnowSample.CALIBRATION_END, CdnowSample.HOLDOUT_END))
                .isEqualTo(CdnowSample.HOLDOUT_WEEKS);
    }
}
