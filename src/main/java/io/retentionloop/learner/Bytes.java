package io.retentionloop.learner;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Bulk float arrays to and from streams, little-endian. */
final class Bytes {
    private static final int CHUNK = 1 << 16;

    private Bytes() {}

    static void writeFloats(DataOutputStream out, float[] a, int from, int count)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < from + count; i += CHUNK) {
            int n = Math.min(CHUNK, from + count - i);
            buf.clear();
            buf.asFloatBuffer().put(a, i, n);
            out.write(buf.array(), 0, n * 4);
        }
    }

    static void readFloats(DataInputStream in, float[] a, int count) throws IOException {
        byte[] chunk = new byte[CHUNK * 4];
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i += CHUNK) {
            int n = Math.min(CHUNK, count - i);
            in.readFully(chunk, 0, n * 4);
            buf.clear();
            buf.asFloatBuffer().get(a, i, n);
        }
    }

    /** A float array with its length first. */
    static void writeFloatArray(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        writeFloats(out, a, 0, a.length);
    }

    static float[] readFloatArray(DataInputStream in, int maxLength) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > maxLength) {
            throw new IOException("array length " + n + " out of range");
        }
        float[] a = new float[n];
        readFloats(in, a, n);
        return a;
    }
}
