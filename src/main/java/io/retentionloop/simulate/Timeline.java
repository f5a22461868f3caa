package io.retentionloop.simulate;

import java.util.Arrays;

/** Instants with an int each, appended in time order; lets ground truth look at past states. */
final class Timeline {

    private double[] times = new double[2];
    private int[] values = new int[2];
    private int size;

    void add(double time, int value) {
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        times[size] = time;
        values[size] = value;
        size++;
    }

    /** The index of the last entry at or before {@code time}, or -1. */
    int lastAtOrBefore(double time) {
        int i = size - 1;
        while (i >= 0 && times[i] > time) {
            i--;
        }
        return i;
    }

    double time(int i) {
        return times[i];
    }

    int value(int i) {
        return values[i];
    }
}
