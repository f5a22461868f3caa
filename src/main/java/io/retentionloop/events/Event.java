package io.retentionloop.events;

import java.util.Objects;

/**
 * One validated user event. Amounts are in the job's base currency (converted at parse time), so
 * everything downstream adds them up without caring where they came from.
 */
public class Event {
    public String eventId;
    public String userId;
    public EventType type;

    /** Event time, epoch milliseconds. */
    public long eventTime;

    /** Amount in the base currency; 0 for non-monetary events. */
    public double amount;

    public Event() {}

    public Event(String eventId, String userId, EventType type, long eventTime, double amount) {
        this.eventId = eventId;
        this.userId = userId;
        this.type = type;
        this.eventTime = eventTime;
        this.amount = amount;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Event)) {
            return false;
        }
        Event e = (Event) o;
        return eventTime == e.eventTime
                && Double.compare(amount, e.amount) == 0
                && Objects.equals(eventId, e.eventId)
                && Objects.equals(userId, e.userId)
                && type == e.type;
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, userId, type, eventTime, amount);
    }

    @Override
    public String toString() {
        return type + "(" + eventId + ", " + userId + ", t=" + eventTime + ", " + amount + ")";
    }
}
