package io.retentionloop.agent;

/**
 * A decision waiting for its reward: what the agent keeps per user (in keyed state, a Flink POJO)
 * from the decision at window end t until the watermark passes t + H. Events of the user in (t, t +
 * H] are attributed to it as they arrive; {@link RewardAttribution#mature} turns it into an outcome
 * and a transition.
 */
public class PendingDecision {

    public Decision decision;

    /** The encoded state the decision was made in (s). */
    public double[] state;

    /** The encoded state at the user's next window end (s'), once known. */
    public double[] nextState;

    /**
     * The actions that could be taken at s' (eligibility, cooldowns, frequency cap, the control
     * group; not the day's budget), set with it; null when unknown (decisions kept by releases
     * before it), meaning all.
     */
    public boolean[] nextAllowed;

    /** t + H: when the reward is complete (event time, epoch millis). */
    public long maturesAt;

    /** Sum of purchase amounts in (t, t + H]. */
    public double revenue;

    /** Sum of refund amounts in (t, t + H]. */
    public double refunds;

    /** Number of purchases in (t, t + H]. */
    public int purchases;

    /** The action's fixed cost, as the catalogue said at the decision. */
    public double fixedCost;

    /**
     * The revenue share charged in this decision's horizon, as the catalogue said at the decision:
     * its own action's, or for a {@code none} the share of an earlier offer still in force ({@link
     * #carriedAction}).
     */
    public double revenueShare;

    /**
     * The share applies to net revenue in ({@code shareFrom}, {@code shareUntil}], a part of the
     * horizon; both 0 (decisions kept by releases before it): the whole horizon.
     */
    public long shareFrom;

    /** See {@link #shareFrom}. */
    public long shareUntil;

    /** Sum of purchase amounts in the share's interval. */
    public double shareRevenue;

    /** Sum of refund amounts in the share's interval. */
    public double shareRefunds;

    /**
     * The earlier action whose offer is still in force in this horizon and whose share this
     * decision (a {@code none}) is charged, or null.
     */
    public String carriedAction;

    /**
     * What the value model expected the user to spend in (t, t + H] anyway, subtracted from the
     * learner's reward; NaN when unknown (then the decision's expected spend is used).
     */
    public double baseline = Double.NaN;

    /**
     * The same for the next state (s'), set with it; NaN when unknown. With γ > 0 the learner's
     * reward is shaped by γ times it as well, so the shaping stays potential-based.
     */
    public double nextBaseline = Double.NaN;

    public PendingDecision() {}

    /** Revenue minus refunds: what the decision is credited with, never below 0 for costs. */
    public double attributedRevenue() {
        return revenue - refunds;
    }

    /** The cost charged to the decision given the revenue attributed so far. */
    public double cost() {
        return fixedCost + shareCost();
    }

    /** The revenue share's part of {@link #cost()}. */
    public double shareCost() {
        double base = shareUntil == 0 ? attributedRevenue() : shareRevenue - shareRefunds;
        return revenueShare * Math.max(0, base);
    }

    /** Whether an event at {@code eventTime} falls in the share's interval. */
    boolean inShare(long eventTime) {
        return shareUntil != 0 && eventTime > shareFrom && eventTime <= shareUntil;
    }

    /** Sets s' unless it is already set (the first window after the decision is the next one). */
    public boolean offerNextState(double[] s) {
        return offerNextState(s, Double.NaN, null);
    }

    /** Sets s', its baseline and the actions allowed there, unless s' is already set. */
    public boolean offerNextState(double[] s, double baselineThere, boolean[] allowedThere) {
        if (nextState != null) {
            return false;
        }
        nextState = s;
        nextBaseline = baselineThere;
        nextAllowed = allowedThere;
        return true;
    }

    /**
     * The potential-based shaping the learner's reward gets: {@code −baseline(s) + γ ·
     * baseline(s')}, the second term only when s' is known (a transition without s' ends the
     * episode, where the potential is 0). The best action is unchanged for every γ.
     *
     * @param gamma the learner's discount
     * @param expectedSpend used when the baseline of s is unknown
     */
    public double shaping(double gamma, double expectedSpend) {
        double here = Double.isFinite(baseline) ? baseline : expectedSpend;
        if (!Double.isFinite(here)) {
            return 0;
        }
        double there = nextState != null && Double.isFinite(nextBaseline) ? nextBaseline : 0;
        return -here + gamma * there;
    }

    @Override
    public String toString() {
        return "PendingDecision("
                + (decision == null ? null : decision.decisionId)
                + ", matures "
                + maturesAt
                + ", revenue "
                + revenue
                + ")";
    }
}
