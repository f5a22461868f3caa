package io.retentionloop.events;

import java.util.Locale;

/**
 * How event time moves on while a partition of the events topic is silent ({@code
 * watermarks.idle-partitions}).
 */
public enum IdlePartitions {
    /**
     * A partition silent for the idle timeout moves its watermark on with the job's clock. For live
     * streams, whose event time follows the wall clock: inactivity timers fire, and no partition is
     * ever left out of the watermark, so a partition that resumes after a pause cannot find its
     * on-time events already late.
     */
    ADVANCE,
    /**
     * Only events and signed heartbeats ({@code events.heartbeat-key}) move the watermark; a silent
     * partition holds it. For replays and simulations, whose producers send a heartbeat to every
     * partition as their time advances.
     */
    HEARTBEATS,
    /**
     * Flink's idleness: a silent partition is left out of the watermark until it sends again. After
     * a pause, whichever partition resumes first carries the watermark on, and events of the others
     * that resume later may be dead-lettered as late. Only for topics with partitions that stay
     * empty.
     */
    MARK_IDLE;

    /** Parses the configuration value ({@code advance}, {@code heartbeats}, {@code mark-idle}). */
    public static IdlePartitions parse(String value) {
        for (IdlePartitions m : values()) {
            if (m.code().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "watermarks.idle-partitions must be advance, heartbeats or mark-idle, was '"
                        + value
                        + "'");
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
