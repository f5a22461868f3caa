package io.retentionloop.benchmark;

import java.util.HashMap;
import java.util.Map;

/**
 * The rate at which a counter (the lifecycle's {@code windowSnapshots}) rises while it rises, from
 * samples of its value taken at least {@link #MIN_INTERVAL_NANOS} apart.
 *
 * <p>Window ends come in bursts (each user's window closes when the watermark passes its end), so
 * snapshots divided by the whole run would mostly measure the gaps between bursts. Instead:
 *
 * <ul>
 *   <li>{@link #perSecond()}: snapshots divided by the summed length of the sampling intervals in
 *       which the counter rose (the burst time, at the sampling resolution);
 *   <li>{@link #peakPerSecond()}: the most snapshots counted in any one-second bucket of the run
 *       (an interval's increase falls in the bucket of its end).
 * </ul>
 */
final class SnapshotRate {
    /** Samples closer than this are skipped: the resolution of the burst time. */
    static final long MIN_INTERVAL_NANOS = 50_000_000L;

    private static final long SECOND = 1_000_000_000L;

    private long firstNanos = Long.MIN_VALUE;
    private long lastNanos;
    private long lastCount;
    private long snapshots;
    private long busyNanos;
    private final Map<Long, Long> perBucket = new HashMap<>();

    /**
     * Records the counter's value {@code count} at {@code nanos} (from {@link System#nanoTime});
     * returns false when the sample was skipped as too close to the previous one.
     */
    boolean sample(long nanos, long count) {
        return sample(nanos, count, false);
    }

    /** The last sample of a run: recorded however close it is to the one before. */
    void last(long nanos, long count) {
        sample(nanos, count, true);
    }

    private boolean sample(long nanos, long count, boolean last) {
        if (firstNanos == Long.MIN_VALUE) {
            firstNanos = nanos;
            lastNanos = nanos;
            lastCount = count;
            return true;
        }
        if (nanos - lastNanos < MIN_INTERVAL_NANOS && !(last && nanos > lastNanos)) {
            return false;
        }
        long rise = count - lastCount;
        if (rise > 0) {
            snapshots += rise;
            busyNanos += nanos - lastNanos;
            perBucket.merge((nanos - firstNanos) / SECOND, rise, Long::sum);
        }
        lastNanos = nanos;
        lastCount = count;
        return true;
    }

    /** Snapshots counted between the first and the last sample. */
    long snapshots() {
        return snapshots;
    }

    /** Seconds during which the counter rose, at the sampling resolution. */
    double busySeconds() {
        return busyNanos / 1e9;
    }

    /** Snapshots per second of burst time; 0 when the counter never rose. */
    double perSecond() {
        return busyNanos == 0 ? 0 : snapshots / busySeconds();
    }

    /** The most snapshots in one second of the run. */
    double peakPerSecond() {
        return perBucket.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }
}
