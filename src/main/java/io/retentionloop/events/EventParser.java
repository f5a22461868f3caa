package io.retentionloop.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.security.Signer;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Parses and validates one raw input record. Total: whatever the bytes, the result is a valid
 * event, an authenticated heartbeat or a {@link DeadLetter} with a reason, so the job cannot be
 * stopped by what producers send. Input is UTF-8 JSON, one object per record, nothing after it, no
 * duplicate fields. Event time is bounded by the job's own clock (not the producer-set record
 * timestamp), and a heartbeat counts only when signed with {@code events.heartbeat-key}.
 *
 * <p>The JSON schema is documented in {@code src/site/markdown/events.md}.
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String HEARTBEAT_TYPE = "heartbeat";

    private final EventRules rules;
    private final Signer heartbeats;
    private transient ObjectMapper mapper;

    public EventParser(EventRules rules) {
        this.rules = rules;
        this.heartbeats = new Signer(rules.heartbeatKey());
    }

    /**
     * The signature a heartbeat for {@code time} on {@code topic/partition} must carry: the hex
     * HMAC-SHA256 of {@code heartbeat|topic|partition|time} under the heartbeat key.
     */
    public static String heartbeatSignature(Signer signer, String topic, int partition, long time) {
        return signer.signHex(heartbeatMessage(topic, partition, time));
    }

    private static String heartbeatMessage(String topic, int partition, long time) {
        return "heartbeat|" + topic + "|" + partition + "|" + time;
    }

    /** Parses a record read from {@code topic/partition/offset} with Kafka timestamp {@code ts}. */
    public Ingested parse(byte[] value, String topic, int partition, long offset, long ts) {
        return parse(value, topic, partition, offset, ts, System.currentTimeMillis());
    }

    /** {@link #parse(byte[], String, int, long, long)} with the job's clock reading {@code now}. */
    public Ingested parse(
            byte[] value, String topic, int partition, long offset, long ts, long now) {
        Source src = new Source(value, topic, partition, offset, ts);
        try {
            return parseRecord(value, src, now);
        } catch (RuntimeException | StackOverflowError e) {
            // a record's content must never stop the job: whatever slipped through is a dead letter
            return src.reject(
                    DeadLetterReason.INTERNAL_ERROR,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Ingested parseRecord(byte[] value, Source src, long now) {
        if (value == null) {
            return src.reject(DeadLetterReason.MALFORMED_JSON, "null value (tombstone)");
        }
        if (value.length > rules.maxRecordBytes()) {
            return src.reject(
                    DeadLetterReason.OVERSIZED,
                    value.length + " bytes > max " + rules.maxRecordBytes());
        }
        for (byte b : value) {
            if (b == 0) {
                // JSON text has no raw NUL; UTF-16 and UTF-32 JSON are full of them
                return src.reject(DeadLetterReason.MALFORMED_JSON, "not UTF-8 JSON (NUL byte)");
            }
        }
        JsonNode root;
        try {
            root = mapper().readTree(value);
        } catch (JsonProcessingException e) {
            return src.reject(DeadLetterReason.MALFORMED_JSON, e.getOriginalMessage());
        } catch (IOException e) {
            return src.reject(DeadLetterReason.MALFORMED_JSON, String.valueOf(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return src.reject(DeadLetterReason.MALFORMED_JSON, "not a JSON object");
        }
        try {
            return parseObject(root, src, now);
        } catch (Rejection r) {
            return src.reject(r.reason, r.getMessage());
        }
    }

    private Ingested parseObject(JsonNode root, Source src, long now) {
        String typeName = requiredText(root, "type");
        long eventTime = eventTime(root, src.ts, now);
        if (HEARTBEAT_TYPE.equals(typeName)) {
            JsonNode sig = root.get("signature");
            if (!heartbeats.verifyHex(
                    heartbeatMessage(src.topic, src.partition, eventTime),
                    sig != null && sig.isTextual() ? sig.asText() : null)) {
                throw new Rejection(
                        DeadLetterReason.UNAUTHENTICATED,
                        heartbeats.hasKey()
                                ? "heartbeat without a valid signature"
                                : "heartbeats are off (no events.heartbeat-key)");
            }
            return Ingested.heartbeat(eventTime);
        }
        EventType type = EventType.fromJson(typeName);
        if (type == null) {
            throw new Rejection(DeadLetterReason.UNKNOWN_TYPE, "unknown type '" + typeName + "'");
        }
        String eventId = id(root, "event_id");
        String userId = id(root, "user_id");
        double amount = type.monetary() ? amountInBaseCurrency(root) : 0.0;
        return Ingested.of(new Event(eventId, userId, type, eventTime, amount));
    }

    private long eventTime(JsonNode root, long recordTimestamp, long now) {
        JsonNode node = root.get("event_time");
        if (node == null || node.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "missing event_time");
        }
        long t;
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new Rejection(
                        DeadLetterReason.INVALID_FIELD, "event_time out of range of epoch millis");
            }
            t = node.asLong();
        } else if (node.isTextual()) {
            try {
                t =
                        OffsetDateTime.parse(node.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                                .toInstant()
                                .toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                throw new Rejection(
                        DeadLetterReason.INVALID_FIELD,
                        "event_time '" + node.asText() + "' is not ISO-8601 with offset");
            }
        } else {
            throw new Rejection(
                    DeadLetterReason.INVALID_FIELD,
                    "event_time must be an ISO-8601 string or epoch milliseconds");
        }
        if (t < rules.minEventTime().toEpochMilli()) {
            throw new Rejection(
                    DeadLetterReason.TOO_OLD, "event_time before " + rules.minEventTime());
        }
        // the producer sets the record timestamp, so it may only tighten the bound, never widen
        // it: the job's clock caps every event time (replays and simulations, whose record
        // timestamps are their own past, are bounded by those)
        long bound = recordTimestamp >= 0 ? Math.min(now, recordTimestamp) : now;
        if (t - bound > rules.maxFutureSkew().toMillis()) {
            throw new Rejection(
                    DeadLetterReason.FAR_FUTURE,
                    "event_time "
                            + Instant.ofEpochMilli(t)
                            + " is "
                            + (t - bound) / 1000
                            + " s ahead of "
                            + (bound == now ? "the job's clock" : "the record timestamp")
                            + " (max "
                            + rules.maxFutureSkew()
                            + ")");
        }
        return t;
    }

    private double amountInBaseCurrency(JsonNode root) {
        JsonNode node = root.get("amount");
        if (node == null || node.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "missing amount");
        }
        if (!node.isNumber()) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, "amount must be a number");
        }
        double amount = node.asDouble();
        if (!Double.isFinite(amount)) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, "amount is not finite");
        }
        if (amount <= 0) {
            throw new Rejection(DeadLetterReason.NEGATIVE_AMOUNT, "amount " + amount + " <= 0");
        }
        String currency = requiredText(root, "currency");
        Double rate = rules.fxRates().get(currency);
        if (rate == null) {
            throw new Rejection(
                    DeadLetterReason.UNSUPPORTED_CURRENCY,
                    "no rate for currency '" + currency + "'");
        }
        double base = amount * rate;
        if (base > rules.maxAmount()) {
            throw new Rejection(
                    DeadLetterReason.ABSURD_AMOUNT,
                    "amount " + base + " " + rules.baseCurrency() + " > max " + rules.maxAmount());
        }
        return base;
    }

    /** Ids may be strings or integers (common for numeric user ids); both become strings. */
    private String id(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "missing " + field);
        }
        if (!node.isTextual() && !node.isIntegralNumber()) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, field + " must be a string");
        }
        String id = node.asText();
        if (id.length() > rules.maxIdLength()) {
            throw new Rejection(
                    DeadLetterReason.INVALID_FIELD,
                    field + " longer than " + rules.maxIdLength() + " characters");
        }
        String bad = badIdCharacter(id);
        if (bad != null) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, field + " " + bad);
        }
        return id;
    }

    /**
     * Why {@code id} is not a usable id, or null: ids are keys, metric-free labels in marketing's
     * tables and parts of output records, so no control, format (zero-width, bidi override) or
     * separator characters, no lone surrogates or noncharacters, and no surrounding white space.
     */
    static String badIdCharacter(String id) {
        if (Character.isWhitespace(id.charAt(0))
                || Character.isWhitespace(id.charAt(id.length() - 1))) {
            return "has leading or trailing white space";
        }
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL
                    || type == Character.FORMAT
                    || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.UNASSIGNED && (cp & 0xFFFE) == 0xFFFE) {
                return String.format("contains the disallowed character U+%04X", cp);
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "missing " + field);
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new Rejection(DeadLetterReason.INVALID_FIELD, field + " must be a string");
        }
        return node.asText();
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper();
            mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        }
        return mapper;
    }

    /** Where a record came from; builds its dead letter. */
    private final class Source {
        final byte[] value;
        final String topic;
        final int partition;
        final long offset;
        final long ts;

        Source(byte[] value, String topic, int partition, long offset, long ts) {
            this.value = value;
            this.topic = topic;
            this.partition = partition;
            this.offset = offset;
            this.ts = ts;
        }

        Ingested reject(DeadLetterReason reason, String detail) {
            int size = value == null ? 0 : value.length;
            int keep = Math.min(size, rules.dlqMaxPayloadBytes());
            String payload =
                    value == null ? "" : new String(value, 0, keep, StandardCharsets.UTF_8);
            DeadLetter d =
                    new DeadLetter(reason, detail, topic, partition, offset, ts, size, payload);
            d.payloadTruncated = keep < size;
            return Ingested.of(d);
        }
    }

    /** Control flow for a rejected field; carries the reason up to {@link #parse}. */
    private static final class Rejection extends RuntimeException {
        final DeadLetterReason reason;

        Rejection(DeadLetterReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
