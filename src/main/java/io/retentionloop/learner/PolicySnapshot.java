package io.retentionloop.learner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A published policy: the online Q-network's parameters and what is needed to rebuild it. The
 * learner exports it, the {@code policy} topic carries it ({@link #toBytes()}), the agent keeps the
 * current one in broadcast state (a Flink POJO) and turns it into a {@link PolicyNetwork}.
 */
public class PolicySnapshot {

    private static final int MAGIC = 0x524c5053; // "RLPS"
    private static final int FORMAT = 1;

    /** Increases with every published policy; 0 is reserved for "no policy yet". */
    public long version;

    /** Length of the encoded state the network expects. */
    public int stateSize;

    /** Number of actions (network outputs), in catalogue order. */
    public int actionCount;

    public int hiddenLayers;
    public int hiddenUnits;

    /** Learner updates behind this policy. */
    public long updates;

    /** Network parameters, float32 little-endian, in DL4J's flattened order. */
    public byte[] params;

    public PolicySnapshot() {}

    /** Serialized form for the {@code policy} topic (keyed by job, compacted). */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(params.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(version);
            out.writeInt(stateSize);
            out.writeInt(actionCount);
            out.writeInt(hiddenLayers);
            out.writeInt(hiddenUnits);
            out.writeLong(updates);
            out.writeInt(params.length);
            out.write(params);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not a policy snapshot
     */
    public static PolicySnapshot fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a policy snapshot");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown policy snapshot format " + format);
            }
            PolicySnapshot p = new PolicySnapshot();
            p.version = in.readLong();
            p.stateSize = in.readInt();
            p.actionCount = in.readInt();
            p.hiddenLayers = in.readInt();
            p.hiddenUnits = in.readInt();
            p.updates = in.readLong();
            int n = in.readInt();
            if (n < 0 || n > bytes.length) {
                throw new IllegalArgumentException("corrupt policy snapshot");
            }
            p.params = new byte[n];
            in.readFully(p.params);
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt policy snapshot: " + e.getMessage(), e);
        }
    }

    static byte[] floatsToBytes(float[] f) {
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        return b.array();
    }

    static float[] bytesToFloats(byte[] bytes) {
        if (bytes.length % 4 != 0) {
            throw new IllegalArgumentException("parameter bytes are not float32");
        }
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    @Override
    public String toString() {
        return "PolicySnapshot(v"
                + version
                + ", "
                + stateSize
                + " -> "
                + actionCount
                + ", "
                + updates
                + " updates)";
    }
}
