package io.retentionloop.learner;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * A ring of the most recent transitions in flat float arrays (the network computes in float, so
 * nothing is lost), sampled uniformly with replacement. Its whole content goes into the learner's
 * checkpoint; RL4J's {@code ExpReplay} keeps its queue and generator private, so it cannot.
 *
 * <p>The arrays grow with the content (doubling, up to the capacity) instead of being allocated for
 * the capacity at once: a buffer sized for a large shop costs a small one, or a job that has just
 * started, only what it holds.
 */
final class ReplayBuffer {

    /** Rows allocated at first; the arrays double from here as transitions arrive. */
    static final int INITIAL_ROWS = 4096;

    private final int capacity;
    private final int stateSize;
    private int rows;
    private float[] states;
    private float[] nextStates;
    private int[] actions;
    private double[] rewards;
    private boolean[] done;
    private int[] nextMasks;
    private int size;
    private int next;

    ReplayBuffer(int capacity, int stateSize) {
        this(capacity, stateSize, Math.min(capacity, INITIAL_ROWS));
    }

    private ReplayBuffer(int capacity, int stateSize, int rows) {
        if (capacity < 1 || stateSize < 1) {
            throw new IllegalArgumentException(
                    "replay capacity and state size must be >= 1, were "
                            + capacity
                            + " and "
                            + stateSize);
        }
        if ((long) capacity * stateSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "a replay buffer of "
                            + capacity
                            + " transitions of "
                            + stateSize
                            + " values does not fit in one array; lower learner.replay-capacity");
        }
        this.capacity = capacity;
        this.stateSize = stateSize;
        this.rows = rows;
        this.states = new float[rows * stateSize];
        this.nextStates = new float[rows * stateSize];
        this.actions = new int[rows];
        this.rewards = new double[rows];
        this.done = new boolean[rows];
        this.nextMasks = new int[rows];
    }

    /** Makes room for row {@code row} (rows are written in order until the ring is full). */
    private void ensureRow(int row) {
        if (row < rows) {
            return;
        }
        int grown = (int) Math.min(capacity, Math.max(row + 1L, 2L * rows));
        states = Arrays.copyOf(states, grown * stateSize);
        nextStates = Arrays.copyOf(nextStates, grown * stateSize);
        actions = Arrays.copyOf(actions, grown);
        rewards = Arrays.copyOf(rewards, grown);
        done = Arrays.copyOf(done, grown);
        nextMasks = Arrays.copyOf(nextMasks, grown);
        rows = grown;
    }

    /** Transitions the arrays have room for now (at most the capacity). */
    int allocatedRows() {
        return rows;
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
        ensureRow(next);
        write(next, state, action, reward, nextState, terminal, nextMask);
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** Overwrites occupied slot {@code slot} (reservoir sampling); the ring's order is kept. */
    void set(
            int slot,
            double[] state,
            int action,
            double reward,
            double[] nextState,
            boolean terminal,
            int nextMask) {
        if (slot < 0 || slot >= size) {
            throw new IndexOutOfBoundsException("slot " + slot + " of " + size);
        }
        write(slot, state, action, reward, nextState, terminal, nextMask);
    }

    private void write(
            int slot,
            double[] state,
            int action,
            double reward,
            double[] nextState,
            boolean terminal,
            int nextMask) {
        int base = slot * stateSize;
        for (int i = 0; i < stateSize; i++) {
            states[base + i] = (float) state[i];
            nextStates[base + i] = nextState == null ? 0f : (float) nextState[i];
        }
        actions[slot] = action;
        rewards[slot] = reward;
        done[slot] = terminal;
        nextMasks[slot] = nextMask;
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
        int size = in.readInt();
        int next = in.readInt();
        if (capacity < 1 || size < 0 || size > capacity || next < 0 || next >= capacity) {
            throw new IOException("corrupt replay buffer header");
        }
        ReplayBuffer r =
                new ReplayBuffer(
                        capacity, stateSize, Math.max(size, Math.min(capacity, INITIAL_ROWS)));
        r.size = size;
        r.next = next;
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
