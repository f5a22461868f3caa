package io.retentionloop.agent;

/**
 * A matured decision: what it earned and cost over the horizon. Published on the {@code outcomes}
 * topic ({@link OutcomeJson}) for reports, SQL and uplift against the control group. A Flink POJO.
 */
public class Outcome {
    public String decisionId;
    public String userId;
    public long windowEnd;

    /** windowEnd + H. */
    public long maturesAt;

    public String actionId;
    public int actionIndex;
    public double propensity;
    public long policyVersion;
    public boolean controlGroup;

    /** Purchases in (t, t + H], their sum, and refunds in the same interval. */
    public int purchases;

    public double revenue;
    public double refunds;

    /**
     * Costs incurred in the horizon: the action's fixed cost plus the revenue share of the offer in
     * force ({@link RewardAttribution}), {@link #carriedCost} included.
     */
    public double cost;

    /** For a {@code none}: the earlier action whose offer still ran in the horizon, or null. */
    public String carriedAction;

    /** The part of {@link #cost} that is {@link #carriedAction}'s revenue share; else 0. */
    public double carriedCost;

    /** revenue − refunds − cost. */
    public double reward;

    /** No next window followed (the user expired before it). */
    public boolean done;

    public Outcome() {}

    @Override
    public String toString() {
        return "Outcome(" + decisionId + ", " + actionId + ", reward=" + reward + ")";
    }
}
