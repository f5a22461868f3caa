package io.retentionloop.simulate;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The event types of the world, named in JSON by their lower-case name. */
enum EventType {
    SESSION,
    VIEW,
    CART,
    PURCHASE,
    REFUND;

    private final String json = name().toLowerCase(Locale.ROOT);
    private final byte[] jsonBytes = json.getBytes(StandardCharsets.US_ASCII);

    String json() {
        return json;
    }

    byte[] jsonBytes() {
        return jsonBytes;
    }

    boolean monetary() {
        return this == PURCHASE || this == REFUND;
    }
}
