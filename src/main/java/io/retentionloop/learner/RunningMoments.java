package io.retentionloop.learner;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Running mean and variance of each position of a vector (Welford's update), and the
 * standardization (x − mean) / sd they define. A position whose spread is still below {@link
 * #MIN_SD} is only centred, so a value that has not varied yet (a flag never set) stays finite.
 */
final class RunningMoments {

    static final double MIN_SD = 1e-3;

    private final int size;
    private long count;
    private final double[] mean;
    private final double[] m2;

    RunningMoments(int size) {
        this.size = size;
        this.mean = new double[size];
        this.m2 = new double[size];
    }

    void add(double[] x) {
        count++;
        for (int i = 0; i < size; i++) {
            double d = x[i] - mean[i];
            mean[i] += d / count;
            m2[i] += d * (x[i] - mean[i]);
        }
    }

    long count() {
        return count;
    }

    double[] means() {
        return mean.clone();
    }

    /** The divisor of each position: its standard deviation, or 1 while below {@link #MIN_SD}. */
    double[] scales() {
        double[] s = new double[size];
        for (int i = 0; i < size; i++) {
            double sd = count > 1 ? Math.sqrt(m2[i] / (count - 1)) : 0;
            s[i] = sd < MIN_SD ? 1 : sd;
        }
        return s;
    }

    /** Standardizes {@code rows} row-major vectors in place. */
    void standardize(float[] rows, int n) {
        double[] s = scales();
        for (int r = 0; r < n; r++) {
            int at = r * size;
            for (int i = 0; i < size; i++) {
                rows[at + i] = (float) ((rows[at + i] - mean[i]) / s[i]);
            }
        }
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(size);
        out.writeLong(count);
        for (int i = 0; i < size; i++) {
            out.writeDouble(mean[i]);
            out.writeDouble(m2[i]);
        }
    }

    void read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n != size) {
            throw new IOException("moments of " + n + " values for a state of " + size);
        }
        count = in.readLong();
        for (int i = 0; i < size; i++) {
            mean[i] = in.readDouble();
            m2[i] = in.readDouble();
        }
    }
}
