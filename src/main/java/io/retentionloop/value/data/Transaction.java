package io.retentionloop.value.data;

/**
 * One purchase of a customer, as read from history: who, when (epoch milliseconds, UTC) and how
 * much in the base currency.
 */
public record Transaction(String userId, long timestamp, double amount) {
    static final long DAY_MS = 86_400_000L;

    /** The UTC day of the purchase; the BTYD protocol counts purchase days, not purchases. */
    public long epochDay() {
        return Math.floorDiv(timestamp, DAY_MS);
    }
}
