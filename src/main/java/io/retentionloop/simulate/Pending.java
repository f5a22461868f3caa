package io.retentionloop.simulate;

/** A record waiting in its day's bucket until the day is produced. */
sealed interface Pending {

    /** When the record is produced, in epoch millis. */
    long timeMillis();

    /**
     * An event of the world; rendered to JSON only when produced.
     *
     * @param user the user's index
     * @param seq the user's event number, which makes the event id
     * @param session the user's session number, or -1
     * @param amountCents the amount of a purchase or refund, else 0
     */
    record Valid(long timeMillis, int user, EventType type, int seq, int session, long amountCents)
            implements Pending {}

    /** A broken record, rendered when it is made (they are rare). */
    record Bad(long timeMillis, String key, byte[] payload, BadKind kind) implements Pending {}

    /** A re-send of {@code original}, which renders to the same bytes. */
    record Duplicate(long timeMillis, Valid original) implements Pending {}
}
