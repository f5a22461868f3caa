package io.retentionloop.learner;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A ring of the most recent transitions in flat float arrays (the network computes in float, so
 * nothing is lost), sampled uniformly with replacement. Its whole content goes into the learner's
 * checkpoint; RL4J's {@code ExpReplay} keeps its queue and generator private, so it cannot.
 */
final class ReplayBuffer {
    private final int capacity;
    private final int stateSize;
    private final float[] states;
    private final float[] nextStates;
    private final int[] actions;
    private final double[] rewards;
    private final boolean[] done;
    private final int[] nextMasks;
    private int size;
    private int next;

    ReplayBuffer(int capacity, int stateSize) {
        this.capacity = capacity;
        this.stateSize = stateSize;
        this.states = new float[capacity * stateSize];
        this.nextStates = new float[capacity * stateSize];
        this.actions = new int[capacity];
        this.rewards = new double[capacity];
        this.done = new boolean[capacity];
        this.nextMasks = new int[capacity];
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Stores a transition; {@code nextMask} is the bit set of actions allowed at s' (0: all, or
     * unknown).
     */
    void add(
            double[] state,
            int action,
            double reward,
            double[] nextState,
            boolean terminal,
            int nextMask) {
        int base = next * stateSize;
        for (int i = 0; i < stateSize; i++) {
            states[base + i] = (float) state[i];
            nextStates[base + i] = nextState == null ? 0f : (float) nextState[i];
        }
        actions[next] = action;
        rewards[next] = reward;
        done[next] = terminal;
        nextMasks[next] = nextMask;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** Copies slot {@code slot}'s states into row {@code row} of the batch arrays. */
    void copyStates(int slot, float[] batchStates, float[] batchNext, int row) {
        System.arraycopy(states, slot * stateSize, batchStates, row * stateSize, stateSize);
        System.arraycopy(nextStates, slot * stateSize, batchNext, row * stateSize, stateSize);
    }

    int action(int slot) {
        return actions[slot];
    }

    double reward(int slot) {
        return rewards[slot];
    }

    boolean done(int slot) {
        return done[slot];
    }

    /** The actions allowed at the slot's next state as a bit set; 0 when all (or unknown). */
    int nextMask(int slot) {
        return nextMasks[slot];
    }

    /** Bytes {@link #write} produces for the current content. */
    long serializedSize() {
        return 16 + (long) size * (2L * stateSize * 4 + 4 + 8 + 1 + 4);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(capacity);
        out.writeInt(stateSize);
        out.writeInt(size);
        out.writeInt(next);
        Bytes.writeFloats(out, states, 0, size * stateSize);
        Bytes.writeFloats(out, nextStates, 0, size * stateSize);
        for (int i = 0; i < size; i++) {
            out.writeInt(actions[i]);
            out.writeDouble(rewards[i]);
            out.writeBoolean(done[i]);
        }
        for (int i = 0; i < size; i++) {
            out.writeInt(nextMasks[i]);
        }
    }

    /**
     * Reads what {@link #write} wrote; {@code withMasks} false reads the layout before next-state
     * masks existed (every action counts as allowed at s').
     */
    static ReplayBuffer read(DataInputStream in, int expectedStateSize, boolean withMasks)
            throws IOException {
        int capacity = in.readInt();
        int stateSize = in.readInt();
        if (stateSize != expectedStateSize) {
            throw new IOException(
                    "replay holds states of " + stateSize + ", expected " + expectedStateSize);
        }
        ReplayBuffer r = new ReplayBuffer(capacity, stateSize);
        r.size = in.readInt();
        r.next = in.readInt();
        if (r.size < 0 || r.size > capacity || r.next < 0 || r.next >= capacity) {
            throw new IOException("corrupt replay buffer header");
        }
        Bytes.readFloats(in, r.states, r.size * stateSize);
        Bytes.readFloats(in, r.nextStates, r.size * stateSize);
        for (int i = 0; i < r.size; i++) {
            r.actions[i] = in.readInt();
            r.rewards[i] = in.readDouble();
            r.done[i] = in.readBoolean();
        }
        if (withMasks) {
            for (int i = 0; i < r.size; i++) {
                r.nextMasks[i] = in.readInt();
            }
        }
        return r;
    }
}
