package io.retentionloop.events;

/**
 * What the Kafka source emits for one record: a valid event, a dead letter, or a clock heartbeat (a
 * producer's statement that its partition has reached a time, so that event time advances even when
 * no user is active). Exactly one of the three is set.
 */
public class Ingested {
    public Event event;
    public DeadLetter deadLetter;

    /** Event time of a heartbeat, or {@link Long#MIN_VALUE} when this is not one. */
    public long heartbeatTime = Long.MIN_VALUE;

    public Ingested() {}

    public static Ingested of(Event event) {
        Ingested i = new Ingested();
        i.event = event;
        return i;
    }

    public static Ingested of(DeadLetter deadLetter) {
        Ingested i = new Ingested();
        i.deadLetter = deadLetter;
        return i;
    }

    public static Ingested heartbeat(long time) {
        Ingested i = new Ingested();
        i.heartbeatTime = time;
        return i;
    }

    /** The event time this record contributes to watermarks; dead letters contribute none. */
    public long timestamp() {
        if (event != null) {
            return event.eventTime;
        }
        return heartbeatTime;
    }

    public boolean isHeartbeat() {
        return event == null && deadLetter == null;
    }
}
