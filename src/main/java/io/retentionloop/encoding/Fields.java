package io.retentionloop.encoding;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Nullable strings and arrays for {@link Codec}s: a length written as a variable-length integer, 0
 * for null and n + 1 for n elements, and read back within a bound, so damaged state cannot ask for
 * a huge allocation.
 */
public final class Fields {
    /** More elements than any array in this job's state holds. */
    public static final int MAX_LENGTH = 1 << 20;

    private Fields() {}

    public static void writeString(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    public static String readString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeLength(DataOutput out, Object array, int length) throws IOException {
        VarInts.writeUnsigned(out, array == null ? 0 : length + 1L);
    }

    /** The length of the array that follows, or -1 for null. */
    private static int readLength(DataInput in) throws IOException {
        return VarInts.readCount(in, MAX_LENGTH + 1) - 1;
    }

    public static void writeDoubles(DataOutput out, double[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) {
            for (double v : a) {
                out.writeDouble(v);
            }
        }
    }

    public static double[] readDoubles(DataInput in) throws IOException {
        int n = readLength(in);
        if (n < 0) {
            return null;
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }

    public static void writeInts(DataOutput out, int[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) {
            for (int v : a) {
                VarInts.writeSigned(out, v);
            }
        }
    }

    public static int[] readInts(DataInput in) throws IOException {
        int n = readLength(in);
        if (n < 0) {
            return null;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            long v = VarInts.readSigned(in);
            if (v != (int) v) {
                throw new IOException("int out of range: " + v);
            }
            a[i] = (int) v;
        }
        return a;
    }

    public static void writeBooleans(DataOutput out, boolean[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) {
            for (boolean v : a) {
                out.writeBoolean(v);
            }
        }
    }

    public static boolean[] readBooleans(DataInput in) throws IOException {
        int n = readLength(in);
        if (n < 0) {
            return null;
        }
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readBoolean();
        }
        return a;
    }

    public static void writeStrings(DataOutput out, String[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) {
            for (String v : a) {
                writeString(out, v);
            }
        }
    }

    public static String[] readStrings(DataInput in) throws IOException {
        int n = readLength(in);
        if (n < 0) {
            return null;
        }
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            a[i] = readString(in);
        }
        return a;
    }

    /**
     * Doubles kept as 32-bit floats: for vectors that are only ever fed to a network computing in
     * float, where the narrowing loses nothing it would see.
     */
    public static void writeFloats(DataOutput out, double[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) {
            for (double v : a) {
                out.writeFloat((float) v);
            }
        }
    }

    public static double[] readFloats(DataInput in) throws IOException {
        int n = readLength(in);
        if (n < 0) {
            return null;
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    /**
     * Epoch-millisecond times where {@link Long#MIN_VALUE} means "never": one byte for never, six
     * for a time of this century.
     */
    public static void writeTimes(DataOutput out, long[] a) throws IOException {
        writeLength(out, a, a == null ? 0 : a.length);
        if (a != null) {
            for (long v : a) {
                VarInts.writeUnsigned(out, v == Long.MIN_VALUE ? 0 : ((v << 1) ^ (v >> 63)) + 1);
            }
        }
    }

    public static long[] readTimes(DataInput in) throws IOException {
        int n = readLength(in);
        if (n < 0) {
            return null;
        }
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            long z = VarInts.readUnsigned(in);
            if (z == 0) {
                a[i] = Long.MIN_VALUE;
            } else {
                z -= 1;
                a[i] = (z >>> 1) ^ -(z & 1);
            }
        }
        return a;
    }
}
