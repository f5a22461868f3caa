package io.retentionloop.events;

import java.util.Locale;

/**
 * Why a record went to the dead-letter topic; the code is what the DLQ record and metrics carry.
 */
public enum DeadLetterReason {
    /** The record is larger than {@code events.max-record-bytes}. */
    OVERSIZED,
    /** Not valid UTF-8 JSON, or not a JSON object. */
    MALFORMED_JSON,
    /** A required field is absent or empty. */
    MISSING_FIELD,
    /** A field has the wrong JSON type or an unparseable value (e.g. a bad timestamp). */
    INVALID_FIELD,
    /** {@code type} is not one of the known event types. */
    UNKNOWN_TYPE,
    /** A purchase or refund with an amount of zero or less. */
    NEGATIVE_AMOUNT,
    /** An amount above {@code events.max-amount}. */
    ABSURD_AMOUNT,
    /** A currency with no configured conversion rate. */
    UNSUPPORTED_CURRENCY,
    /**
     * Event time later than the job's clock, or the record's Kafka timestamp when that is earlier,
     * plus {@code events.max-future-skew}.
     */
    FAR_FUTURE,
    /** Event time before {@code events.min-event-time}. */
    TOO_OLD,
    /** Arrived after the watermark passed it by more than the allowed lateness. */
    LATE,
    /** A heartbeat without a valid signature under {@code events.heartbeat-key}. */
    UNAUTHENTICATED,
    /** An operator threw on this record; the detail names the exception. The job goes on. */
    INTERNAL_ERROR;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
