package io.retentionloop.events;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for the events topic. Bounded out-of-orderness per partition; partitions silent for
 * {@code idleTimeout} are marked idle so the others carry the watermark. When every partition is
 * silent two mechanisms keep inactivity timers firing: producers may send {@code heartbeat} records
 * (the simulator does, to every partition, at each simulated day end), and for live streams whose
 * event time follows the wall clock {@code advanceWhenIdle} moves the watermark on with processing
 * time after {@code idleTimeout} of silence.
 */
public final class EventTimeWatermarks implements WatermarkGenerator<Ingested> {
    private final long outOfOrdernessMs;
    private final long idleTimeoutMs;
    private final boolean advanceWhenIdle;

    private long maxTimestamp = Long.MIN_VALUE;
    private long lastRecordWallClock = System.currentTimeMillis();

    EventTimeWatermarks(Duration outOfOrderness, Duration idleTimeout, boolean advanceWhenIdle) {
        this.outOfOrdernessMs = outOfOrderness.toMillis();
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.advanceWhenIdle = advanceWhenIdle;
    }

    /** The strategy for the events source. */
    public static WatermarkStrategy<Ingested> strategy(
            Duration outOfOrderness, Duration idleTimeout, boolean advanceWhenIdle) {
        WatermarkStrategy<Ingested> s =
                WatermarkStrategy.<Ingested>forGenerator(
                                ctx ->
                                        new EventTimeWatermarks(
                                                outOfOrderness, idleTimeout, advanceWhenIdle))
                        .withTimestampAssigner((in, recordTs) -> in.timestamp());
        // with processing-time advance a silent partition still moves; marking it idle would not
        return advanceWhenIdle ? s : s.withIdleness(idleTimeout);
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
        long watermark = maxTimestamp - outOfOrdernessMs - 1;
        long silentFor = System.currentTimeMillis() - lastRecordWallClock;
        if (advanceWhenIdle && silentFor > idleTimeoutMs) {
            watermark += silentFor - idleTimeoutMs;
        }
        output.emitWatermark(new Watermark(watermark));
    }
}
