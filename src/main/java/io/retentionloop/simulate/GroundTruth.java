package io.retentionloop.simulate;

import io.retentionloop.simulate.WorldConfig.Action;
import io.retentionloop.simulate.WorldConfig.Effect;

/**
 * Closed-form expectations from a user's latent state: what a perfect model would predict. With
 * purchase rate λ and dropout p per purchase, an alive user dies at rate λp, so the expected number
 * of purchases in H days is (1 − e^(−λpH)) / p; an action's multiplier m for D days changes the
 * rate on the first piece of that horizon.
 */
final class GroundTruth {

    private static final double DAY_MILLIS = UserBehaviour.DAY_MILLIS;

    private final WorldConfig config;

    GroundTruth(WorldConfig config) {
        this.config = config;
    }

    /** Expected purchases in the {@code days} after {@code t}, given the state at t. */
    double expectedPurchases(User u, double t, double days) {
        if (!u.aliveAt(t)) {
            return 0;
        }
        double multiplier = 1;
        double effectDays = 0;
        int last = u.lastInterventionAtOrBefore(t);
        if (last >= 0) {
            Action running = config.actions().get(u.interventionAction(last));
            double end = u.interventionTime(last) + running.effectDays() * DAY_MILLIS;
            double left = (end - t) / DAY_MILLIS;
            if (left > 0) {
                multiplier = effectOn(u, running).rateMultiplier();
                effectDays = Math.min(left, days);
            }
        }
        return purchases(u.purchaseRate, u.dropout, multiplier, effectDays, days);
    }

    /** Expected revenue in the {@code days} after {@code t}. */
    double expectedValue(User u, double t, double days) {
        return expectedPurchases(u, t, days) * meanSpend(u);
    }

    /**
     * Expected revenue with the action sent at {@code t}, minus expected revenue without it, minus
     * the action's expected cost (fixed, plus its share of the revenue during its effect).
     */
    double expectedIncrementalProfit(User u, int actionIndex, double t, double days) {
        Action action = config.actions().get(actionIndex);
        if (action.isNoAction()) {
            return 0;
        }
        if (t < u.arrival) {
            return -action.cost().fixed(); // paid for, but nobody to reach yet
        }
        Effect effect = effectOn(u, action);
        double reached = u.aliveAt(t) ? 1 - effect.annoyance() : effect.reactivationProbability();
        double effectDays = Math.min(action.effectDays(), days);
        double boosted = u.purchaseRate * effect.rateMultiplier();
        double during = piece(boosted, u.dropout, effectDays);
        double total =
                purchases(u.purchaseRate, u.dropout, effect.rateMultiplier(), effectDays, days);
        double spend = meanSpend(u);
        double revenueDuring = reached * spend * during;
        double revenue = reached * spend * total;
        double cost = action.cost().fixed() + action.cost().revenueShare() * revenueDuring;
        return revenue - expectedValue(u, t, days) - cost;
    }

    /** The user's mean purchase value, p / ν in Gamma-Gamma. */
    double meanSpend(User u) {
        return config.segments().get(u.segment).spend().p() / u.spendRate;
    }

    /**
     * Expected purchases of an alive user over {@code days}, the first {@code boostedDays} at λm.
     */
    static double purchases(
            double rate, double dropout, double multiplier, double boostedDays, double days) {
        double boosted = rate * multiplier;
        return piece(boosted, dropout, boostedDays)
                + Math.exp(-boosted * dropout * boostedDays)
                        * piece(rate, dropout, days - boostedDays);
    }

    /** Expected purchases over {@code days} at a constant rate, for a user alive at the start. */
    private static double piece(double rate, double dropout, double days) {
        if (dropout == 0) {
            return rate * days;
        }
        return -Math.expm1(-rate * dropout * days) / dropout;
    }

    private Effect effectOn(User u, Action action) {
        return action.effectOn(config.segments().get(u.segment).name());
    }
}
