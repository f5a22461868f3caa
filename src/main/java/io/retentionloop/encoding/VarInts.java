package io.retentionloop.encoding;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Variable-length integers (7 bits a byte, low bits first, as in Protocol Buffers) for compact
 * state encodings: small counts take one byte instead of four or eight. Signed values go through
 * ZigZag.
 */
public final class VarInts {
    private VarInts() {}

    /** Writes a value >= 0 in 1 to 10 bytes. */
    public static void writeUnsigned(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /** Reads what {@link #writeUnsigned} wrote; rejects encodings longer than a long. */
    public static long readUnsigned(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("malformed variable-length integer");
    }

    /** Writes any value, small magnitudes (either sign) in few bytes. */
    public static void writeSigned(DataOutput out, long v) throws IOException {
        writeUnsigned(out, (v << 1) ^ (v >> 63));
    }

    public static long readSigned(DataInput in) throws IOException {
        long z = readUnsigned(in);
        return (z >>> 1) ^ -(z & 1);
    }

    /** An int that must lie in {@code [0, max]}: a count or a length read back from state. */
    public static int readCount(DataInput in, int max) throws IOException {
        long n = readUnsigned(in);
        if (n > max) {
            throw new IOException("count " + n + " exceeds " + max);
        }
        return (int) n;
    }
}
