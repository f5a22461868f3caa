package io.retentionloop.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated user: latent parameters drawn once, the current state of their purchase and
 * browsing clocks, and the history ground truth needs. Times are milliseconds since the start of
 * day 0, as doubles so that exponential clocks keep their precision.
 */
final class User {

    static final double NEVER = Double.POSITIVE_INFINITY;

    final int index;
    final int segment;

    /** λ, purchases per day while alive and without an action effect. */
    final double purchaseRate;

    /** p, the probability of dropping out right after each purchase. */
    final double dropout;

    /** ν of Gamma-Gamma: each purchase ~ Gamma(p_spend, ν). */
    final double spendRate;

    /** When the user appears; before that they neither browse nor buy. */
    final double arrival;

    /** Drives behaviour; one per user so that acting on a user never shifts anyone else. */
    final SplittableRandom rng;

    /** Drives bad records and duplicates, so that changing their share never shifts behaviour. */
    final SplittableRandom noise;

    final Ledger ledger = new Ledger();

    boolean arrived;
    boolean alive;
    double nextPurchase = NEVER;
    double nextSession = NEVER;

    /** The action whose effect is running, or -1, with its rate multiplier and end. */
    int effectAction = -1;

    double multiplier = 1;
    double effectEnd = NEVER;

    /** Counters that number the user's events, sessions and bad records: ids are unique. */
    int eventSeq;

    int sessionSeq;
    int badSeq;

    /** Deaths and revivals after arrival (value unused): alive iff an even number have passed. */
    private Timeline lifeChanges;

    /** Interventions that took effect, valued by action index. */
    private Timeline interventions;

    /** Interventions applied for a time not simulated yet, in time order. */
    private List<Scheduled> scheduled;

    User(
            int index,
            int segment,
            double purchaseRate,
            double dropout,
            double spendRate,
            double arrival,
            SplittableRandom rng,
            SplittableRandom noise) {
        this.index = index;
        this.segment = segment;
        this.purchaseRate = purchaseRate;
        this.dropout = dropout;
        this.spendRate = spendRate;
        this.arrival = arrival;
        this.rng = rng;
        this.noise = noise;
    }

    /** An intervention to take effect at {@code at}, after any already scheduled for then. */
    void schedule(double at, int action) {
        if (scheduled == null) {
            scheduled = new ArrayList<>(2);
        }
        int i = scheduled.size();
        while (i > 0 && scheduled.get(i - 1).at() > at) {
            i--;
        }
        scheduled.add(i, new Scheduled(at, action));
    }

    double nextScheduled() {
        return scheduled == null || scheduled.isEmpty() ? NEVER : scheduled.get(0).at();
    }

    int takeScheduled() {
        return scheduled.remove(0).action();
    }

    void recordLifeChange(double at) {
        if (lifeChanges == null) {
            lifeChanges = new Timeline();
        }
        lifeChanges.add(at, 0);
    }

    void recordIntervention(double at, int action) {
        if (interventions == null) {
            interventions = new Timeline();
        }
        interventions.add(at, action);
    }

    /**
     * Whether the user was alive at {@code t}, after anything that happened at exactly t. A user is
     * alive from their arrival on, even before the clocks have processed the arrival.
     */
    boolean aliveAt(double t) {
        if (t < arrival) {
            return false;
        }
        int changes = lifeChanges == null ? 0 : lifeChanges.lastAtOrBefore(t) + 1;
        return changes % 2 == 0;
    }

    /** The index in the intervention timeline of the last one at or before t, or -1. */
    int lastInterventionAtOrBefore(double t) {
        return interventions == null ? -1 : interventions.lastAtOrBefore(t);
    }

    double interventionTime(int i) {
        return interventions.time(i);
    }

    int interventionAction(int i) {
        return interventions.value(i);
    }

    private record Scheduled(double at, int action) {}
}
