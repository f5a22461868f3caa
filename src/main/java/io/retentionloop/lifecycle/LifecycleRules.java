package io.retentionloop.lifecycle;

import java.io.Serializable;
import java.time.Duration;

/**
 * The event-time rules of the lifecycle: window grid, stage thresholds, lateness, dedup and expiry.
 * Windows are {@code [start, end)} on a grid of {@code window} aligned to epoch + {@code offset} +
 * the user's phase. With a {@code windowPhaseStep} the phase is a stable hash of the user id, a
 * multiple of the step below the window, so that users' window ends (snapshots, scoring, decisions
 * and maturing rewards) are spread evenly over the window instead of all falling at one instant;
 * with a step of zero every user is on the one grid.
 */
public record LifecycleRules(
        Duration window,
        Duration windowOffset,
        Duration atRiskAfter,
        Duration lapsedAfter,
        Duration expireAfter,
        Duration allowedLateness,
        Duration dedupRetention,
        Duration stateTtl,
        Duration windowPhaseStep)
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
                    Duration.ofDays(730),
                    Duration.ZERO);

    /** Rules with every user on one grid (no phases). */
    public LifecycleRules(
            Duration window,
            Duration windowOffset,
            Duration atRiskAfter,
            Duration lapsedAfter,
            Duration expireAfter,
            Duration allowedLateness,
            Duration dedupRetention,
            Duration stateTtl) {
        this(
                window,
                windowOffset,
                atRiskAfter,
                lapsedAfter,
                expireAfter,
                allowedLateness,
                dedupRetention,
                stateTtl,
                Duration.ZERO);
    }

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
        require(
                !windowPhaseStep.isNegative()
                        && windowPhaseStep.compareTo(window) <= 0
                        && (windowPhaseStep.isZero()
                                || window.toMillis() % windowPhaseStep.toMillis() == 0),
                "lifecycle.window-phase-step must be 0 or divide lifecycle.window");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** End (exclusive) of the window of the common grid (no phase) that contains {@code t}. */
    public long windowEndFor(long t) {
        return windowEndFor(t, windowOffset.toMillis());
    }

    /** End (exclusive) of {@code userId}'s window that contains {@code t}. */
    public long windowEndFor(String userId, long t) {
        return windowEndFor(t, windowOffset.toMillis() + phase(userId));
    }

    private long windowEndFor(long t, long offset) {
        long size = window.toMillis();
        return Math.floorDiv(t - offset, size) * size + size + offset;
    }

    /**
     * The user's window phase in milliseconds, in {@code [0, window)}: a multiple of the step
     * chosen by a stable hash of the id (FNV-1a over its UTF-8 bytes, then SplitMix64's finalizer);
     * 0 without a step. Part of the state's meaning: a release must never change it.
     */
    public long phase(String userId) {
        long step = windowPhaseStep.toMillis();
        if (step == 0) {
            return 0;
        }
        long slots = window.toMillis() / step;
        return Math.floorMod(hash(userId), slots) * step;
    }

    /** Whether some user's window ends at {@code t}. */
    public boolean anyWindowEndsAt(long t) {
        long step = windowPhaseStep.isZero() ? window.toMillis() : windowPhaseStep.toMillis();
        return Math.floorMod(t - windowOffset.toMillis(), step) == 0;
    }

    /** These rules with every user on the common grid. */
    public LifecycleRules aligned() {
        return windowPhaseStep.isZero()
                ? this
                : new LifecycleRules(
                        window,
                        windowOffset,
                        atRiskAfter,
                        lapsedAfter,
                        expireAfter,
                        allowedLateness,
                        dedupRetention,
                        stateTtl);
    }

    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    public long windowMillis() {
        return window.toMillis();
    }
}
