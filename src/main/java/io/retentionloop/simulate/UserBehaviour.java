package io.retentionloop.simulate;

import io.retentionloop.simulate.WorldConfig.Action;
import io.retentionloop.simulate.WorldConfig.Effect;
import io.retentionloop.simulate.WorldConfig.Segment;
import java.util.Arrays;

/**
 * What a user does over time: arrives, browses, buys (BG/NBD: Poisson purchases while alive, a
 * dropout chance after each), and reacts to actions. Each clock is an exponential hazard budget, so
 * a rate change rescales the time left instead of drawing again: effects never shift the random
 * stream, only the timing.
 */
final class UserBehaviour {

    static final double DAY_MILLIS = 86_400_000.0;

    private static final double VIEW_GAP_MILLIS = 45_000;
    private static final double CART_GAP_MILLIS = 60_000;
    private static final double SESSION_LEAD_MILLIS = 10_000;
    private static final double MIN_REFUND_DAYS = 1;
    private static final double MAX_REFUND_DAYS = 7;

    private final WorldConfig config;
    private final long startMillis;
    private final DayBuckets out;
    private final Noise noise;
    private final SimStats stats;
    private final String[] segmentNames;

    /** Offsets of the events of a purchase session, reused to avoid garbage. */
    private double[] offsets = new double[16];

    UserBehaviour(
            WorldConfig config, long startMillis, DayBuckets out, Noise noise, SimStats stats) {
        this.config = config;
        this.startMillis = startMillis;
        this.out = out;
        this.noise = noise;
        this.stats = stats;
        this.segmentNames = config.segments().stream().map(Segment::name).toArray(String[]::new);
    }

    /**
     * Runs the user's clocks up to {@code until}; {@code dayStart} is the start of the day being
     * simulated, before which nothing may be emitted any more.
     */
    void advance(User u, double dayStart, double until) {
        while (true) {
            double arrival = u.arrived ? User.NEVER : u.arrival;
            double scheduled = u.nextScheduled();
            double t =
                    Math.min(
                            Math.min(arrival, scheduled),
                            Math.min(u.effectEnd, Math.min(u.nextPurchase, u.nextSession)));
            if (t >= until) {
                return;
            }
            if (t == arrival) {
                arrive(u, t);
            } else if (t == scheduled) {
                intervene(u, t, u.takeScheduled());
            } else if (t == u.effectEnd) {
                setEffect(u, t, -1, 1, User.NEVER);
            } else if (t == u.nextPurchase) {
                purchase(u, t, dayStart);
            } else {
                browse(u, t);
            }
        }
    }

    private void arrive(User u, double t) {
        u.arrived = true;
        u.alive = true;
        u.nextPurchase = t + Distributions.unitExponential(u.rng) / purchaseRate(u);
        u.nextSession = t + Distributions.unitExponential(u.rng) / sessionRate(u);
    }

    private void intervene(User u, double t, int actionIndex) {
        if (!u.arrived) {
            return; // nobody to reach yet
        }
        Action action = config.actions().get(actionIndex);
        Effect effect = action.effectOn(segmentNames[u.segment]);
        // one draw whatever the state, so the stream stays aligned
        double draw = u.rng.nextDouble();
        if (u.alive && draw < effect.annoyance()) {
            setAlive(u, t, false);
        } else if (!u.alive && draw < effect.reactivationProbability()) {
            setAlive(u, t, true);
        }
        // a new action replaces whatever effect was running
        if (action.effectDays() > 0) {
            double end = t + action.effectDays() * DAY_MILLIS;
            setEffect(u, t, actionIndex, effect.rateMultiplier(), end);
        } else {
            setEffect(u, t, -1, 1, User.NEVER);
        }
        u.recordIntervention(t, actionIndex);
    }

    private void setEffect(User u, double t, int action, double multiplier, double end) {
        double oldRate = purchaseRate(u);
        u.effectAction = action;
        u.multiplier = multiplier;
        u.effectEnd = end;
        u.nextPurchase = rescale(u, u.nextPurchase, t, oldRate, purchaseRate(u));
    }

    private void setAlive(User u, double t, boolean alive) {
        double oldPurchaseRate = purchaseRate(u);
        double oldSessionRate = sessionRate(u);
        u.alive = alive;
        u.recordLifeChange(t);
        u.nextPurchase = rescale(u, u.nextPurchase, t, oldPurchaseRate, purchaseRate(u));
        u.nextSession = rescale(u, u.nextSession, t, oldSessionRate, sessionRate(u));
    }

    private void purchase(User u, double t, double dayStart) {
        Segment segment = config.segments().get(u.segment);
        double spend = Distributions.gamma(u.rng, segment.spend().p(), u.spendRate);
        long cents = Math.max(1, Math.round(100 * spend));
        purchaseSession(u, t, dayStart, segment);
        long time = millis(t);
        emit(u, EventType.PURCHASE, time, -1, cents);
        double amount = cents / 100.0;
        u.ledger.addRevenue(time, amount);
        if (u.effectAction >= 0) {
            double share = config.actions().get(u.effectAction).cost().revenueShare();
            if (share > 0) {
                u.ledger.addCost(time, share * amount);
                stats.addActionCost(u.effectAction, share * amount);
            }
        }
        if (u.rng.nextDouble() < config.refundProbability()) {
            double days = Distributions.uniform(u.rng, MIN_REFUND_DAYS, MAX_REFUND_DAYS);
            emit(u, EventType.REFUND, millis(t + days * DAY_MILLIS), -1, cents);
        }
        if (u.rng.nextDouble() < u.dropout) {
            setAlive(u, t, false);
        } else {
            u.nextPurchase = t + Distributions.unitExponential(u.rng) / purchaseRate(u);
        }
    }

    /**
     * The session, views and cart that lead to a purchase at {@code t}. Squeezed into the day if
     * they would start before it, since earlier days are already out.
     */
    private void purchaseSession(User u, double t, double dayStart, Segment segment) {
        int views = Distributions.geometricAtLeastOne(u.rng, segment.viewsPerSession());
        if (offsets.length < views + 2) {
            offsets = Arrays.copyOf(offsets, views + 2);
        }
        double span = Distributions.unitExponential(u.rng) * SESSION_LEAD_MILLIS;
        for (int i = 0; i < views; i++) {
            offsets[i] = span;
            span += Distributions.unitExponential(u.rng) * VIEW_GAP_MILLIS;
        }
        offsets[views] = span;
        span += Distributions.unitExponential(u.rng) * CART_GAP_MILLIS;
        double begin = Math.max(dayStart, t - span);
        double scale = (t - begin) / span;
        int session = u.sessionSeq++;
        emit(u, EventType.SESSION, millis(begin), session, 0);
        for (int i = 0; i < views; i++) {
            emit(u, EventType.VIEW, millis(begin + offsets[i] * scale), session, 0);
        }
        emit(u, EventType.CART, millis(begin + offsets[views] * scale), session, 0);
    }

    private void browse(User u, double t) {
        Segment segment = config.segments().get(u.segment);
        int session = u.sessionSeq++;
        emit(u, EventType.SESSION, millis(t), session, 0);
        int views = Distributions.geometricAtLeastOne(u.rng, segment.viewsPerSession());
        double at = t + Distributions.unitExponential(u.rng) * SESSION_LEAD_MILLIS;
        for (int i = 0; i < views; i++) {
            emit(u, EventType.VIEW, millis(at), session, 0);
            at += Distributions.unitExponential(u.rng) * VIEW_GAP_MILLIS;
        }
        if (u.rng.nextDouble() < segment.cartProbability()) {
            emit(u, EventType.CART, millis(at), session, 0);
        }
        u.nextSession = t + Distributions.unitExponential(u.rng) / sessionRate(u);
    }

    private void emit(User u, EventType type, long time, int session, long cents) {
        Pending.Valid event = new Pending.Valid(time, u.index, type, u.eventSeq++, session, cents);
        out.add(event);
        noise.after(event, u, out);
    }

    /** Purchases per millisecond right now. */
    private double purchaseRate(User u) {
        return u.alive ? u.purchaseRate * u.multiplier / DAY_MILLIS : 0;
    }

    /** Sessions per millisecond right now. */
    private double sessionRate(User u) {
        Segment s = config.segments().get(u.segment);
        return (u.alive ? s.browseRate() : s.deadBrowseRate()) / DAY_MILLIS;
    }

    /**
     * The new firing time of a Poisson clock whose rate changes at {@code t}: the hazard left is
     * kept, so the clock fires when it would have under the new rate. A clock that was stopped
     * starts with a fresh budget.
     */
    private static double rescale(User u, double next, double t, double oldRate, double newRate) {
        if (newRate <= 0) {
            return User.NEVER;
        }
        if (oldRate <= 0 || next == User.NEVER) {
            return t + Distributions.unitExponential(u.rng) / newRate;
        }
        return t + (next - t) * oldRate / newRate;
    }

    private long millis(double sinceStart) {
        return startMillis + (long) Math.floor(sinceStart);
    }
}
