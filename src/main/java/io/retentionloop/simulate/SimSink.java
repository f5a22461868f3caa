package io.retentionloop.simulate;

/** Receives what the simulator produces, one simulated day at a time. */
public interface SimSink {

    /**
     * One record, in event-time order within its day.
     *
     * @param key the user id, or null when the record carries none (e.g. malformed JSON)
     * @param value the UTF-8 JSON, or garbage for bad records; the sink may keep the array
     * @param eventTimeMillis when the record is produced, in simulated epoch millis; for bad and
     *     duplicate records this may differ from the time the payload claims
     * @param kind what the record really is
     * @param badReason the {@link BadKind#id()} for {@link RecordKind#BAD}, else null
     */
    void record(String key, byte[] value, long eventTimeMillis, RecordKind kind, String badReason);

    /** Called once a day's records are all out; {@code dayEndMillis} is the exclusive end. */
    default void endOfDay(int day, long dayEndMillis) {}
}
