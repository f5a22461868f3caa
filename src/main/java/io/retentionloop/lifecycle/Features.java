package io.retentionloop.lifecycle;

import java.util.List;

/**
 * The one place features are defined. The streaming operator and offline training both call {@link
 * #compute}, so a model never sees features at serving time that were computed differently from the
 * ones it was trained on. Bump {@link #VERSION} whenever a feature changes meaning or order.
 */
public final class Features {
    /** Version of the feature schema; models record it and refuse to load against another one. */
    public static final int VERSION = 1;

    /** Names, in vector order. Durations are in days, money in the base currency. */
    public static final List<String> NAMES =
            List.of(
                    "recency_days", // since the last purchase (since first seen if none)
                    "tenure_days", // since first seen
                    "repeat_purchase_days", // BTYD x: distinct purchase days after the first
                    "purchase_span_days", // BTYD t_x: first to last purchase
                    "customer_age_days", // BTYD T: since the first purchase (0 if none)
                    "purchases",
                    "net_spend",
                    "avg_order_value",
                    "refunds",
                    "days_since_last_event",
                    "window_purchases",
                    "window_spend",
                    "window_views",
                    "window_carts",
                    "window_sessions",
                    "recent_purchases", // the last HISTORY windows, this one included
                    "recent_spend",
                    "recent_views",
                    "recent_sessions",
                    "stage_new",
                    "stage_active",
                    "stage_at_risk",
                    "stage_lapsed",
                    "stage_reactivated");

    public static final int SIZE = NAMES.size();

    public static final int REPEAT_PURCHASE_DAYS = NAMES.indexOf("repeat_purchase_days");
    public static final int PURCHASE_SPAN_DAYS = NAMES.indexOf("purchase_span_days");
    public static final int CUSTOMER_AGE_DAYS = NAMES.indexOf("customer_age_days");
    public static final int NET_SPEND = NAMES.indexOf("net_spend");
    public static final int PURCHASES = NAMES.indexOf("purchases");
    public static final int WINDOW_PURCHASES = NAMES.indexOf("window_purchases");
    public static final int TENURE_DAYS = NAMES.indexOf("tenure_days");

    private Features() {}

    /**
     * Features of a profile as of {@code asOf} (a window end), read while the window ending there
     * is still open in the profile (that is, before it is rolled into history).
     */
    public static double[] compute(UserProfile p, long asOf) {
        double[] f = new double[SIZE];
        boolean purchased = p.firstPurchaseTime >= 0;
        long since = purchased ? p.lastPurchaseTime : p.firstSeen;
        f[0] = days(asOf - since);
        f[1] = days(asOf - p.firstSeen);
        f[2] = Math.max(0, p.purchaseDays - 1);
        f[3] = purchased ? days(p.lastPurchaseTime - p.firstPurchaseTime) : 0;
        f[4] = purchased ? days(asOf - p.firstPurchaseTime) : 0;
        f[5] = p.purchases;
        double net = p.spend - p.refundAmount;
        f[6] = net;
        f[7] = p.purchases > 0 ? net / p.purchases : 0;
        f[8] = p.refunds;
        f[9] = days(asOf - p.lastEventTime);
        f[10] = p.windowPurchases;
        f[11] = p.windowSpend;
        f[12] = p.windowViews;
        f[13] = p.windowCarts;
        f[14] = p.windowSessions;
        f[15] = p.windowPurchases + sum(p.historyPurchases);
        f[16] = p.windowSpend + sum(p.historySpend);
        f[17] = p.windowViews + sum(p.historyViews);
        f[18] = p.windowSessions + sum(p.historySessions);
        f[19 + p.stage.ordinal()] = 1;
        return f;
    }

    private static double days(long millis) {
        return millis / (double) UserLifecycle.DAY_MS;
    }

    /**
     * Sums the history, leaving out the oldest window so that, with the open one, HISTORY count.
     */
    private static int sum(int[] h) {
        int s = 0;
        for (int i = 0; i < h.length - 1; i++) {
            s += h[i];
        }
        return s;
    }

    private static double sum(double[] h) {
        double s = 0;
        for (int i = 0; i < h.length - 1; i++) {
            s += h[i];
        }
        return s;
    }
}
