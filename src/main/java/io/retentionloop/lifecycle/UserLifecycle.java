package io.retentionloop.lifecycle;

import io.retentionloop.events.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a user is: the lifecycle state machine. Applies events to a {@link UserProfile} and closes
 * windows into {@link WindowSnapshot}s. Plain Java, shared by the streaming operator and by offline
 * replay of history, so training and serving see the same features.
 */
public final class UserLifecycle {
    static final long DAY_MS = 86_400_000L;

    private final LifecycleRules rules;

    public UserLifecycle(LifecycleRules rules) {
        this.rules = rules;
    }

    public LifecycleRules rules() {
        return rules;
    }

    /**
     * A profile for a user first seen at {@code firstSeen}, filling the window that ends at {@code
     * openWindowEnd}.
     */
    public UserProfile newProfile(long firstSeen, long openWindowEnd) {
        UserProfile p = new UserProfile();
        p.firstSeen = firstSeen;
        p.lastEventTime = firstSeen;
        p.openWindowEnd = openWindowEnd;
        p.stage = LifecycleStage.NEW;
        p.stageSince = firstSeen;
        return p;
    }

    /**
     * Applies one event. The caller holds back events at or after {@code openWindowEnd} until that
     * window is closed; earlier (late but allowed) events count in the open window.
     */
    public void apply(UserProfile p, Event e) {
        if (e.eventTime >= p.openWindowEnd) {
            throw new IllegalArgumentException(
                    "event at "
                            + e.eventTime
                            + " is not before the open window end "
                            + p.openWindowEnd);
        }
        p.firstSeen = Math.min(p.firstSeen, e.eventTime);
        p.lastEventTime = Math.max(p.lastEventTime, e.eventTime);
        switch (e.type) {
            case VIEW:
                p.views++;
                p.windowViews++;
                break;
            case CART:
                p.carts++;
                p.windowCarts++;
                break;
            case SESSION:
                p.sessions++;
                p.windowSessions++;
                break;
            case PURCHASE:
                applyPurchase(p, e);
                break;
            case REFUND:
                p.refunds++;
                p.refundAmount += e.amount;
                p.windowSpend -= e.amount;
                break;
            default:
                throw new IllegalStateException("unhandled event type " + e.type);
        }
    }

    private static void applyPurchase(UserProfile p, Event e) {
        p.purchases++;
        p.spend += e.amount;
        p.windowPurchases++;
        p.windowSpend += e.amount;
        if (p.firstPurchaseTime < 0 || e.eventTime < p.firstPurchaseTime) {
            p.firstPurchaseTime = e.eventTime;
        }
        p.lastPurchaseTime = Math.max(p.lastPurchaseTime, e.eventTime);
        if (rememberPurchaseDay(p, Math.floorDiv(e.eventTime, DAY_MS) + 1)) {
            p.purchaseDays++;
        }
    }

    /** Returns true when {@code day} (epoch day + 1, so never 0) was not yet counted. */
    private static boolean rememberPurchaseDay(UserProfile p, long day) {
        int oldest = 0;
        for (int i = 0; i < p.recentPurchaseDays.length; i++) {
            long d = p.recentPurchaseDays[i];
            if (d == day) {
                return false;
            }
            if (d < p.recentPurchaseDays[oldest]) {
                oldest = i;
            }
        }
        // replace an empty slot or the oldest remembered day
        p.recentPurchaseDays[oldest] = day;
        return true;
    }

    /**
     * Closes the open window: decides the stage, computes the features as of the window end, rolls
     * the window history and opens the next window.
     */
    public WindowSnapshot closeWindow(UserProfile p, String userId) {
        long end = p.openWindowEnd;
        LifecycleStage previous = p.stage;
        LifecycleStage next = stageAt(p, end);
        if (next != previous) {
            p.stage = next;
            p.stageSince = end;
        }
        WindowSnapshot s =
                new WindowSnapshot(
                        userId,
                        end - rules.windowMillis(),
                        end,
                        next,
                        previous,
                        Features.compute(p, end));
        s.sessions = p.sessions;
        s.views = p.views;
        s.carts = p.carts;
        roll(p);
        p.openWindowEnd = end + rules.windowMillis();
        return s;
    }

    /** What happened to a user at a window end. */
    public record WindowEnd(
            /** The profile from now on; null when the user was forgotten. */
            UserProfile profile,
            /** The snapshot to emit; null when the user expired. */
            WindowSnapshot snapshot,
            /** Held events that belong to a window still later. */
            List<Event> stillHeld,
            boolean expired) {}

    /**
     * The end of the user's open window: either the user has been silent too long and expires, or
     * the window closes into a snapshot. Then the events held back for later windows that now fall
     * in the open window are applied. When an expired user already has later events, they start
     * over as a new user, exactly as if those events had arrived after this moment, so the outcome
     * never depends on how fast events arrived.
     *
     * @param held events at or after the open window end, in event-time order
     */
    public WindowEnd endWindow(UserProfile p, String userId, List<Event> held) {
        WindowSnapshot snapshot = null;
        boolean expired = expired(p, p.openWindowEnd);
        if (expired) {
            if (held.isEmpty()) {
                return new WindowEnd(null, null, List.of(), true);
            }
            Event first = held.get(0);
            p = newProfile(first.eventTime, rules.windowEndFor(userId, first.eventTime));
        } else {
            snapshot = closeWindow(p, userId);
        }
        List<Event> stillHeld = new ArrayList<>();
        for (Event e : held) {
            if (e.eventTime < p.openWindowEnd) {
                apply(p, e);
            } else {
                stillHeld.add(e);
            }
        }
        return new WindowEnd(p, snapshot, stillHeld, expired);
    }

    /**
     * Replays one user's history (in event-time order) the way the streaming operator sees it,
     * handing every snapshot with a window end at or before {@code until} to {@code out}.
     */
    public void replay(
            String userId, List<Event> events, long until, Consumer<WindowSnapshot> out) {
        UserProfile p = null;
        for (Event e : events) {
            while (p != null && e.eventTime >= p.openWindowEnd && p.openWindowEnd <= until) {
                p = endAndEmit(p, userId, out);
            }
            if (e.eventTime >= until) {
                break;
            }
            if (p == null) {
                p = newProfile(e.eventTime, rules.windowEndFor(userId, e.eventTime));
            }
            if (e.eventTime >= p.openWindowEnd) {
                break; // the open window ends after until
            }
            apply(p, e);
        }
        while (p != null && p.openWindowEnd <= until) {
            p = endAndEmit(p, userId, out);
        }
    }

    private UserProfile endAndEmit(UserProfile p, String userId, Consumer<WindowSnapshot> out) {
        WindowEnd end = endWindow(p, userId, List.of());
        if (end.snapshot() != null) {
            out.accept(end.snapshot());
        }
        return end.profile();
    }

    /** The stage rules; see {@link LifecycleStage}. */
    LifecycleStage stageAt(UserProfile p, long windowEnd) {
        long windowStart = windowEnd - rules.windowMillis();
        if (p.windowsClosed == 0 && p.firstSeen >= windowStart) {
            return LifecycleStage.NEW;
        }
        long since = p.lastPurchaseTime >= 0 ? p.lastPurchaseTime : p.firstSeen;
        long recency = windowEnd - since;
        if (recency > rules.lapsedAfter().toMillis()) {
            return LifecycleStage.LAPSED;
        }
        if (recency > rules.atRiskAfter().toMillis()) {
            return LifecycleStage.AT_RISK;
        }
        boolean purchasedThisWindow = p.windowPurchases > 0;
        if (p.stage == LifecycleStage.LAPSED && purchasedThisWindow) {
            return LifecycleStage.REACTIVATED;
        }
        return LifecycleStage.ACTIVE;
    }

    /** Whether the user has been silent long enough to be forgotten at {@code windowEnd}. */
    public boolean expired(UserProfile p, long windowEnd) {
        return windowEnd - p.lastEventTime > rules.expireAfter().toMillis();
    }

    private static void roll(UserProfile p) {
        shift(p.historyPurchases, p.windowPurchases);
        shift(p.historySpend, p.windowSpend);
        shift(p.historyViews, p.windowViews);
        shift(p.historySessions, p.windowSessions);
        p.windowPurchases = 0;
        p.windowSpend = 0;
        p.windowViews = 0;
        p.windowCarts = 0;
        p.windowSessions = 0;
        p.windowsClosed++;
    }

    private static void shift(int[] history, int newest) {
        System.arraycopy(history, 0, history, 1, history.length - 1);
        history[0] = newest;
    }

    private static void shift(double[] history, double newest) {
        System.arraycopy(history, 0, history, 1, history.length - 1);
        history[0] = newest;
    }
}
