package io.retentionloop.agent;

import io.retentionloop.lifecycle.Features;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.value.model.ValuePrediction;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what the agent knows of a user at a window end into the Q-network's input. Layout, for a
 * catalogue of {@code n} actions ({@link #names()} lists it):
 *
 * <table>
 *   <caption>state vector</caption>
 *   <tr><th>index</th><th>name</th><th>value</th></tr>
 *   <tr><td>0 .. F-1</td><td>{@link Features#NAMES}</td>
 *       <td>signed log1p: sign(x)·ln(1+|x|) (counts, days and money span orders of magnitude);
 *       the stage one-hot as is</td></tr>
 *   <tr><td>F</td><td>value_present</td><td>1 if the value model scored the window, else 0 (and
 *       the next four are 0)</td></tr>
 *   <tr><td>F+1</td><td>value_expected_purchases</td><td>ln(1+x)</td></tr>
 *   <tr><td>F+2</td><td>value_purchase_probability</td><td>as is, in [0, 1]</td></tr>
 *   <tr><td>F+3</td><td>value_expected_spend</td><td>ln(1+x)</td></tr>
 *   <tr><td>F+4</td><td>value_expected_order_value</td><td>ln(1+x)</td></tr>
 *   <tr><td>F+5</td><td>sessions_per_week</td><td>ln(1 + lifetime sessions / tenure in weeks),
 *       tenure at least one week</td></tr>
 *   <tr><td>F+6</td><td>views_per_session</td><td>ln(1 + lifetime views / sessions)</td></tr>
 *   <tr><td>F+7</td><td>carts_per_session</td><td>lifetime cart adds / sessions, capped at
 *       1</td></tr>
 *   <tr><td>F+8</td><td>purchases_per_week</td><td>ln(1 + lifetime purchases / tenure in
 *       weeks)</td></tr>
 *   <tr><td>F+9+3(i-1)</td><td>since_last_&lt;action i&gt;</td><td>days since action i
 *       (i = 1 .. n-1, {@code none} left out) was last sent / {@value #SINCE_CAP_DAYS}, capped at
 *       1; 1 if never</td></tr>
 *   <tr><td>F+10+3(i-1)</td><td>recent_&lt;action i&gt;</td><td>ln(1 + sends of action i in the
 *       last {@value #RECENT_DAYS} days)</td></tr>
 *   <tr><td>F+11+3(i-1)</td><td>fresh_&lt;action i&gt;</td><td>exp(−days since action i was
 *       last sent / {@value #FRESH_DAYS}); 0 if never</td></tr>
 *   <tr><td>F+9+3(n-1)+(i-1)</td><td>response_&lt;action i&gt;</td><td>how the user has bought
 *       while action i's offer was in force, against their usual rate: ln(r_i + c) − ln(r + c),
 *       r = purchases per window over all recorded windows, r_i = (purchases in the windows under
 *       action i + r) / (those windows + 1), c = {@value #RESPONSE_OFFSET}; 0 if action i was
 *       never in force ({@link InterventionHistory#recordWindow})</td></tr>
 *   <tr><td>F+9+4(n-1)+(i-1)</td><td>in_force_&lt;action i&gt;</td><td>days action i's offer
 *       still runs after now / {@value #FRESH_DAYS}, capped at 1: only the latest send's, only for
 *       actions with {@code valid_for}; 0 otherwise</td></tr>
 * </table>
 *
 * <p>The engagement rates tell apart users whose recency, frequency and spend look alike but who
 * browse differently (and react differently to actions): on the simulated world a policy fitted on
 * the noise-free truth reaches 80% of the oracle without them and 86% with them ({@code
 * policy-ceiling}, src/site/markdown/policies.md).
 *
 * <p>The freshness of each action is on the scale of the weekly decisions: an action sent one
 * window ago reads 0.37, two windows ago 0.14, where days / {@value #SINCE_CAP_DAYS} tells them
 * apart by 0.08 only. An action whose effect lasts beyond one window (a coupon valid for two weeks)
 * makes the next window's revenue depend on it whatever is chosen then, and an action sent then may
 * replace it; without a clear signal the learner credits that revenue to the next action.
 *
 * <p>The responses tell apart users who look alike but react differently, from what they did after
 * earlier sends: a deal seeker buys about three times as often while a coupon runs, a casual buyer
 * a third more; a casual buyer after an e-mail almost twice as often, a deal seeker hardly more.
 * One coupon's two weeks say little, several say a lot; the shrinkage by one window keeps a single
 * lucky window from reading as a strong response.
 *
 * <p>Whether an offer still runs decides what the next window's revenue is made of: a deal seeker
 * whose coupon runs another week buys more in it unless a new send now replaces the coupon.
 * Freshness tells it only through a threshold (0.37 one window after the send, in force; 0.14 two
 * windows after, expired); {@code in_force} says it outright, so the value of doing nothing while a
 * coupon runs is not mixed up with doing nothing without one.
 *
 * <p>F = {@link Features#SIZE}; {@link #size()} = F + 9 + 5(n-1). Changing the layout changes
 * {@link #VERSION}; published policies are tied to the state size.
 */
public final class StateEncoder implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Version of this layout, to be recorded with policies. */
    public static final int VERSION = 4;

    /** Days since the last send are capped here (and scaled by it). */
    public static final int SINCE_CAP_DAYS = 90;

    /** Sends are counted over this many days back. */
    public static final int RECENT_DAYS = 30;

    /** Time constant, in days, of an action's freshness. */
    public static final int FRESH_DAYS = 7;

    private static final long DAY_MS = 86_400_000L;
    private static final int VALUE_FIELDS = 5;
    private static final int ENGAGEMENT_FIELDS = 4;
    private static final int HISTORY_FIELDS = 3;

    /** Offset of the response rates in {@link #response}: purchases per window. */
    static final double RESPONSE_OFFSET = 0.1;

    private final ActionCatalogue catalogue;
    private final boolean[] rawFeature;

    public StateEncoder(ActionCatalogue catalogue) {
        this.catalogue = catalogue;
        this.rawFeature = new boolean[Features.SIZE];
        for (int i = 0; i < Features.SIZE; i++) {
            rawFeature[i] = Features.NAMES.get(i).startsWith("stage_");
        }
    }

    /** Length of every encoded state. */
    public int size() {
        return Features.SIZE
                + VALUE_FIELDS
                + ENGAGEMENT_FIELDS
                + (HISTORY_FIELDS + 2) * (catalogue.size() - 1);
    }

    /** The name of every position, in order. */
    public List<String> names() {
        List<String> names = new ArrayList<>(Features.NAMES);
        names.addAll(
                List.of(
                        "value_present",
                        "value_expected_purchases",
                        "value_purchase_probability",
                        "value_expected_spend",
                        "value_expected_order_value",
                        "sessions_per_week",
                        "views_per_session",
                        "carts_per_session",
                        "purchases_per_week"));
        for (int a = 1; a < catalogue.size(); a++) {
            names.add("since_last_" + catalogue.id(a));
            names.add("recent_" + catalogue.id(a));
            names.add("fresh_" + catalogue.id(a));
        }
        for (int a = 1; a < catalogue.size(); a++) {
            names.add("response_" + catalogue.id(a));
        }
        for (int a = 1; a < catalogue.size(); a++) {
            names.add("in_force_" + catalogue.id(a));
        }
        return names;
    }

    /** Encodes a window snapshot as of its window end. */
    public double[] encode(WindowSnapshot s, ValuePrediction value, InterventionHistory h) {
        return encode(s.features, s.sessions, s.views, s.carts, value, h, s.windowEnd);
    }

    /**
     * Encodes the state at {@code now}.
     *
     * @param features {@link Features#compute} at the window end
     * @param sessions lifetime sessions at the window end ({@link WindowSnapshot#sessions})
     * @param views lifetime product views
     * @param carts lifetime cart adds
     * @param value the value model's outputs, or null when there is no model yet
     * @param h the user's intervention history, or null for none
     */
    public double[] encode(
            double[] features,
            long sessions,
            long views,
            long carts,
            ValuePrediction value,
            InterventionHistory h,
            long now) {
        if (features.length != Features.SIZE) {
            throw new IllegalArgumentException(
                    "expected " + Features.SIZE + " features, got " + features.length);
        }
        double[] s = new double[size()];
        for (int i = 0; i < Features.SIZE; i++) {
            s[i] = rawFeature[i] ? features[i] : signedLog1p(features[i]);
        }
        int at = Features.SIZE;
        if (value != null) {
            s[at] = 1;
            s[at + 1] = log1p(value.expectedPurchases());
            s[at + 2] = finite(value.purchaseProbability());
            s[at + 3] = log1p(value.expectedSpend());
            s[at + 4] = log1p(value.expectedOrderValue());
        }
        at += VALUE_FIELDS;
        double weeks = finite(features[Features.TENURE_DAYS]) / 7;
        at = engagement(s, at, sessions, views, carts, features[Features.PURCHASES], weeks);
        long recentFrom = now - RECENT_DAYS * DAY_MS;
        for (int a = 1; a < catalogue.size(); a++) {
            long last = h == null ? InterventionHistory.NEVER : h.lastSentAt(catalogue, a);
            boolean never = last == InterventionHistory.NEVER;
            double days = never ? SINCE_CAP_DAYS : Math.max(0, (now - last) / (double) DAY_MS);
            s[at++] = Math.min(days, SINCE_CAP_DAYS) / SINCE_CAP_DAYS;
            s[at++] = h == null ? 0 : Math.log1p(h.sendsWithin(catalogue, a, recentFrom, now));
            s[at++] = never ? 0 : Math.exp(-days / FRESH_DAYS);
        }
        double rate = purchasesPerWindow(h);
        for (int a = 1; a < catalogue.size(); a++) {
            s[at++] = response(h, a, rate);
        }
        int latest = h == null ? -1 : h.latestSend(catalogue);
        for (int a = 1; a < catalogue.size(); a++) {
            s[at++] = a == latest ? inForce(h, a, now) : 0;
        }
        return s;
    }

    /**
     * The days action {@code a}'s offer still runs after {@code now} (its {@code valid_for} from
     * its last send), / {@value #FRESH_DAYS}, capped at 1; 0 for an action without {@code
     * valid_for}. Only the latest send's offer can be in force: a new send replaces it.
     */
    private double inForce(InterventionHistory h, int a, long now) {
        long valid = catalogue.get(a).validFor().toMillis();
        long last = h.lastSentAt(catalogue, a);
        if (valid == 0 || last == InterventionHistory.NEVER) {
            return 0;
        }
        double days = (last + valid - now) / (double) DAY_MS;
        return Math.min(1, Math.max(0, days) / FRESH_DAYS);
    }

    /** The user's purchases per recorded window, offer or not; 0 before the first window. */
    private double purchasesPerWindow(InterventionHistory h) {
        int windows = 0;
        double purchases = 0;
        for (int b = 0; h != null && b < catalogue.size(); b++) {
            windows += h.responseWindows(catalogue, b);
            purchases += h.responsePurchases(catalogue, b);
        }
        return windows == 0 ? 0 : purchases / windows;
    }

    /**
     * How the user has responded to action {@code a}: ln(r_a + c) − ln(r + c), where r is the
     * user's purchases per recorded window and r_a the same in the windows {@code a}'s offer was in
     * force, shrunk towards r by one window ((P_a + r) / (N_a + 1)), and c = {@value
     * #RESPONSE_OFFSET}. 0 when the action's offer was never in force in a recorded window.
     */
    private double response(InterventionHistory h, int a, double rate) {
        int n = h == null ? 0 : h.responseWindows(catalogue, a);
        if (n == 0) {
            return 0;
        }
        double rateA = (h.responsePurchases(catalogue, a) + rate) / (n + 1);
        return Math.log(rateA + RESPONSE_OFFSET) - Math.log(rate + RESPONSE_OFFSET);
    }

    /**
     * Writes the four engagement rates (sessions per week, views and cart adds per session,
     * purchases per week, as in the layout above) into {@code s} from {@code at}, for lifetime
     * counts over {@code weeks} of tenure (at least one week is counted).
     *
     * @return the position after them
     */
    public static int engagement(
            double[] s,
            int at,
            long sessions,
            long views,
            long carts,
            double purchases,
            double weeks) {
        double w = Math.max(1, weeks);
        double perSession = 1.0 / Math.max(1, sessions);
        s[at++] = Math.log1p(Math.max(0, sessions) / w);
        s[at++] = Math.log1p(Math.max(0, views) * perSession);
        s[at++] = Math.min(1, Math.max(0, carts) * perSession);
        s[at++] = log1p(purchases / w);
        return at;
    }

    static double signedLog1p(double x) {
        if (!Double.isFinite(x)) {
            return 0;
        }
        return Math.copySign(Math.log1p(Math.abs(x)), x);
    }

    private static double log1p(double x) {
        return Double.isFinite(x) ? Math.log1p(Math.max(0, x)) : 0;
    }

    private static double finite(double x) {
        return Double.isFinite(x) ? x : 0;
    }
}
