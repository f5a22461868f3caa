package io.retentionloop.events;

import java.util.Locale;

/** The kinds of user event the job understands; the JSON name is the lower-case constant. */
public enum EventType {
    VIEW,
    CART,
    PURCHASE,
    REFUND,
    SESSION;

    /** Whether events of this type must carry an amount and a currency. */
    public boolean monetary() {
        return this == PURCHASE || this == REFUND;
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns the type for a JSON name, or null when the name is not a known type. */
    public static EventType fromJson(String name) {
        switch (name) {
            case "view":
                return VIEW;
            case "cart":
                return CART;
            case "purchase":
                return PURCHASE;
            case "refund":
                return REFUND;
            case "session":
                return SESSION;
            default:
                return null;
        }
    }
}
