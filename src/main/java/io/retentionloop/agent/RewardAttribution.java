package io.retentionloop.agent;

import io.retentionloop.learner.Transition;
import java.io.Serializable;

/**
 * Reward attribution in event time. A decision at window end t with horizon H earns the user's
 * purchases in (t, t + H] minus the refunds in that interval (whatever purchase they refund), minus
 * the costs incurred in it: the action's fixed cost, and the revenue share of the offer in force on
 * that net revenue (not below 0). The offer in force is the decision's own action's for its {@code
 * valid_for} (the whole horizon when not set); for a {@code none} it is an earlier action's whose
 * {@code valid_for} outlasts its own decision's horizon (a coupon valid 14 days, decided at weekly
 * windows, charges its share of the second week to the next window's reward). A later action to the
 * user replaces a running offer, so a send never carries an earlier one. Each window's reward is
 * then what the shop made in it, and the discounted sum of rewards counts every cost once: with γ
 * &gt; 0 the learner credits the coupon with both weeks, through the next state.
 *
 * <p>A decision matures once the watermark passes t + H (plus the allowed lateness, if late events
 * are to count); s' is the state at the user's next window end. Decisions overlap when H is longer
 * than a window: each one is credited with all revenue in its own horizon.
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

    /**
     * Starts waiting for the reward of {@code decision}, made in {@code state}, for a user with
     * {@code history} (the decision's own send already recorded; null for none).
     */
    public PendingDecision open(
            Decision decision,
            double[] state,
            ActionCatalogue catalogue,
            InterventionHistory history) {
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
        long t = decision.windowEnd;
        p.maturesAt = t + horizonMillis;
        p.fixedCost = a.fixedCost();
        p.shareFrom = t;
        p.shareUntil = p.maturesAt;
        if (!a.isNone()) {
            p.revenueShare = a.revenueShare();
            p.shareUntil = t + ownShareMillis(a);
        } else if (history != null) {
            carry(p, catalogue, history);
        }
        return p;
    }

    /** How long a send's share applies within its own decision's horizon. */
    private long ownShareMillis(ActionCatalogue.Action a) {
        long valid = a.validFor().toMillis();
        return valid == 0 ? horizonMillis : Math.min(valid, horizonMillis);
    }

    /** Charges a {@code none} with the share of the last send's offer, if still in force. */
    private void carry(PendingDecision p, ActionCatalogue catalogue, InterventionHistory history) {
        int last = history.latestSend(catalogue);
        if (last < 0) {
            return;
        }
        ActionCatalogue.Action running = catalogue.get(last);
        long sent = history.lastSentAt(catalogue, last);
        // the sending decision paid for (sent, sent + its own share]; this one for what follows
        long from = Math.max(p.decision.windowEnd, sent + ownShareMillis(running));
        long until = Math.min(sent + running.validFor().toMillis(), p.maturesAt);
        if (running.revenueShare() > 0 && until > from) {
            p.revenueShare = running.revenueShare();
            p.shareFrom = from;
            p.shareUntil = until;
            p.carriedAction = running.id();
        }
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
        if (p.inShare(eventTime)) {
            p.shareRevenue += amount;
        }
        return true;
    }

    /** Debits a refund if it falls in the horizon; returns whether it did. */
    public boolean refund(PendingDecision p, long eventTime, double amount) {
        if (!inHorizon(p, eventTime)) {
            return false;
        }
        p.refunds += amount;
        if (p.inShare(eventTime)) {
            p.shareRefunds += amount;
        }
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
        o.carriedAction = p.carriedAction;
        o.carriedCost = p.carriedAction == null ? 0 : p.shareCost();
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
