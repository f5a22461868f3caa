package io.retentionloop.simulate;

import java.util.Arrays;

/** A user's money over time: revenue from purchases and the cost of the actions sent to them. */
final class Ledger {

    private static final long[] NO_TIMES = {};
    private static final double[] NO_AMOUNTS = {};

    // most users never buy: share the empty arrays until they do
    private long[] times = NO_TIMES;
    private double[] revenue = NO_AMOUNTS;
    private double[] cost = NO_AMOUNTS;
    private int size;

    void addRevenue(long epochMillis, double amount) {
        add(epochMillis, amount, 0);
    }

    void addCost(long epochMillis, double amount) {
        add(epochMillis, 0, amount);
    }

    /** Revenue booked in [from, to). */
    double revenue(long from, long to) {
        return sum(revenue, from, to);
    }

    /** Action cost booked in [from, to). */
    double cost(long from, long to) {
        return sum(cost, from, to);
    }

    private void add(long epochMillis, double rev, double cst) {
        if (size == times.length) {
            int capacity = Math.max(4, size * 2);
            times = Arrays.copyOf(times, capacity);
            revenue = Arrays.copyOf(revenue, capacity);
            cost = Arrays.copyOf(cost, capacity);
        }
        times[size] = epochMillis;
        revenue[size] = rev;
        cost[size] = cst;
        size++;
    }

    // entries are few per user and not quite in time order (a fixed cost may be booked ahead)
    private double sum(double[] values, long from, long to) {
        double total = 0;
        for (int i = 0; i < size; i++) {
            if (times[i] >= from && times[i] < to) {
                total += values[i];
            }
        }
        return total;
    }
}
