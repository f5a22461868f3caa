package io.retentionloop.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class SnapshotRateTest {
    private static final long MS = 1_000_000L;

    @Test
    void rateCountsOnlyTheIntervalsInWhichTheCounterRose() {
        SnapshotRate r = new SnapshotRate();
        r.sample(0, 0);
        r.sample(100 * MS, 0); // idle
        r.sample(200 * MS, 500); // burst: 500 in 100 ms
        r.sample(300 * MS, 1000); // burst: 500 in 100 ms
        r.sample(2_000 * MS, 1000); // idle for 1.7 s
        r.sample(2_100 * MS, 1100); // burst: 100 in 100 ms

        assertThat(r.snapshots()).isEqualTo(1100);
        assertThat(r.busySeconds()).isEqualTo(0.3, offset(1e-9));
        assertThat(r.perSecond()).isEqualTo(1100 / 0.3, offset(1e-6));
        assertThat(r.peakPerSecond()).isEqualTo(1000);
    }

    @Test
    void samplesCloserThanTheResolutionAreSkipped() {
        SnapshotRate r = new SnapshotRate();
        assertThat(r.sample(0, 0)).isTrue();
        assertThat(r.sample(20 * MS, 10)).isFalse();
        assertThat(r.sample(60 * MS, 10)).isTrue();
        assertThat(r.busySeconds()).isEqualTo(0.06, offset(1e-9));
    }

    @Test
    void aCounterThatNeverRisesHasNoRate() {
        SnapshotRate r = new SnapshotRate();
        r.sample(0, 7);
        r.sample(100 * MS, 7);
        assertThat(r.perSecond()).isZero();
        assertThat(r.peakPerSecond()).isZero();
    }

    @Test
    void theLastSampleCountsHoweverCloseItIs() {
        SnapshotRate r = new SnapshotRate();
        r.sample(0, 0);
        r.last(20 * MS, 40); // a run shorter than the resolution still has its snapshots
        assertThat(r.snapshots()).isEqualTo(40);
        assertThat(r.perSecond()).isEqualTo(2000, offset(1e-6));
    }
}
