package io.retentionloop.lifecycle;

import java.io.Serializable;
import java.time.Duration;

/**
 * The event-time rules of the lifecycle: window grid, stage thresholds, lateness, dedup and expiry.
 * Windows are {@code [start, end)} on a grid of {@code window} aligned to epoch + {@code offset}.
 */
public record LifecycleRules(
        Duration window,
        Duration windowOffset,
        Duration atRiskAfter,
        Duration lapsedAfter,
        Duration expireAfter,
        Duration allowedLateness,
        Duration dedupRetention,
        Duration stateTtl)
        implements Serializable {

    public static final LifecycleRules DEFAULTS =
            new LifecycleRules(
                    Duration.ofDays(7),
                    Duration.ZERO,
                    Duration.ofDays(30),
                    Duration.ofDays(90),
                    Duration.ofDays(365),
                    Duration.ofDays(1),
                    Duration.ofDays(3),
                    Duration.ofDays(730));

    public LifecycleRules {
        require(window.toMillis() > 0, "lifecycle.window must be > 0");
        require(
                !windowOffset.isNegative() && windowOffset.compareTo(window) < 0,
                "lifecycle.window-offset must be in [0, window)");
        require(atRiskAfter.toMillis() > 0, "lifecycle.at-risk-after must be > 0");
        require(
                lapsedAfter.compareTo(atRiskAfter) > 0,
                "lifecycle.lapsed-after must be longer than at-risk-after");
        require(
                expireAfter.compareTo(window) >= 0,
                "lifecycle.expire-after must be at least one window");
        require(!allowedLateness.isNegative(), "lifecycle.allowed-lateness must be >= 0");
        // a duplicate older than the dedup horizon must already be rejected as late
        require(
                dedupRetention.compareTo(allowedLateness) >= 0,
                "lifecycle.dedup-retention must be >= allowed-lateness");
        require(
                stateTtl.compareTo(expireAfter.plus(window)) > 0,
                "lifecycle.state-ttl must exceed expire-after + window (it is only a safety net)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** End (exclusive) of the window that contains {@code t}. */
    public long windowEndFor(long t) {
        long size = window.toMillis();
        long shifted = t - windowOffset.toMillis();
        return Math.floorDiv(shifted, size) * size + size + windowOffset.toMillis();
    }

    public long windowMillis() {
        return window.toMillis();
    }
}
