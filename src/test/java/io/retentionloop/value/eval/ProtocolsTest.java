package io.retentionloop.value.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.value.data.CdnowSample;
import io.retentionloop.value.data.CustomerSummary;
import io.retentionloop.value.data.Transaction;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProtocolsTest {
    private static final LocalDate CALIBRATION_END = LocalDate.of(2025, 1, 31);
    private static final LocalDate HOLDOUT_END = LocalDate.of(2025, 3, 31);

    private static Transaction buy(String user, String day, double amount) {
        long ms = LocalDate.parse(day).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        return new Transaction(user, ms, amount);
    }

    @Test
    void temporalSummarizesCustomersFirstSeenInCalibrationInOrderOfAppearance() {
        List<Transaction> history =
                List.of(
                        buy("b", "2025-01-05", 10),
                        buy("a", "2025-01-02", 4),
                        buy("late", "2025-02-10", 99), // first purchase in the holdout: left out
                        buy("b", "2025-01-20", 6),
                        buy("a", "2025-03-01", 8));

        List<CustomerSummary> s = Protocols.temporal(history, CALIBRATION_END, HOLDOUT_END);

        // b: x 1, t_x 15/7, T 26/7, mean repeat 6; a: x 0, T 29/7, holdout 1 day of 8
        assertThat(s)
                .containsExactly(
                        new CustomerSummary("b", 1, 15 / 7.0, 26 / 7.0, 10, 6, 0, 0),
                        new CustomerSummary("a", 0, 0, 29 / 7.0, 4, 0, 1, 8));
    }

    @Test
    void crossSectionalSplitIsAboutFourToOneAndDependsOnlyOnIdAndSeed() {
        List<Transaction> history = new ArrayList<>(CdnowSample.transactions());

        Protocols.Split split =
                Protocols.crossSectional(
                        history, CdnowSample.CALIBRATION_END, CdnowSample.HOLDOUT_END, 42);
        Collections.shuffle(history, new Random(7));
        Protocols.Split shuffled =
                Protocols.crossSectional(
                        history, CdnowSample.CALIBRATION_END, CdnowSample.HOLDOUT_END, 42);
        Protocols.Split otherSeed =
                Protocols.crossSectional(
                        history, CdnowSample.CALIBRATION_END, CdnowSample.HOLDOUT_END, 43);

        int n = split.train().size() + split.test().size();
        assertThat(n).isEqualTo(2_357);
        // binomial(2357, 0.2): mean 471, sd 19
        assertThat(split.test().size()).isBetween(414, 528);
        assertThat(ids(split.train())).doesNotContainAnyElementsOf(ids(split.test()));
        assertThat(ids(shuffled.test())).containsExactlyInAnyOrderElementsOf(ids(split.test()));
        assertThat(ids(otherSeed.test())).isNotEqualTo(ids(split.test()));
    }

    private static List<String> ids(List<CustomerSummary> customers) {
        return customers.stream().map(CustomerSummary::userId).toList();
    }
}
