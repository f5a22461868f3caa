package io.retentionloop.simulate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records waiting for the day they are produced on. Sessions, refunds and duplicates can land on a
 * later day than the one being simulated, so buckets exist for any day from the current one on.
 */
final class DayBuckets {

    private static final long DAY_MILLIS = 86_400_000L;
    private static final int INDEX_BITS = 36;

    private final long startMillis;

    /** Buckets of the open days from {@link #firstOpenDay} on; refunds reach a week ahead. */
    private final List<List<Pending>> openDays = new ArrayList<>();

    private int firstOpenDay;

    DayBuckets(long startMillis) {
        this.startMillis = startMillis;
    }

    void add(Pending record) {
        int day = (int) Math.floorDiv(record.timeMillis() - startMillis, DAY_MILLIS);
        if (day < firstOpenDay) {
            throw new IllegalStateException(
                    "record for day " + day + " after that day was produced: " + record);
        }
        int ahead = day - firstOpenDay;
        while (openDays.size() <= ahead) {
            openDays.add(new ArrayList<>());
        }
        openDays.get(ahead).add(record);
    }

    /**
     * Removes a day's bucket and returns it in time order; records with the same millisecond keep
     * the order they were added in, which is deterministic.
     */
    Pending[] drain(int day) {
        if (day != firstOpenDay) {
            throw new IllegalStateException("day " + firstOpenDay + " must be drained first");
        }
        firstOpenDay = day + 1;
        if (openDays.isEmpty()) {
            return new Pending[0];
        }
        List<Pending> bucket = openDays.remove(0);
        // sort primitive keys (millisecond of day, then position) instead of objects: much faster
        long dayStart = startMillis + day * DAY_MILLIS;
        long[] keys = new long[bucket.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (bucket.get(i).timeMillis() - dayStart) << INDEX_BITS | i;
        }
        Arrays.sort(keys);
        Pending[] ordered = new Pending[keys.length];
        long indexMask = (1L << INDEX_BITS) - 1;
        for (int i = 0; i < keys.length; i++) {
            ordered[i] = bucket.get((int) (keys[i] & indexMask));
        }
        return ordered;
    }
}
