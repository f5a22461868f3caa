package io.retentionloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventParserTest {
    private static final String KEY = "heartbeat-test-key";
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
                            64,
                            io.retentionloop.security.Secret.of(KEY)));

    private Ingested parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), "events", 3, 42L, NOW, NOW);
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
    void aSignedHeartbeatCarriesOnlyTime() {
        long t = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
        String sig =
                EventParser.heartbeatSignature(
                        new io.retentionloop.security.Signer(
                                io.retentionloop.security.Secret.of(KEY)),
                        "events",
                        3,
                        t);
        Ingested i = parse(new String(EventJson.heartbeat(t, sig), StandardCharsets.UTF_8));
        assertThat(i.isHeartbeat()).isTrue();
        assertThat(i.timestamp()).isEqualTo(t);
    }

    @Test
    void heartbeatsUnsignedForgedOrMovedToAnotherPartitionOrTimeAreDeadLettered() {
        long t = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
        io.retentionloop.security.Signer ours =
                new io.retentionloop.security.Signer(io.retentionloop.security.Secret.of(KEY));
        io.retentionloop.security.Signer theirs =
                new io.retentionloop.security.Signer(
                        io.retentionloop.security.Secret.of("attacker"));
        assertThat(rejected(new String(EventJson.heartbeat(t, null), StandardCharsets.UTF_8)))
                .isEqualTo(DeadLetterReason.UNAUTHENTICATED);
        String forged = EventParser.heartbeatSignature(theirs, "events", 3, t);
        assertThat(rejected(new String(EventJson.heartbeat(t, forged), StandardCharsets.UTF_8)))
                .isEqualTo(DeadLetterReason.UNAUTHENTICATED);
        String otherPartition = EventParser.heartbeatSignature(ours, "events", 2, t);
        assertThat(
                        rejected(
                                new String(
                                        EventJson.heartbeat(t, otherPartition),
                                        StandardCharsets.UTF_8)))
                .isEqualTo(DeadLetterReason.UNAUTHENTICATED);
        String earlier = EventParser.heartbeatSignature(ours, "events", 3, t - 1);
        assertThat(rejected(new String(EventJson.heartbeat(t, earlier), StandardCharsets.UTF_8)))
                .isEqualTo(DeadLetterReason.UNAUTHENTICATED);
        // without a key heartbeats are off, signed or not
        EventParser keyless = new EventParser(EventRules.DEFAULTS);
        Ingested i =
                keyless.parse(
                        EventJson.heartbeat(
                                t, EventParser.heartbeatSignature(ours, "events", 3, t)),
                        "events",
                        3,
                        1,
                        NOW,
                        NOW);
        assertThat(i.deadLetter.reason).isEqualTo(DeadLetterReason.UNAUTHENTICATED);
        assertThat(i.deadLetter.detail).contains("heartbeats are off");
    }

    @Test
    void eventTimeIsBoundedByTheJobsClockWhateverTheRecordTimestampSays() {
        String view = "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"view\",\"event_time\":%d}";
        long day = 86_400_000L;
        byte[] tomorrow = String.format(view, NOW + day + 1).getBytes(StandardCharsets.UTF_8);
        // the producer sets the record timestamp a day ahead too: still far in the future
        Ingested i = parser.parse(tomorrow, "events", 0, 1, NOW + day, NOW);
        assertThat(i.deadLetter.reason).isEqualTo(DeadLetterReason.FAR_FUTURE);
        // a record timestamp earlier than the job's clock (a replay) bounds event time too
        long replayed = NOW - 30 * day;
        Ingested replay =
                parser.parse(
                        String.format(view, replayed + day + 1).getBytes(StandardCharsets.UTF_8),
                        "events",
                        0,
                        1,
                        replayed,
                        NOW);
        assertThat(replay.deadLetter.reason).isEqualTo(DeadLetterReason.FAR_FUTURE);
        // within the skew of the job's clock, whatever the record timestamp says
        Ingested skewed =
                parser.parse(
                        String.format(view, NOW + day - 1).getBytes(StandardCharsets.UTF_8),
                        "events",
                        0,
                        1,
                        NOW + 50 * day,
                        NOW);
        assertThat(skewed.event).isNotNull();
        Ingested noTimestamp =
                parser.parse(
                        String.format(view, NOW - 1000).getBytes(StandardCharsets.UTF_8),
                        "events",
                        0,
                        1,
                        -1,
                        NOW);
        assertThat(noTimestamp.event).isNotNull();
    }

    @Test
    void hostileRecordsAreDeadLetteredWithAReasonNeverThrown() {
        String head = "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"view\",";
        // the date that once put the job in a restart loop (Instant.toEpochMilli overflows)
        assertThat(rejected(head + "\"event_time\":\"+999999999-12-31T23:59:59Z\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rejected(head + "\"event_time\":\"-999999999-01-01T00:00:00Z\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        // integers past a long wrapped silently
        assertThat(rejected(head + "\"event_time\":18446744073709551616}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rejected(head + "\"event_time\":-9223372036854775808}"))
                .isEqualTo(DeadLetterReason.TOO_OLD);
        assertThat(rejected(head + "\"event_time\":1.7408232E12}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rejected(head + "\"event_time\":NaN}"))
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        String ok = "\"event_id\":\"e\",\"user_id\":\"u\",\"event_time\":1740823200000";
        assertThat(
                        rejected(
                                "{"
                                        + ok
                                        + ",\"type\":\"purchase\",\"amount\":1e999,\"currency\":\"USD\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(
                        rejected(
                                "{"
                                        + ok
                                        + ",\"type\":\"purchase\",\"amount\":Infinity,\"currency\":\"USD\"}"))
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(rejected("{" + ok + ",\"type\":{\"a\":1}}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        // trailing garbage, duplicate fields, deep nesting
        assertThat(rejected("{" + ok + ",\"type\":\"view\"} trailing"))
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(rejected("{" + ok + ",\"type\":\"view\"}{}"))
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(rejected("{" + ok + ",\"type\":\"view\",\"user_id\":\"v\"}"))
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        byte[] deep = ("[".repeat(20_000) + "]".repeat(20_000)).getBytes(StandardCharsets.UTF_8);
        assertThat(
                        new EventParser(EventRules.DEFAULTS)
                                .parse(deep, "events", 0, 1, NOW, NOW)
                                .deadLetter
                                .reason)
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        // ids: control characters, NUL, lone surrogates, bidi overrides, padding
        assertThat(rejected("{" + ok.replace("\"u\"", "\"u\\u0000\"") + ",\"type\":\"view\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rejected("{" + ok.replace("\"u\"", "\"u\\n1\"") + ",\"type\":\"view\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rejected("{" + ok.replace("\"u\"", "\"u\\ud800\"") + ",\"type\":\"view\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rejected("{" + ok.replace("\"u\"", "\"u\\u202e1\"") + ",\"type\":\"view\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(rejected("{" + ok.replace("\"e\"", "\" e\"") + ",\"type\":\"view\"}"))
                .isEqualTo(DeadLetterReason.INVALID_FIELD);
        // real-world ids still pass: e-mail, UUID, non-Latin letters, a paired surrogate
        for (String id :
                new String[] {
                    "ana@example.com", "0f8fad5b-d9cb-469f-a165-70867728950e", "ユーザー7", "u😀"
                }) {
            Ingested i = parse("{" + ok.replace("\"u\"", "\"" + id + "\"") + ",\"type\":\"view\"}");
            assertThat(i.event).as(id).isNotNull();
            assertThat(i.event.userId).isEqualTo(id);
        }
        // UTF-16 JSON, raw NUL bytes, invalid UTF-8
        byte[] utf16 = ("{" + ok + ",\"type\":\"view\"}").getBytes(StandardCharsets.UTF_16LE);
        assertThat(parser.parse(utf16, "events", 0, 1, NOW, NOW).deadLetter.reason)
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        byte[] bom16 = ("{" + ok + ",\"type\":\"view\"}").getBytes(StandardCharsets.UTF_16);
        assertThat(parser.parse(bom16, "events", 0, 1, NOW, NOW).deadLetter.reason)
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        byte[] badUtf8 =
                ("{" + ok.replace("\"u\"", "\"u?\"") + ",\"type\":\"view\"}")
                        .getBytes(StandardCharsets.ISO_8859_1);
        badUtf8[new String(badUtf8, StandardCharsets.ISO_8859_1).indexOf('?')] = (byte) 0xC3;
        assertThat(parser.parse(badUtf8, "events", 0, 1, NOW, NOW).deadLetter.reason)
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
    }

    @Test
    void anyBytesBecomeAnEventOrADeadLetter() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(26);
        String valid =
                "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"type\":\"purchase\","
                        + "\"event_time\":\"2025-03-01T10:00:00Z\",\"amount\":20.0,\"currency\":\"USD\"}";
        byte[] base = valid.getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n < 20_000; n++) {
            byte[] b;
            if (n % 2 == 0) {
                b = new byte[rnd.nextInt(64)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
            } else {
                b = base.clone();
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            Ingested i = parser.parse(b, "events", 0, n, NOW, NOW);
            assertThat(i.event != null ^ i.deadLetter != null ^ i.isHeartbeat()).isTrue();
            if (i.deadLetter != null) {
                assertThat(i.deadLetter.reason).isNotEqualTo(DeadLetterReason.INTERNAL_ERROR);
            }
        }
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
        assertThat(
                        rejected(
                                "{\"event_id\":\"e\",\"event_time\":\"2025-03-01T10:00:00Z\","
                                        + "\"type\":\"view\",\"user_id\":\" \"}"))
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
                                        + "\"event_time\":\"2025-03-02T12:00:01Z\"}"))
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
        assertThat(d.payloadTruncated).isTrue();
        DeadLetter roundTrip = DeadLetterJson.fromJson(DeadLetterJson.toJson(d));
        assertThat(roundTrip).usingRecursiveComparison().isEqualTo(d);
    }

    @Test
    void nullValueIsDeadLetteredNotThrown() {
        Ingested i = parser.parse(null, "events", 0, 1, NOW);
        assertThat(i.deadLetter.reason).isEqualTo(DeadLetterReason.MALFORMED_JSON);
    }
}
