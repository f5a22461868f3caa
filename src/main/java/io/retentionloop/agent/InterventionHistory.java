package io.retentionloop.agent;

import io.retentionloop.lifecycle.Features;
import io.retentionloop.lifecycle.WindowSnapshot;
import java.util.Arrays;

/**
 * What has been sent to one user: per action the last send and the number of sends, the most recent
 * sends of any action (for the frequency cap and the state), and what they cost. Kept in keyed
 * state by the agent, so it is a Flink POJO (public fields, no collections). Per-action arrays are
 * aligned to {@link #actionIds}; when the catalogue changes they are re-aligned by id, so history
 * survives actions being added, removed or reordered. {@code none} is never recorded as a send.
 */
public class InterventionHistory {

    /** How many recent sends are remembered; the frequency cap's {@code max} cannot exceed it. */
    public static final int RECENT_CAPACITY = 16;

    /** {@link #lastSentAt} of an action never sent. */
    public static final long NEVER = Long.MIN_VALUE;

    /** The catalogue ids the per-action arrays are aligned to. */
    public String[] actionIds;

    /** Per action: event time of the last send, or {@link #NEVER}. */
    public long[] lastSentAt;

    /** Per action: number of sends ever. */
    public int[] sends;

    /** Ring of the last {@link #RECENT_CAPACITY} sends of any action: their times ... */
    public long[] recentTimes;

    /** ... and their action, as an index into {@link #actionIds} (-1 once that action is gone). */
    public int[] recentActions;

    /** Next slot of the ring to write. */
    public int recentNext;

    /** Filled slots of the ring. */
    public int recentCount;

    /** Cost of every send so far: fixed costs at the send, revenue shares as rewards mature. */
    public double totalCost;

    /**
     * Per action: closed windows during which that action's offer was in force (index 0, {@code
     * none}: windows with no offer in force); null until the first window is recorded.
     */
    public int[] responseWindows;

    /** Per action: the user's purchases in those windows. */
    public double[] responsePurchases;

    public InterventionHistory() {}

    /** An empty history for this catalogue. */
    public static InterventionHistory create(ActionCatalogue catalogue) {
        InterventionHistory h = new InterventionHistory();
        h.align(catalogue);
        return h;
    }

    /**
     * Records that {@code action} was sent at {@code at} and books its fixed cost. A {@code none}
     * is not a send and is ignored.
     */
    public void recordSend(ActionCatalogue catalogue, int action, long at) {
        ActionCatalogue.Action a = catalogue.get(action);
        if (a.isNone()) {
            return;
        }
        align(catalogue);
        lastSentAt[action] = lastSentAt[action] == NEVER ? at : Math.max(lastSentAt[action], at);
        sends[action]++;
        recentTimes[recentNext] = at;
        recentActions[recentNext] = action;
        recentNext = (recentNext + 1) % RECENT_CAPACITY;
        recentCount = Math.min(recentCount + 1, RECENT_CAPACITY);
        totalCost += a.fixedCost();
    }

    /**
     * Records a closed window snapshot's purchases, as {@link #recordWindow(ActionCatalogue, long,
     * long, double)}.
     */
    public void recordWindow(ActionCatalogue catalogue, WindowSnapshot w) {
        recordWindow(
                catalogue,
                w.windowEnd,
                w.windowEnd - w.windowStart,
                w.features[Features.WINDOW_PURCHASES]);
    }

    /**
     * Records a closed window {@code (end - window, end]} in which the user made {@code purchases}:
     * they are credited to the offer in force at the window's start (the latest send, if it was
     * sent at or before the start and its {@code valid_for}, or {@code window} when it has none,
     * reaches past it), or to {@code none}. This is how the user has responded to each action.
     */
    public void recordWindow(ActionCatalogue catalogue, long end, long window, double purchases) {
        align(catalogue);
        if (responseWindows == null || responseWindows.length != catalogue.size()) {
            responseWindows = new int[catalogue.size()];
            responsePurchases = new double[catalogue.size()];
        }
        long start = end - window;
        int offer = 0;
        int latest = latestSend(catalogue);
        if (latest > 0) {
            long at = lastSentAt(catalogue, latest);
            long valid = catalogue.get(latest).validFor().toMillis();
            if (at <= start && at + (valid == 0 ? window : valid) > start) {
                offer = latest;
            }
        }
        responseWindows[offer]++;
        responsePurchases[offer] += Double.isFinite(purchases) ? Math.max(0, purchases) : 0;
    }

    /** Windows recorded under {@code action}'s offer ({@code none}: no offer). */
    public int responseWindows(ActionCatalogue catalogue, int action) {
        int slot = slot(catalogue, action);
        return slot < 0 || responseWindows == null || slot >= responseWindows.length
                ? 0
                : responseWindows[slot];
    }

    /** Purchases in those windows. */
    public double responsePurchases(ActionCatalogue catalogue, int action) {
        int slot = slot(catalogue, action);
        return slot < 0 || responsePurchases == null || slot >= responsePurchases.length
                ? 0
                : responsePurchases[slot];
    }

    /** Books a cost known only later (the revenue share, when a reward matures). */
    public void addCost(double amount) {
        totalCost += amount;
    }

    /** When {@code action} was last sent, or {@link #NEVER}. */
    public long lastSentAt(ActionCatalogue catalogue, int action) {
        int slot = slot(catalogue, action);
        return slot < 0 ? NEVER : lastSentAt[slot];
    }

    /** The action sent last (the latest send of any action), or -1 when none was ever sent. */
    public int latestSend(ActionCatalogue catalogue) {
        int latest = -1;
        long latestAt = NEVER;
        for (int a = 1; a < catalogue.size(); a++) {
            long at = lastSentAt(catalogue, a);
            if (at != NEVER && (latest < 0 || at > latestAt)) {
                latest = a;
                latestAt = at;
            }
        }
        return latest;
    }

    /** How often {@code action} was ever sent. */
    public int sends(ActionCatalogue catalogue, int action) {
        int slot = slot(catalogue, action);
        return slot < 0 ? 0 : sends[slot];
    }

    /** Sends of any action with a time in {@code (from, to]}. */
    public int sendsWithin(long from, long to) {
        int n = 0;
        for (int i = 0; i < recentCount; i++) {
            if (recentTimes[i] > from && recentTimes[i] <= to) {
                n++;
            }
        }
        return n;
    }

    /** Sends of {@code action} with a time in {@code (from, to]}, among the remembered ones. */
    public int sendsWithin(ActionCatalogue catalogue, int action, long from, long to) {
        int slot = slot(catalogue, action);
        if (slot < 0) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < recentCount; i++) {
            if (recentActions[i] == slot && recentTimes[i] > from && recentTimes[i] <= to) {
                n++;
            }
        }
        return n;
    }

    /** Whether nothing was ever sent. */
    public boolean neverSent() {
        return recentCount == 0;
    }

    /** Makes the per-action arrays follow {@code catalogue}'s ids, keeping what is known by id. */
    public void align(ActionCatalogue catalogue) {
        if (actionIds == null) {
            int n = catalogue.size();
            actionIds = catalogue.ids();
            lastSentAt = new long[n];
            Arrays.fill(lastSentAt, NEVER);
            sends = new int[n];
            recentTimes = new long[RECENT_CAPACITY];
            recentActions = new int[RECENT_CAPACITY];
            return;
        }
        if (catalogue.sameIds(actionIds)) {
            return;
        }
        int n = catalogue.size();
        long[] last = new long[n];
        int[] count = new int[n];
        int[] newIndex = new int[actionIds.length];
        Arrays.fill(newIndex, -1);
        for (int i = 0; i < n; i++) {
            int old = indexIn(actionIds, catalogue.id(i));
            last[i] = old < 0 ? NEVER : lastSentAt[old];
            count[i] = old < 0 ? 0 : sends[old];
            if (old >= 0) {
                newIndex[old] = i;
            }
        }
        for (int i = 0; i < recentCount; i++) {
            recentActions[i] = recentActions[i] < 0 ? -1 : newIndex[recentActions[i]];
        }
        if (responseWindows != null) {
            int[] windows = new int[n];
            double[] purchases = new double[n];
            for (int old = 0; old < newIndex.length && old < responseWindows.length; old++) {
                if (newIndex[old] >= 0) {
                    windows[newIndex[old]] = responseWindows[old];
                    purchases[newIndex[old]] = responsePurchases[old];
                }
            }
            responseWindows = windows;
            responsePurchases = purchases;
        }
        actionIds = catalogue.ids();
        lastSentAt = last;
        sends = count;
    }

    private int slot(ActionCatalogue catalogue, int action) {
        if (actionIds == null) {
            return -1;
        }
        return catalogue.sameIds(actionIds) ? action : indexIn(actionIds, catalogue.id(action));
    }

    private static int indexIn(String[] ids, String id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].equals(id)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "InterventionHistory(ids="
                + Arrays.toString(actionIds)
                + ", last="
                + Arrays.toString(lastSentAt)
                + ", sends="
                + Arrays.toString(sends)
                + ", cost="
                + totalCost
                + ")";
    }
}
