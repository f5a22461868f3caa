package io.retentionloop.local;

import io.retentionloop.lifecycle.LifecycleRules;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the job should emit, worked out independently from the records produced: a user has a
 * snapshot at window end {@code w} exactly when they have a valid event in {@code [w -
 * expire-after, w)} and {@code w} is one of their window ends (their phase). Tracks event days per
 * user, so it assumes day-aligned windows, phases and expiry.
 */
public final class SnapshotExpectation {
    private static final long DAY = 86_400_000L;

    private final long start;
    private final Map<String, BitSet> activeDays = new HashMap<>();

    public SnapshotExpectation(long startMillis) {
        this.start = startMillis;
    }

    public void validEvent(String userId, long eventTime) {
        activeDays.computeIfAbsent(userId, u -> new BitSet()).set(dayOf(eventTime));
    }

    private int dayOf(long t) {
        return (int) Math.floorDiv(t - start, DAY);
    }

    /** Expected snapshots per window end, for windows ending in {@code (start, end]}. */
    public Map<Long, Long> expected(LifecycleRules rules, long end) {
        if (rules.windowMillis() % DAY != 0
                || rules.windowOffset().toMillis() % DAY != 0
                || rules.windowPhaseStep().toMillis() % DAY != 0
                || rules.expireAfter().toMillis() % DAY != 0) {
            throw new IllegalArgumentException(
                    "expectation needs day-aligned windows, phases and expiry");
        }
        Map<Long, Long> out = new TreeMap<>();
        for (long w = start + DAY; w <= end; w += DAY) {
            if (rules.anyWindowEndsAt(w)) {
                out.put(w, expectedAt(rules, w));
            }
        }
        return out;
    }

    /** Expected snapshots at the window end {@code w} from the events seen so far. */
    public long expectedAt(LifecycleRules rules, long w) {
        return liveUsers(rules, w).size();
    }

    /** Users expected to have a snapshot at window end {@code w}. */
    public java.util.Set<String> liveUsers(LifecycleRules rules, long w) {
        int expireDays = (int) (rules.expireAfter().toMillis() / DAY);
        int wDay = dayOf(w);
        java.util.Set<String> out = new java.util.TreeSet<>();
        activeDays.forEach(
                (user, days) -> {
                    if (rules.windowEndFor(user, w - 1) != w) {
                        return;
                    }
                    int next = days.nextSetBit(Math.max(0, wDay - expireDays));
                    if (next >= 0 && next < wDay) {
                        out.add(user);
                    }
                });
        return out;
    }

    /** The days (from the start) with a valid event of {@code user}. */
    public String activeDays(String user) {
        return String.valueOf(activeDays.get(user));
    }

    int users() {
        return activeDays.size();
    }
}
