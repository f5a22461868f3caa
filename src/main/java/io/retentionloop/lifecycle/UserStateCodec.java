package io.retentionloop.lifecycle;

import io.retentionloop.encoding.Codec;
import io.retentionloop.encoding.VarInts;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layout of a {@link UserState} in keyed state: part of the savepoint format. Times are
 * exact epoch milliseconds; counts are variable-length; only the purchase days remembered are
 * written; event ids are 8-byte fingerprints with their time as a distance from the open window
 * end. A leading version byte lets a later release read this one. Reading validates every count and
 * code, so a damaged state fails with a clear error rather than a huge allocation.
 */
public final class UserStateCodec implements Codec<UserState> {
    private static final long serialVersionUID = 1L;
    public static final UserStateCodec INSTANCE = new UserStateCodec();

    /** The layout written now. */
    public static final int VERSION = 1;

    /** Codes of the stages and event types in this format: append, never reorder. */
    private static final LifecycleStage[] STAGES = {
        LifecycleStage.NEW,
        LifecycleStage.ACTIVE,
        LifecycleStage.AT_RISK,
        LifecycleStage.LAPSED,
        LifecycleStage.REACTIVATED
    };

    private static final EventType[] TYPES = {
        EventType.VIEW, EventType.CART, EventType.PURCHASE, EventType.REFUND, EventType.SESSION
    };

    private UserStateCodec() {}

    @Override
    public void write(UserState u, DataOutput out) throws IOException {
        out.writeByte(VERSION);
        UserProfile p = u.profile;
        out.writeLong(p.openWindowEnd);
        out.writeLong(p.firstSeen);
        out.writeLong(p.lastEventTime);
        out.writeLong(p.firstPurchaseTime);
        out.writeLong(p.lastPurchaseTime);
        out.writeLong(p.stageSince);
        out.writeByte(code(STAGES, p.stage));
        VarInts.writeUnsigned(out, p.windowsClosed);
        VarInts.writeUnsigned(out, p.purchaseDays);
        VarInts.writeUnsigned(out, p.purchases);
        out.writeDouble(p.spend);
        VarInts.writeUnsigned(out, p.refunds);
        out.writeDouble(p.refundAmount);
        VarInts.writeUnsigned(out, p.views);
        VarInts.writeUnsigned(out, p.carts);
        VarInts.writeUnsigned(out, p.sessions);
        VarInts.writeUnsigned(out, p.windowPurchases);
        out.writeDouble(p.windowSpend);
        VarInts.writeUnsigned(out, p.windowViews);
        VarInts.writeUnsigned(out, p.windowCarts);
        VarInts.writeUnsigned(out, p.windowSessions);
        for (int i = 0; i < UserProfile.HISTORY; i++) {
            VarInts.writeUnsigned(out, p.historyPurchases[i]);
            out.writeDouble(p.historySpend[i]);
            VarInts.writeUnsigned(out, p.historyViews[i]);
            VarInts.writeUnsigned(out, p.historySessions[i]);
        }
        int days = 0;
        for (long d : p.recentPurchaseDays) {
            days += d != 0 ? 1 : 0;
        }
        out.writeByte(days);
        for (long d : p.recentPurchaseDays) {
            if (d != 0) {
                VarInts.writeUnsigned(out, d);
            }
        }
        VarInts.writeUnsigned(out, u.seen);
        for (int i = 0; i < u.seen; i++) {
            out.writeLong(u.seenIds[i]);
            VarInts.writeSigned(out, p.openWindowEnd - u.seenTimes[i]);
        }
        VarInts.writeUnsigned(out, u.held.size());
        for (Event e : u.held) {
            out.writeUTF(e.eventId);
            out.writeUTF(e.userId);
            out.writeByte(code(TYPES, e.type));
            out.writeLong(e.eventTime);
            out.writeDouble(e.amount);
        }
    }

    @Override
    public UserState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown user state layout " + version);
        }
        UserProfile p = new UserProfile();
        p.openWindowEnd = in.readLong();
        p.firstSeen = in.readLong();
        p.lastEventTime = in.readLong();
        p.firstPurchaseTime = in.readLong();
        p.lastPurchaseTime = in.readLong();
        p.stageSince = in.readLong();
        p.stage = decode(STAGES, in.readUnsignedByte(), "stage");
        p.windowsClosed = count(in);
        p.purchaseDays = count(in);
        p.purchases = count(in);
        p.spend = in.readDouble();
        p.refunds = count(in);
        p.refundAmount = in.readDouble();
        p.views = VarInts.readUnsigned(in);
        p.carts = VarInts.readUnsigned(in);
        p.sessions = VarInts.readUnsigned(in);
        p.windowPurchases = count(in);
        p.windowSpend = in.readDouble();
        p.windowViews = count(in);
        p.windowCarts = count(in);
        p.windowSessions = count(in);
        for (int i = 0; i < UserProfile.HISTORY; i++) {
            p.historyPurchases[i] = count(in);
            p.historySpend[i] = in.readDouble();
            p.historyViews[i] = count(in);
            p.historySessions[i] = count(in);
        }
        int days = in.readUnsignedByte();
        if (days > UserProfile.RECENT_PURCHASE_DAYS) {
            throw new IOException(days + " purchase days > " + UserProfile.RECENT_PURCHASE_DAYS);
        }
        for (int i = 0; i < days; i++) {
            p.recentPurchaseDays[i] = VarInts.readUnsigned(in);
        }
        UserState u = new UserState(p);
        int seen = VarInts.readCount(in, UserState.MAX_SEEN);
        u.seenIds = new long[seen];
        u.seenTimes = new long[seen];
        for (int i = 0; i < seen; i++) {
            u.seenIds[i] = in.readLong();
            u.seenTimes[i] = p.openWindowEnd - VarInts.readSigned(in);
        }
        u.seen = seen;
        // as many as were held (no bound: a damaged count runs out of input, never of memory)
        int held = VarInts.readCount(in, Integer.MAX_VALUE);
        List<Event> events = new ArrayList<>(Math.min(held, 64));
        for (int i = 0; i < held; i++) {
            String id = in.readUTF();
            String user = in.readUTF();
            EventType type = decode(TYPES, in.readUnsignedByte(), "event type");
            events.add(new Event(id, user, type, in.readLong(), in.readDouble()));
        }
        u.held = events;
        return u;
    }

    /** The stage's code in the state formats. */
    public static int stageCode(LifecycleStage stage) {
        return code(STAGES, stage);
    }

    public static LifecycleStage stage(int code) throws IOException {
        return decode(STAGES, code, "stage");
    }

    /** The event type's code in the state formats. */
    public static int typeCode(EventType type) {
        return code(TYPES, type);
    }

    public static EventType type(int code) throws IOException {
        return decode(TYPES, code, "event type");
    }

    private static int count(DataInput in) throws IOException {
        return VarInts.readCount(in, Integer.MAX_VALUE);
    }

    private static <T> int code(T[] codes, T value) {
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("no code for " + value);
    }

    private static <T> T decode(T[] codes, int code, String what) throws IOException {
        if (code >= codes.length) {
            throw new IOException("unknown " + what + " code " + code);
        }
        return codes[code];
    }
}
