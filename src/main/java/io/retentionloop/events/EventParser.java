package io.retentionloop.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Parses and validates one raw input record. Never throws on bad input: every problem becomes a
 * {@link DeadLetter} with a reason, so the job cannot be stopped by what producers send.
 *
 * <p>The JSON schema is documented in {@code README.md#event-schema}.
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String HEARTBEAT_TYPE = "heartbeat";

    private final EventRules rules;
    private transient ObjectMapper mapper;

    public EventParser(EventRules rules) {
        this.rules = rules;
    }

    /** Parses a record read from {@code topic/partition/offset} with Kafka timestamp {@code ts}. */
    public Ingested parse(byte[] value, String topic, int partition, long offset, long ts) {
        Source src = new Source(value, topic, partition, offset, ts);
        if (value == null) {
            return src.reject(DeadLetterReason.MALFORMED_JSON, "null value (tombstone)");
        }
        if (value.length > rules.maxRecordBytes()) {
            return src.reject(
                    DeadLetterReason.OVERSIZED,
                    value.length + " bytes > max " + rules.maxRecordBytes());
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
            return parseObject(root, src);
        } catch (Rejection r) {
            return src.reject(r.reason, r.getMessage());
        }
    }

    private Ingested parseObject(JsonNode root, Source src) {
        String typeName = requiredText(root, "type");
        long eventTime = eventTime(root, src.ts);
        if (HEARTBEAT_TYPE.equals(typeName)) {
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

    private long eventTime(JsonNode root, long recordTimestamp) {
        JsonNode node = root.get("event_time");
        if (node == null || node.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "missing event_time");
        }
        long t;
        if (node.isIntegralNumber()) {
            t = node.asLong();
        } else if (node.isTextual()) {
            try {
                t =
                        OffsetDateTime.parse(node.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                                .toInstant()
                                .toEpochMilli();
            } catch (DateTimeException e) {
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
        if (recordTimestamp >= 0 && t > recordTimestamp + rules.maxFutureSkew().toMillis()) {
            throw new Rejection(
                    DeadLetterReason.FAR_FUTURE,
                    "event_time "
                            + (t - recordTimestamp) / 1000
                            + " s after the record timestamp (max "
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
        return id;
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
            return Ingested.of(
                    new DeadLetter(reason, detail, topic, partition, offset, ts, size, payload));
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
