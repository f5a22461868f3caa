package io.retentionloop.agent;

import io.retentionloop.encoding.Codec;
import io.retentionloop.encoding.Fields;
import io.retentionloop.encoding.VarInts;
import io.retentionloop.events.Event;
import io.retentionloop.lifecycle.UserStateCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The byte layout of an {@link AgentUserState} in keyed state: part of the savepoint format. A
 * pending decision keeps what maturing needs (ids, window end, action, propensity, policy version,
 * control group and expected spend, the shaping baseline): the whole decision is on the decisions
 * topic already. Every kept field is exact except the encoded state vectors, kept as 32-bit floats:
 * they only ever feed the networks, which compute in float (the replay buffer holds them so too).
 * The user id is written once, decision ids that follow {@link Decision#idOf} are not written at
 * all, a next state that is the next decision's state is a reference, counts are variable-length. A
 * leading version byte lets a later release read this one; reading validates counts and codes.
 */
public final class AgentStateCodec implements Codec<AgentUserState> {
    private static final long serialVersionUID = 1L;
    public static final AgentStateCodec INSTANCE = new AgentStateCodec();

    /** The layout written now. */
    public static final int VERSION = 1;

    /** More pending decisions than one user can have (one per window within the horizon). */
    private static final int MAX_ENTRIES = 1 << 16;

    private AgentStateCodec() {}

    @Override
    public void write(AgentUserState u, DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(u.lastDecisionWindow);
        String user = userOf(u);
        Fields.writeString(out, user);
        out.writeBoolean(u.history != null);
        if (u.history != null) {
            writeHistory(u.history, out);
        }
        VarInts.writeUnsigned(out, u.pending.size());
        for (PendingDecision p : u.pending) {
            writePending(p, out, u.pending, user);
        }
        VarInts.writeUnsigned(out, u.lookahead.size());
        for (Event e : u.lookahead) {
            out.writeUTF(e.eventId);
            writeUser(out, e.userId, user);
            out.writeByte(UserStateCodec.typeCode(e.type));
            out.writeLong(e.eventTime);
            out.writeDouble(e.amount);
        }
    }

    @Override
    public AgentUserState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown agent state layout " + version);
        }
        AgentUserState u = new AgentUserState();
        u.lastDecisionWindow = in.readLong();
        String user = Fields.readString(in);
        if (in.readBoolean()) {
            u.history = readHistory(in);
        }
        int pending = VarInts.readCount(in, MAX_ENTRIES);
        u.pending = new ArrayList<>(Math.max(2, pending));
        int[] nextIsStateOf = new int[pending];
        for (int i = 0; i < pending; i++) {
            u.pending.add(readPending(in, i, nextIsStateOf, user));
        }
        for (int i = 0; i < pending; i++) {
            if (nextIsStateOf[i] >= 0) {
                double[] next = u.pending.get(nextIsStateOf[i]).state;
                if (next == null) {
                    throw new IOException("next-state reference to a decision without a state");
                }
                u.pending.get(i).nextState = next.clone();
            }
        }
        // as many as were held (no bound: a damaged count runs out of input, never of memory)
        int held = VarInts.readCount(in, Integer.MAX_VALUE);
        List<Event> lookahead = new ArrayList<>(Math.min(held, 64));
        for (int i = 0; i < held; i++) {
            String id = in.readUTF();
            lookahead.add(
                    new Event(
                            id,
                            readUser(in, user),
                            UserStateCodec.type(in.readUnsignedByte()),
                            in.readLong(),
                            in.readDouble()));
        }
        u.lookahead = lookahead;
        return u;
    }

    /**
     * {@code state} rounded to the precision state keeps it in (float), in place: the agent rounds
     * a state once when it decides, so a decision's transition is the same whether or not its state
     * went through a checkpoint, on any state backend.
     */
    public static double[] atStatePrecision(double[] state) {
        for (int i = 0; i < state.length; i++) {
            state[i] = (float) state[i];
        }
        return state;
    }

    /** The user the state belongs to (every decision and event in it is theirs). */
    private static String userOf(AgentUserState u) {
        for (PendingDecision p : u.pending) {
            if (p.decision.userId != null) {
                return p.decision.userId;
            }
        }
        return u.lookahead.isEmpty() ? null : u.lookahead.get(0).userId;
    }

    private static void writeUser(DataOutput out, String userId, String user) throws IOException {
        boolean same = userId != null && userId.equals(user);
        out.writeBoolean(same);
        if (!same) {
            Fields.writeString(out, userId);
        }
    }

    private static String readUser(DataInput in, String user) throws IOException {
        return in.readBoolean() ? user : Fields.readString(in);
    }

    private static void writeHistory(InterventionHistory h, DataOutput out) throws IOException {
        Fields.writeStrings(out, h.actionIds);
        Fields.writeTimes(out, h.lastSentAt);
        Fields.writeInts(out, h.sends);
        Fields.writeTimes(out, h.recentTimes);
        Fields.writeInts(out, h.recentActions);
        VarInts.writeUnsigned(out, h.recentNext);
        VarInts.writeUnsigned(out, h.recentCount);
        out.writeDouble(h.totalCost);
        Fields.writeInts(out, h.responseWindows);
        Fields.writeDoubles(out, h.responsePurchases);
    }

    private static InterventionHistory readHistory(DataInput in) throws IOException {
        InterventionHistory h = new InterventionHistory();
        h.actionIds = Fields.readStrings(in);
        h.lastSentAt = Fields.readTimes(in);
        h.sends = Fields.readInts(in);
        h.recentTimes = Fields.readTimes(in);
        h.recentActions = Fields.readInts(in);
        h.recentNext = VarInts.readCount(in, InterventionHistory.RECENT_CAPACITY);
        h.recentCount = VarInts.readCount(in, InterventionHistory.RECENT_CAPACITY);
        h.totalCost = in.readDouble();
        h.responseWindows = Fields.readInts(in);
        h.responsePurchases = Fields.readDoubles(in);
        return h;
    }

    /**
     * A decision's next state is the state of the user's next decision, usually still pending too:
     * then it is written as that decision's index instead of a second copy of the vector.
     */
    private static void writePending(
            PendingDecision p, DataOutput out, List<PendingDecision> all, String user)
            throws IOException {
        Decision d = p.decision;
        writeUser(out, d.userId, user);
        out.writeLong(d.windowEnd);
        boolean derived =
                d.decisionId != null && d.decisionId.equals(Decision.idOf(d.userId, d.windowEnd));
        out.writeBoolean(derived);
        if (!derived) {
            Fields.writeString(out, d.decisionId);
        }
        Fields.writeString(out, d.actionId);
        VarInts.writeUnsigned(out, d.actionIndex);
        out.writeDouble(d.propensity);
        VarInts.writeSigned(out, d.policyVersion);
        out.writeBoolean(d.controlGroup);
        out.writeDouble(d.expectedSpend);

        Fields.writeFloats(out, p.state);
        int same = -1;
        for (int j = 0; j < all.size() && same < 0 && p.nextState != null; j++) {
            if (all.get(j) != p && Arrays.equals(all.get(j).state, p.nextState)) {
                same = j;
            }
        }
        VarInts.writeSigned(out, same);
        if (same < 0) {
            Fields.writeFloats(out, p.nextState);
        }
        Fields.writeBooleans(out, p.nextAllowed);
        out.writeLong(p.maturesAt);
        out.writeDouble(p.revenue);
        out.writeDouble(p.refunds);
        VarInts.writeUnsigned(out, p.purchases);
        out.writeDouble(p.fixedCost);
        out.writeDouble(p.revenueShare);
        out.writeLong(p.shareFrom);
        out.writeLong(p.shareUntil);
        out.writeDouble(p.shareRevenue);
        out.writeDouble(p.shareRefunds);
        Fields.writeString(out, p.carriedAction);
        out.writeDouble(p.baseline);
        out.writeDouble(p.nextBaseline);
    }

    private static PendingDecision readPending(
            DataInput in, int index, int[] nextIsStateOf, String user) throws IOException {
        Decision d = new Decision();
        d.userId = readUser(in, user);
        d.windowEnd = in.readLong();
        d.decisionId =
                in.readBoolean() ? Decision.idOf(d.userId, d.windowEnd) : Fields.readString(in);
        d.actionId = Fields.readString(in);
        d.actionIndex = VarInts.readCount(in, Integer.MAX_VALUE);
        d.propensity = in.readDouble();
        d.policyVersion = VarInts.readSigned(in);
        d.controlGroup = in.readBoolean();
        d.expectedSpend = in.readDouble();

        PendingDecision p = new PendingDecision();
        p.decision = d;
        p.state = Fields.readFloats(in);
        long same = VarInts.readSigned(in);
        if (same < -1 || same >= nextIsStateOf.length || same == index) {
            throw new IOException("bad next-state reference " + same);
        }
        nextIsStateOf[index] = (int) same;
        if (same < 0) {
            p.nextState = Fields.readFloats(in);
        }
        p.nextAllowed = Fields.readBooleans(in);
        p.maturesAt = in.readLong();
        p.revenue = in.readDouble();
        p.refunds = in.readDouble();
        p.purchases = VarInts.readCount(in, Integer.MAX_VALUE);
        p.fixedCost = in.readDouble();
        p.revenueShare = in.readDouble();
        p.shareFrom = in.readLong();
        p.shareUntil = in.readLong();
        p.shareRevenue = in.readDouble();
        p.shareRefunds = in.readDouble();
        p.carriedAction = Fields.readString(in);
        p.baseline = in.readDouble();
        p.nextBaseline = in.readDouble();
        return p;
    }
}
