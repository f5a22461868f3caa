package io.retentionloop.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private final String[] ids = {"u000041", "u000042"};
    private final EventJson json = new EventJson(ids, "USD");

    @Test
    void purchaseIsWrittenExactlyAsTheContractSays() {
        long time = Instant.parse("2025-01-03T10:15:30.123Z").toEpochMilli();

        String purchase =
                text(json.valid(new Pending.Valid(time, 1, EventType.PURCHASE, 7, -1, 2550)));

        assertThat(purchase)
                .isEqualTo(
                        "{\"event_id\":\"e-2-7\",\"user_id\":\"u000042\",\"type\":\"purchase\","
                                + "\"event_time\":\"2025-01-03T10:15:30.123Z\",\"amount\":25.50,"
                                + "\"currency\":\"USD\"}");
    }

    @Test
    void browsingEventsCarryTheirSessionAndWholeSecondsKeepTheirMilliseconds() {
        long midnight = Instant.parse("2025-02-01T00:00:00Z").toEpochMilli();

        String view = text(json.valid(new Pending.Valid(midnight, 0, EventType.VIEW, 0, 12, 0)));

        assertThat(view)
                .isEqualTo(
                        "{\"event_id\":\"e-1-0\",\"user_id\":\"u000041\",\"type\":\"view\","
                                + "\"event_time\":\"2025-02-01T00:00:00.000Z\","
                                + "\"session_id\":\"s-1-12\"}");
    }

    @Test
    void smallAndNegativeAmountsKeepTwoDecimals() {
        String refund = text(json.begin().amount(5).end());
        String negative = text(json.begin().amount(-1200).end());

        assertThat(refund).isEqualTo("{\"amount\":0.05,\"currency\":\"USD\"}");
        assertThat(negative).isEqualTo("{\"amount\":-12.00,\"currency\":\"USD\"}");
    }

    @Test
    void paddingMakesTheRecordExactlyTheAskedLength() {
        byte[] padded = json.begin().userId(0).endPaddedTo(1_100_000);

        assertThat(padded).hasSize(1_100_000);
        assertThat(text(padded))
                .startsWith("{\"user_id\":\"u000041\",\"notes\":\"xxx")
                .endsWith("x\"}");
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
