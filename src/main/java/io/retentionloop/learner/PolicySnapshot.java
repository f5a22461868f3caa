package io.retentionloop.learner;

import io.retentionloop.security.Signer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A published policy: the online Q-network's parameters and what is needed to rebuild it. The
 * learner exports it, the {@code policy} topic carries it signed ({@link #toBytes(Signer)}), the
 * agent keeps the current one in broadcast state (a Flink POJO) and turns it into a {@link
 * PolicyNetwork}.
 */
public class PolicySnapshot {

    private static final int MAGIC = 0x524c5053; // "RLPS"

    /** Format 1 was unsigned; 2 ends with an HMAC-SHA256 of everything before it. */
    private static final int FORMAT = 2;

    /** Bounds on a network's shape, far above any real one: a snapshot beyond them is rejected. */
    public static final int MAX_HIDDEN_LAYERS = 16;

    public static final int MAX_HIDDEN_UNITS = 16_384;
    public static final int MAX_SIZE = 65_536;

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

    /**
     * Serialized form for the {@code policy} topic (keyed by job, compacted), signed with {@code
     * signer}: the agent acts only on snapshots whose signature verifies under the job's key.
     */
    public byte[] toBytes(Signer signer) {
        byte[] body = body();
        byte[] signed = java.util.Arrays.copyOf(body, body.length + Signer.LENGTH);
        System.arraycopy(signer.sign(body), 0, signed, body.length, Signer.LENGTH);
        return signed;
    }

    private byte[] body() {
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
     * Reads {@link #toBytes(Signer)}, checking the signature before anything else and the shape
     * after.
     *
     * @throws IllegalArgumentException naming why, if the bytes are not a policy snapshot signed
     *     with {@code signer}'s key or describe no usable network
     */
    public static PolicySnapshot fromBytes(byte[] bytes, Signer signer) {
        if (bytes.length < 8 + Signer.LENGTH) {
            throw new IllegalArgumentException(
                    "not a policy snapshot (" + bytes.length + " bytes)");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, 8);
        if (header.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a policy snapshot");
        }
        int format = header.getInt();
        if (format != FORMAT) {
            throw new IllegalArgumentException(
                    "unsigned or unknown policy snapshot format " + format);
        }
        int bodyLength = bytes.length - Signer.LENGTH;
        if (!signer.verify(
                bytes,
                0,
                bodyLength,
                java.util.Arrays.copyOfRange(bytes, bodyLength, bytes.length))) {
            throw new IllegalArgumentException(
                    signer.hasKey()
                            ? "signature does not verify under security.signing-key"
                            : "no signing key to verify it with");
        }
        PolicySnapshot p = parseBody(java.util.Arrays.copyOf(bytes, bodyLength));
        p.validate();
        return p;
    }

    private static PolicySnapshot parseBody(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            in.readInt(); // magic
            in.readInt(); // format
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
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after the parameters");
            }
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt policy snapshot: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that this snapshot describes a network the agent can build: sizes within bounds,
     * parameters a whole number of float32 values, every one finite.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public void validate() {
        if (version <= 0) {
            throw new IllegalArgumentException("version " + version + " is not positive");
        }
        if (stateSize < 1 || stateSize > MAX_SIZE || actionCount < 1 || actionCount > MAX_SIZE) {
            throw new IllegalArgumentException(
                    "shape " + stateSize + " -> " + actionCount + " out of bounds");
        }
        if (hiddenLayers < 1
                || hiddenLayers > MAX_HIDDEN_LAYERS
                || hiddenUnits < 1
                || hiddenUnits > MAX_HIDDEN_UNITS) {
            throw new IllegalArgumentException(
                    hiddenLayers + " hidden layers of " + hiddenUnits + " units out of bounds");
        }
        long expected =
                (long) stateSize * hiddenUnits
                        + hiddenUnits
                        + (long) (hiddenLayers - 1)
                                * ((long) hiddenUnits * hiddenUnits + hiddenUnits)
                        + (long) hiddenUnits * actionCount
                        + actionCount;
        if (params == null || params.length != expected * 4) {
            throw new IllegalArgumentException(
                    (params == null ? 0 : params.length / 4)
                            + " parameters for a network of "
                            + expected);
        }
        FloatBuffer f = ByteBuffer.wrap(params).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < f.limit(); i++) {
            if (!Float.isFinite(f.get(i))) {
                throw new IllegalArgumentException("parameter " + i + " is not finite");
            }
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
