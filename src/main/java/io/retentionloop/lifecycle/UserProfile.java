package io.retentionloop.lifecycle;

/**
 * Everything the job remembers about one user: lifetime totals, the window being filled, the last
 * {@link #HISTORY} closed windows, and the stage. Kept in keyed state (a Flink POJO: public fields,
 * no collections, so it never falls back to Kryo). Only {@link UserLifecycle} changes it.
 */
public class UserProfile {
    /** Closed windows kept for rolling features. */
    public static final int HISTORY = 4;

    /** Distinct purchase days remembered to count repeat days despite out-of-order events. */
    public static final int RECENT_PURCHASE_DAYS = 16;

    public long firstSeen;
    public long lastEventTime;

    /** -1 until the first purchase. */
    public long firstPurchaseTime = -1;

    public long lastPurchaseTime = -1;

    /** Number of distinct (UTC) days with a purchase. */
    public int purchaseDays;

    public int purchases;
    public double spend;
    public int refunds;
    public double refundAmount;
    public long views;
    public long carts;
    public long sessions;

    /** End (exclusive) of the window being filled. */
    public long openWindowEnd;

    public int windowPurchases;
    public double windowSpend;
    public int windowViews;
    public int windowCarts;
    public int windowSessions;

    /** Closed windows, index 0 the most recent. */
    public int[] historyPurchases = new int[HISTORY];

    public double[] historySpend = new double[HISTORY];
    public int[] historyViews = new int[HISTORY];
    public int[] historySessions = new int[HISTORY];

    public int windowsClosed;
    public LifecycleStage stage = LifecycleStage.NEW;
    public long stageSince;

    /** Recent distinct purchase days (epoch days), unordered, 0 = empty slot. */
    public long[] recentPurchaseDays = new long[RECENT_PURCHASE_DAYS];

    public UserProfile() {}
}
