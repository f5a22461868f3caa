package io.retentionloop.lifecycle;

import io.retentionloop.events.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the {@code user-lifecycle} operator keeps for one user, in one state value so that an
 * event costs one state read and one write: the {@link UserProfile}, the event ids seen within the
 * dedup horizon, and the events held back for a window later than the open one.
 *
 * <p>Event ids are remembered as 64-bit fingerprints with their event time: for the few hundred ids
 * one user has within the horizon, two different ids share a fingerprint with a probability of
 * about n²/2⁶⁵ (below 10⁻¹⁴ for 1,000 ids), and a collision would drop one event as a duplicate. At
 * most {@link #MAX_SEEN} ids are kept: a user (a bot, a load test) sending more within the horizon
 * has the oldest forgotten, so their state stays small enough to read and write.
 */
public final class UserState {
    private static final long[] NONE = new long[0];

    /** Event ids remembered per user at most. */
    public static final int MAX_SEEN = 10_000;

    public UserProfile profile;

    long[] seenIds = NONE;
    long[] seenTimes = NONE;
    int seen;

    /** Events at or after the open window end, in arrival order. */
    List<Event> held = new ArrayList<>(0);

    public UserState(UserProfile profile) {
        this.profile = profile;
    }

    /**
     * Remembers {@code eventId} (with its event time, for forgetting) and returns true, or returns
     * false when it was seen already.
     */
    public boolean firstSighting(String eventId, long eventTime) {
        long f = fingerprint(eventId);
        for (int i = 0; i < seen; i++) {
            if (seenIds[i] == f) {
                return false;
            }
        }
        remember(f, eventTime);
        return true;
    }

    void remember(long fingerprint, long eventTime) {
        if (seen == MAX_SEEN) {
            forgetOldest();
        }
        if (seen == seenIds.length) {
            int n = Math.max(4, seen * 2);
            seenIds = Arrays.copyOf(seenIds, n);
            seenTimes = Arrays.copyOf(seenTimes, n);
        }
        seenIds[seen] = fingerprint;
        seenTimes[seen] = eventTime;
        seen++;
    }

    private void forgetOldest() {
        int oldest = 0;
        for (int i = 1; i < seen; i++) {
            if (seenTimes[i] < seenTimes[oldest]) {
                oldest = i;
            }
        }
        seen--;
        seenIds[oldest] = seenIds[seen];
        seenTimes[oldest] = seenTimes[seen];
    }

    /** Forgets the ids of events before {@code before}. */
    public void forgetSeenBefore(long before) {
        int kept = 0;
        for (int i = 0; i < seen; i++) {
            if (seenTimes[i] >= before) {
                seenIds[kept] = seenIds[i];
                seenTimes[kept] = seenTimes[i];
                kept++;
            }
        }
        seen = kept;
    }

    /** Event ids remembered. */
    public int seenCount() {
        return seen;
    }

    public void hold(Event e) {
        held.add(e);
    }

    /** The held events in event-time order. */
    public List<Event> heldInTimeOrder() {
        List<Event> sorted = new ArrayList<>(held);
        sorted.sort((a, b) -> Long.compare(a.eventTime, b.eventTime));
        return sorted;
    }

    public int heldCount() {
        return held.size();
    }

    public void replaceHeld(List<Event> events) {
        held = new ArrayList<>(events);
    }

    /**
     * The 64-bit fingerprint of an event id: FNV-1a over its UTF-16 code units, then a full
     * avalanche (the MurmurHash3 finalizer) so that similar ids spread over all bits.
     */
    static long fingerprint(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= id.length();
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
