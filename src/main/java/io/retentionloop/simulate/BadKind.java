package io.retentionloop.simulate;

import java.util.Locale;

/** The ways the simulator breaks a record; {@link #id()} is the reason passed to the sink. */
public enum BadKind {
    /** JSON cut off in the middle. */
    MALFORMED_JSON,
    /** A valid-looking event without its user_id, event_time or event_id. */
    MISSING_FIELD,
    /** An event whose type the job does not know, e.g. {@code wishlist}. */
    UNKNOWN_TYPE,
    /** A purchase with an amount below zero. */
    NEGATIVE_AMOUNT,
    /** A purchase of 5,000,000. */
    ABSURD_AMOUNT,
    /** An event time at least 30 days after the day it is produced on. */
    FAR_FUTURE,
    /** A valid-looking event padded to 1,100,000 bytes. */
    OVERSIZED;

    /** The lower-case name used in config and as the bad reason. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind with this id, or null. */
    public static BadKind fromId(String id) {
        for (BadKind kind : values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        return null;
    }
}
