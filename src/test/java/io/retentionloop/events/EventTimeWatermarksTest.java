package io.retentionloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventTimeWatermarksTest {
    private static final Duration HOUR = Duration.ofHours(1);

    private static Ingested at(long t) {
        return Ingested.of(new Event("e", "u", EventType.VIEW, t, 0));
    }

    @Test
    void theWatermarkNeverRunsAheadOfTheJobsClockByMoreThanTheLead() {
        long now = System.currentTimeMillis();
        EventTimeWatermarks w =
                new EventTimeWatermarks(
                        Duration.ZERO, Duration.ofSeconds(30), IdlePartitions.HEARTBEATS, HOUR);
        w.onEvent(
                at(now + Duration.ofDays(600).toMillis()),
                now + Duration.ofDays(600).toMillis(),
                null);
        assertThat(w.watermark(now)).isEqualTo(now + HOUR.toMillis());
        w.onEvent(at(now - 5000), now - 5000, null);
        assertThat(w.watermark(now)).isEqualTo(now + HOUR.toMillis());
    }

    @Test
    void aSilentPartitionFollowsTheClockOnlyInAdvanceMode() {
        long t0 = System.currentTimeMillis();
        EventTimeWatermarks advance =
                new EventTimeWatermarks(
                        HOUR, Duration.ofSeconds(30), IdlePartitions.ADVANCE, Duration.ZERO);
        EventTimeWatermarks heartbeats =
                new EventTimeWatermarks(
                        HOUR, Duration.ofSeconds(30), IdlePartitions.HEARTBEATS, Duration.ZERO);
        long event = t0 - Duration.ofDays(1).toMillis();
        advance.onEvent(at(event), event, null);
        heartbeats.onEvent(at(event), event, null);
        long later = t0 + 90_000; // silent for 90 s, 60 s past the idle timeout
        assertThat(heartbeats.watermark(later)).isEqualTo(event - HOUR.toMillis() - 1);
        assertThat(advance.watermark(later))
                .isBetween(event - HOUR.toMillis() - 1 + 59_000, event - HOUR.toMillis() + 61_000);
    }

    @Test
    void deadLettersDoNotMoveTheWatermark() {
        long now = System.currentTimeMillis();
        EventTimeWatermarks w =
                new EventTimeWatermarks(
                        Duration.ZERO, Duration.ofSeconds(30), IdlePartitions.HEARTBEATS, HOUR);
        w.onEvent(at(now - 1000), now - 1000, null);
        w.onEvent(
                Ingested.of(new DeadLetter(DeadLetterReason.FAR_FUTURE, "", "t", 0, 0, 0, 0, "")),
                Long.MAX_VALUE,
                null);
        assertThat(w.watermark(now)).isEqualTo(now - 1001);
    }
}
