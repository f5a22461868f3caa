package io.retentionloop.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.retentionloop.simulate.CollectingSink.Produced;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecordStreamTest {

    private static final long DAY = TestWorlds.DAY;
    private static final int DAYS = 30;
    private static final Pattern ISO_MILLIS =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final Set<String> TYPES =
            Set.of("view", "cart", "purchase", "refund", "session");

    /** Keeps amounts as written: 25.50 stays 25.50, so the two decimals can be checked. */
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    /** 4% bad (weights 4:3:2:2:2:2 and a little oversized), 3% duplicates. */
    private static final String NOISY =
            """
            {share: 0.04, duplicate_share: 0.03, kinds: {malformed_json: 4.0, missing_field: 3.0,
             unknown_type: 2.0, negative_amount: 2.0, absurd_amount: 2.0, far_future: 2.0,
             oversized: 0.02}}""";

    private static Simulator simulator;
    private static CollectingSink sink;

    @BeforeAll
    static void produce() {
        WorldConfig world =
                TestWorlds.oneSegment("{shape: 4.0, rate: 40.0}", "{a: 1.0, b: 20.0}", NOISY);
        simulator = new Simulator(world, 3_000, 17, TestWorlds.START);
        sink = new CollectingSink();
        TestWorlds.run(simulator, 0, DAYS, sink);
    }

    @Test
    void everyValidRecordIsContractJson() throws IOException {
        Set<String> eventIds = new HashSet<>();
        for (Produced r : sink.ofKind(RecordKind.VALID)) {
            JsonNode event = JSON.readTree(r.value());
            String type = event.get("type").asText();
            Set<String> fields = new HashSet<>();
            event.fieldNames().forEachRemaining(fields::add);

            assertThat(type).isIn(TYPES);
            assertThat(eventIds.add(event.get("event_id").asText())).as("unique id").isTrue();
            assertThat(event.get("event_id").asText()).startsWith("e-");
            assertThat(event.get("user_id").asText()).isEqualTo(r.key()).matches("u\\d{4}");
            String time = event.get("event_time").asText();
            assertThat(time).matches(ISO_MILLIS);
            assertThat(Instant.parse(time).toEpochMilli()).isEqualTo(r.time());
            if (type.equals("purchase") || type.equals("refund")) {
                assertThat(fields)
                        .containsOnly(
                                "event_id", "user_id", "type", "event_time", "amount", "currency");
                assertThat(event.get("amount").decimalValue()).isPositive();
                assertThat(event.get("amount").decimalValue().scale()).isEqualTo(2);
                assertThat(event.get("currency").asText()).isEqualTo("USD");
            } else {
                assertThat(fields)
                        .containsOnly("event_id", "user_id", "type", "event_time", "session_id");
                assertThat(event.get("session_id").asText()).startsWith("s-");
            }
        }
        assertThat(eventIds).hasSizeGreaterThan(50_000);
    }

    @Test
    void recordsComeInTimeOrderWithinTheirDay() {
        long previous = Long.MIN_VALUE;
        int record = 0;
        for (long[] ended : sink.daysEnded) {
            long dayEnd = ended[1];
            assertThat(dayEnd).isEqualTo(TestWorlds.START.toEpochMilli() + (ended[0] + 1) * DAY);
            while (record < sink.records.size() && sink.records.get(record).time() < dayEnd) {
                long time = sink.records.get(record).time();
                assertThat(time)
                        .isGreaterThanOrEqualTo(previous)
                        .isGreaterThanOrEqualTo(dayEnd - DAY);
                previous = time;
                record++;
            }
        }
        assertThat(sink.daysEnded).hasSize(DAYS);
        assertThat(record).isEqualTo(sink.records.size());
    }

    @Test
    void badAndDuplicateSharesAndKindMixMatchConfig() {
        double total = sink.records.size();
        List<Produced> bad = sink.ofKind(RecordKind.BAD);

        assertThat(bad.size() / total).isCloseTo(0.04, within(fourSigma(0.04, total)));
        assertThat(sink.ofKind(RecordKind.DUPLICATE).size() / total)
                .isCloseTo(0.03, within(fourSigma(0.03, total)));
        Map<String, Integer> byReason = new HashMap<>();
        bad.forEach(r -> byReason.merge(r.reason(), 1, Integer::sum));
        Map<String, Double> weights =
                Map.of(
                        "malformed_json", 4.0,
                        "missing_field", 3.0,
                        "unknown_type", 2.0,
                        "negative_amount", 2.0,
                        "absurd_amount", 2.0,
                        "far_future", 2.0,
                        "oversized", 0.02);
        double weightSum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(byReason).containsOnlyKeys(weights.keySet());
        for (Map.Entry<String, Double> kind : weights.entrySet()) {
            double share = kind.getValue() / weightSum;
            assertThat(byReason.get(kind.getKey()) / (double) bad.size())
                    .as(kind.getKey())
                    .isCloseTo(share, within(fourSigma(share, bad.size())));
        }
        assertThat(simulator.stats().records(RecordKind.BAD)).isEqualTo(bad.size());
        assertThat(simulator.stats().badRecords(BadKind.MALFORMED_JSON))
                .isEqualTo(byReason.get("malformed_json").longValue());
    }

    @Test
    void eachBadKindIsBrokenTheWayItsNameSays() throws IOException {
        for (Produced r : sink.ofKind(RecordKind.BAD)) {
            BadKind kind = BadKind.fromId(r.reason());
            if (kind == BadKind.MALFORMED_JSON) {
                assertThat(r.key()).isNull();
                assertThatThrownBy(() -> JSON.readTree(r.value()))
                        .isInstanceOf(JsonProcessingException.class);
                continue;
            }
            JsonNode event = JSON.readTree(r.value());
            switch (kind) {
                case MISSING_FIELD -> {
                    assertThat(
                                    List.of("event_id", "user_id", "event_time").stream()
                                            .filter(event::has))
                            .hasSize(2);
                    assertThat(r.key()).isEqualTo(textOrNull(event, "user_id"));
                }
                case UNKNOWN_TYPE -> assertThat(event.get("type").asText()).isNotIn(TYPES);
                case NEGATIVE_AMOUNT -> {
                    assertThat(event.get("type").asText()).isEqualTo("purchase");
                    assertThat(event.get("amount").decimalValue()).isNegative();
                }
                case ABSURD_AMOUNT ->
                        assertThat(event.get("amount").decimalValue())
                                .isEqualByComparingTo("5000000.00");
                case FAR_FUTURE -> {
                    long dayEnd = simulator.dayStartMillis(dayOf(r.time()) + 1);
                    assertThat(Instant.parse(event.get("event_time").asText()).toEpochMilli())
                            .isGreaterThanOrEqualTo(dayEnd + 30 * DAY);
                }
                case OVERSIZED -> {
                    assertThat(r.value()).hasSize(1_100_000);
                    assertThat(event.get("notes").asText()).hasSizeGreaterThan(1_000_000);
                }
                default -> throw new AssertionError("unexpected kind " + kind);
            }
        }
    }

    @Test
    void duplicatesRepeatTheBytesOfAValidRecordWithinFiveMinutes() {
        Map<String, Long> validTimes = new HashMap<>();
        for (Produced r : sink.ofKind(RecordKind.VALID)) {
            validTimes.put(r.text(), r.time());
        }
        List<Produced> duplicates = sink.ofKind(RecordKind.DUPLICATE);

        assertThat(duplicates).isNotEmpty();
        for (Produced duplicate : duplicates) {
            Long original = validTimes.get(duplicate.text());
            assertThat(original).as("original of %s", duplicate.text()).isNotNull();
            assertThat(duplicate.time() - original).isBetween(1L, 5 * 60_000L);
        }
    }

    @Test
    void refundsRepayAnEarlierPurchaseOfTheSameUser() throws IOException {
        Map<String, List<long[]>> purchases = new HashMap<>();
        List<JsonNode> refunds = new ArrayList<>();
        for (Produced r : sink.ofKind(RecordKind.VALID)) {
            JsonNode event = JSON.readTree(r.value());
            long cents =
                    event.has("amount")
                            ? event.get("amount").decimalValue().movePointRight(2).longValueExact()
                            : 0;
            switch (event.get("type").asText()) {
                case "purchase" ->
                        purchases
                                .computeIfAbsent(r.key(), k -> new ArrayList<>())
                                .add(new long[] {r.time(), cents});
                case "refund" -> refunds.add(event);
                default -> {}
            }
        }

        assertThat(refunds).isNotEmpty();
        for (JsonNode refund : refunds) {
            long time = Instant.parse(refund.get("event_time").asText()).toEpochMilli();
            long cents = refund.get("amount").decimalValue().movePointRight(2).longValueExact();
            assertThat(purchases.get(refund.get("user_id").asText()))
                    .anySatisfy(
                            p -> {
                                assertThat(p[1]).isEqualTo(cents);
                                assertThat(time - p[0]).isBetween(DAY, 7 * DAY);
                            });
        }
    }

    private static int dayOf(long time) {
        return (int) ((time - TestWorlds.START.toEpochMilli()) / DAY);
    }

    private static String textOrNull(JsonNode event, String field) {
        return event.has(field) ? event.get(field).asText() : null;
    }

    /** Four standard deviations of an observed share p over n records. */
    private static double fourSigma(double p, double n) {
        return 4 * Math.sqrt(p * (1 - p) / n);
    }
}
