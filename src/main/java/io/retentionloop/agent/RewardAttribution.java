package io.retentionloop.agent;

import io.retentionloop.learner.Transition;
import java.io.Serializable;

/**
 * Reward attribution in event time. A decision at window end t with horizon H earns the user's
 * purchases in (t, t + H] minus the refunds in that interval (whatever purchase they refund), minus
 * the action's cost: its fixed cost plus its revenue share of that net revenue (not below 0). It
 * matures once the watermark passes t + H (plus the allowed lateness, if late events are to count);
 * s' is the state at the user's next window end. Decisions overlap when H is longer than a window:
 * each one is credited with all revenue in its own horizon.
 */
public final class RewardAttribution implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long horizonMillis;

    public RewardAttribution(long horizonMillis) {
        if (horizonMillis <= 0) {
            throw new IllegalArgumentException("horizon must be > 0, was " + horizonMillis);
        }
        this.horizonMillis = horizonMillis;
    }

    public RewardAttribution(AgentSettings settings) {
        this(settings.horizonMillis());
    }

    /** What matures: the outcome for the topic and the transition for the learner. */
    public record Matured(Outcome outcome, Transition transition) {}

    /** Starts waiting for the reward of {@code decision}, made in {@code state}. */
    public PendingDecision open(Decision decision, double[] state, ActionCatalogue catalogue) {
        ActionCatalogue.Action a = catalogue.get(decision.actionIndex);
        if (!a.id().equals(decision.actionId)) {
            throw new IllegalArgumentException(
                    "decision "
                            + decision.decisionId
                            + " names "
                            + decision.actionId
                            + " at "
                            + decision.actionIndex
                            + ", the catalogue has "
                            + a.id());
        }
        PendingDecision p = new PendingDecision();
        p.decision = decision;
        p.state = state;
        p.maturesAt = decision.windowEnd + horizonMillis;
        p.fixedCost = a.fixedCost();
        p.revenueShare = a.revenueShare();
        return p;
    }

    /** Whether an event at {@code eventTime} belongs to the decision's horizon (t, t + H]. */
    public static boolean inHorizon(PendingDecision p, long eventTime) {
        return eventTime > p.decision.windowEnd && eventTime <= p.maturesAt;
    }

    /** Credits a purchase if it falls in the horizon; returns whether it did. */
    public boolean purchase(PendingDecision p, long eventTime, double amount) {
        if (!inHorizon(p, eventTime)) {
            return false;
        }
        p.revenue += amount;
        p.purchases++;
        return true;
    }

    /** Debits a refund if it falls in the horizon; returns whether it did. */
    public boolean refund(PendingDecision p, long eventTime, double amount) {
        if (!inHorizon(p, eventTime)) {
            return false;
        }
        p.refunds += amount;
        return true;
    }

    /** Whether the decision's reward is complete once event time reaches {@code watermark}. */
    public static boolean isMature(PendingDecision p, long watermark) {
        return watermark >= p.maturesAt;
    }

    /**
     * The outcome and transition of a matured decision. The transition is terminal when no next
     * state is known ({@code userGone}, or the horizon is shorter than a window).
     */
    public Matured mature(PendingDecision p, boolean userGone) {
        Decision d = p.decision;
        double cost = p.cost();
        double reward = p.attributedRevenue() - cost;
        boolean done = userGone || p.nextState == null;
        Outcome o = new Outcome();
        o.decisionId = d.decisionId;
        o.userId = d.userId;
        o.windowEnd = d.windowEnd;
        o.maturesAt = p.maturesAt;
        o.actionId = d.actionId;
        o.actionIndex = d.actionIndex;
        o.propensity = d.propensity;
        o.policyVersion = d.policyVersion;
        o.controlGroup = d.controlGroup;
        o.purchases = p.purchases;
        o.revenue = p.revenue;
        o.refunds = p.refunds;
        o.cost = cost;
        o.reward = reward;
        o.done = done;
        Transition t =
                new Transition(
                        p.state,
                        d.actionIndex,
                        reward,
                        done ? null : p.nextState,
                        done ? null : p.nextAllowed,
                        done,
                        d.propensity,
                        d.policyVersion,
                        d.decisionId);
        return new Matured(o, t);
    }
}
