package io.retentionloop.events;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for the events topic: bounded out-of-orderness per partition, what happens while a
 * partition is silent as {@link IdlePartitions} says, and never more than {@code maxLead} ahead of
 * the job's clock whatever arrives (the parser already rejects event times far ahead of it; this
 * bounds the watermark itself, so no record can make the job close windows that have not ended).
 */
public final class EventTimeWatermarks implements WatermarkGenerator<Ingested> {
    private final long outOfOrdernessMs;
    private final long idleTimeoutMs;
    private final boolean advanceWhenIdle;
    private final long maxLeadMs;

    private long maxTimestamp = Long.MIN_VALUE;
    private long lastRecordWallClock = System.currentTimeMillis();

    EventTimeWatermarks(
            Duration outOfOrderness, Duration idleTimeout, IdlePartitions idle, Duration maxLead) {
        this.outOfOrdernessMs = outOfOrderness.toMillis();
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.advanceWhenIdle = idle == IdlePartitions.ADVANCE;
        this.maxLeadMs = maxLead.toMillis();
    }

    /** The strategy for the events source. */
    public static WatermarkStrategy<Ingested> strategy(
            Duration outOfOrderness, Duration idleTimeout, IdlePartitions idle, Duration maxLead) {
        WatermarkStrategy<Ingested> s =
                WatermarkStrategy.<Ingested>forGenerator(
                                ctx ->
                                        new EventTimeWatermarks(
                                                outOfOrderness, idleTimeout, idle, maxLead))
                        .withTimestampAssigner((in, recordTs) -> in.timestamp());
        return idle == IdlePartitions.MARK_IDLE ? s.withIdleness(idleTimeout) : s;
    }

    @Override
    public void onEvent(Ingested event, long eventTimestamp, WatermarkOutput output) {
        if (event.deadLetter != null) {
            return;
        }
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        lastRecordWallClock = System.currentTimeMillis();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (maxTimestamp == Long.MIN_VALUE) {
            return;
        }
        long now = System.currentTimeMillis();
        output.emitWatermark(new Watermark(watermark(now)));
    }

    /** The watermark at wall-clock {@code now}. */
    long watermark(long now) {
        long watermark = maxTimestamp - outOfOrdernessMs - 1;
        long silentFor = now - lastRecordWallClock;
        if (advanceWhenIdle && silentFor > idleTimeoutMs) {
            watermark += silentFor - idleTimeoutMs;
        }
        return Math.min(watermark, now + maxLeadMs);
    }
}
