package io.retentionloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventParserTest {
    private static final long NOW = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();
    private final EventParser parser =
            new EventParser(
                    new EventRules(
                            1024,
                            10_000,
                            java.time.Duration.ofDays(1),
                            Instant.parse("2000-01-01T00:00:00Z"),
                            "USD",
                            Map.of("USD", 1.0, "EUR", 1.10),
                            100,
                            64));

    private Ingested parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), "events", 3, 42L, NOW);
    }

    private DeadLetterReason rejected(String json) {
        Ingested i = parse(json);
        assertThat(i.deadLetter).as("dead letter for %s", json).isNotNull();
        assertThat(i.event).isNull();
        return i.deadLetter.reason;
    }

    @Test
    void validPurchaseIsParsedWithAmountInBaseCurrency() {
        Ingested i =
                parse(
                        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"type\":\"purchase\","
                                + "\"event_time\":\"2025-03-01T10:00:00.250Z\",\"amount\":20.0,\"currency\":\"EUR\"}");
        assertThat(i.event)
                .isEqualTo(
                        new Event(
                                "e1",
                                "u1",
                                EventType.PURCHASE,
                                Instant.parse("2025-03-01T10:00:00.250Z").toEpochMilli(),
                                20.0 * 1.10));
        assertThat(i.timestamp()).isEqualTo(i.event.eventTime);
    }

    @Test
    void epochMillisNumericIdsAndOffsetsAreAccepted() {
        Ingested i =
                parse(
                        "{\"event_id\":7,\"user_id\":12345,\"type\":\"view\",\"event_time\":1740823200000}");
        assertThat(i.event.userId).isEqualTo("12345");
        assertThat(i.event.eventTime).isEqualTo(1740823200000L);
        assertThat(i.event.amount).isZero();
        Ingested offset =
                parse(
                        "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"session\","
                                + "\"event_time\":\"2025-03-01T11:00:00+01:00\"}");
        assertThat(offset.event.eventTime)
                .isEqualTo(Instant.parse("2025-03-01T10:00:00Z").toEpochMilli());
    }

    @Test
    void heartbeatCarriesOnlyTime() {
        Ingested i = parse("{\"type\":\"heartbeat\",\"event_time\":\"2025-03-01T00:00:00Z\"}");
        assertThat(i.isHeartbeat()).isTrue();
        assertThat(i.timestamp()).isEqualTo(Instant.parse("2025-03-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void everyKindOfBadInputHasItsReason() {
        String ok = "\"event_id\":\"e\",\"user_id\":\"u\",\"event_time\":\"2025-03-01T10:00:00Z\"";
        assertThat(rejected("{\"event_id\":")).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(rejected("[1,2]")).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(rejected("")).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(rejected("{" + ok + "}")).isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(rejected("{\"type\":\"view\",\"user_id\":\"u\",\"event_time\":1740823200000}"))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(rejected("{\"type\":\"view\",\"event_id\":\"e\",\"user_id\":\"u\"}"))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(rejected("{" + ok + ",\"type\":\"view\",\"user_id\":\" \"}"))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(rejected("{" + ok + ",\"type\":\"wishlist\"}"))
                .isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
        assertThat(rejected("{" + ok + ",\"type\":\"purchase\",\"currency\":\"USD\"}"))
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(
                        rejected(
                                "{"
                                        + ok
                                        + ",\"type\":\"purchase\",\"amount\":-5,\"currency\":\"USD\"}"))
                .isEqualTo(DeadLetterReason.NEGATIVE_AMOUNT);
        assertThat(
                        rejected(
                                "{"
                                        + ok
                                        + ",\"type\":\"purchase\",\"amount\":\"5\",\"currency\":\"USD\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(
                        rejected(
                                "{"
                                        + ok
                                        + ",\"type\":\"refund\",\"amount\":99999,\"currency\":\"USD\"}"))
                .isEqualTo(DeadLetterReason.ABSURD_AMOUNT);
        assertThat(rejected("{" + ok + ",\"type\":\"purchase\",\"amount\":5,\"currency\":\"JPY\"}"))
                .isEqualTo(DeadLetterReason.UNSUPPORTED_CURRENCY);
        assertThat(
                        rejected(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"view\","
                                        + "\"event_time\":\"2025-03-03T12:00:01Z\"}"))
                .isEqualTo(DeadLetterReason.FAR_FUTURE);
        assertThat(
                        rejected(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"view\","
                                        + "\"event_time\":\"1999-12-31T23:59:59Z\"}"))
                .isEqualTo(DeadLetterReason.TOO_OLD);
        assertThat(
                        rejected(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"view\","
                                        + "\"event_time\":\"yesterday\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rejected("{" + ok + ",\"type\":\"view\",\"pad\":\"" + "x".repeat(1100) + "\"}"))
                .isEqualTo(DeadLetterReason.OVERSIZED);
    }

    @Test
    void deadLetterKeepsProvenanceAndTruncatedPayload() {
        String json = "{\"type\":\"view\",\"pad\":\"" + "y".repeat(300) + "\"";
        DeadLetter d = parse(json).deadLetter;
        assertThat(d.sourceTopic).isEqualTo("events");
        assertThat(d.sourcePartition).isEqualTo(3);
        assertThat(d.sourceOffset).isEqualTo(42L);
        assertThat(d.recordTimestamp).isEqualTo(NOW);
        assertThat(d.payloadBytes).isEqualTo(json.length());
        assertThat(d.payload).isEqualTo(json.substring(0, 100));
        DeadLetter roundTrip = DeadLetterJson.fromJson(DeadLetterJson.toJson(d));
        assertThat(roundTrip).usingRecursiveComparison().isEqualTo(d);
    }

    @Test
    void nullValueIsDeadLetteredNotThrown() {
        Ingested i = parser.parse(null, "events", 0, 1, NOW);
        assertThat(i.deadLetter.reason).isEqualTo(DeadLetterReason.MALFORMED_JSON);
    }
}
