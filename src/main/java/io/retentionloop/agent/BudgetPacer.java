package io.retentionloop.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Puts a price on the daily budget so that it goes to the decisions that expect the most per unit
 * of cost, instead of to whoever comes first. The agent chooses on {@code Q(s, a) − price ·
 * cost(a)} (the logged Q-values stay in currency); the budget mask stays the hard cap.
 *
 * <p>The price of a day is the one that would have kept the previous decision day within the
 * budget: the pacer keeps a uniform sample of the day's decisions (Q-values, allowed actions before
 * the budget, expected costs) and, when the first decision of a later day arrives, finds by
 * bisection the lowest price at which the behaviour policy's expected spend over that day (greedy
 * choice plus exploration, scaled from the sample to the day's count) is at most {@code target} of
 * this subtask's share. A day with spare budget gives price 0: first come, first served, as without
 * a pacer. This is the dual of the budgeted choice, re-solved on yesterday's decisions — the usual
 * way to pace a budget when demand is about the same from one day to the next. As the policy can
 * change from one day to the next, the price is re-solved during the day as well, every {@value
 * #RESOLVE_EVERY} decisions, on the day's own sample so far, scaled to as many decisions as the
 * previous day had.
 *
 * <p>Only the price is state (in the agent's union list state, see {@link #restore}); the sample is
 * rebuilt every day. A day whose sample does not start at its first decision (the job was restored
 * during it) leaves the price as it was.
 */
public class BudgetPacer {
    private static final long DAY_MS = 86_400_000L;
    private static final int BISECTIONS = 60;
    private static final double MAX_PRICE = 1e6;

    /** The price is re-solved on the day's own decisions every this many of them. */
    static final int RESOLVE_EVERY = 512;

    /** The price in use: currency of Q-value given up per unit of expected cost. */
    public double price;

    /** Epoch day (UTC) of the decisions sampled so far. */
    public long day = Long.MIN_VALUE;

    private transient boolean wholeDay;
    private transient long seen;
    private transient long previousSeen;
    private transient List<Sample> sample;
    private transient SplittableRandom random;

    /** One sampled decision. */
    private record Sample(double[] q, boolean[] allowed, double[] costs) {}

    public BudgetPacer() {}

    /** This subtask's pacer after a (re)start: the latest day's highest price. */
    static BudgetPacer restore(Iterable<BudgetPacer> all) {
        BudgetPacer p = new BudgetPacer();
        for (BudgetPacer s : all) {
            if (s.day > p.day || (s.day == p.day && s.price > p.price)) {
                p.day = s.day;
                p.price = s.price;
            }
        }
        return p;
    }

    /**
     * Records a decision taken at {@code now}. Reprices from the previous decision day on the first
     * decision of a new day, and from the day so far every {@link #RESOLVE_EVERY} decisions.
     *
     * @param q the policy's Q-values
     * @param allowed the actions allowed before the budget is applied
     * @param costs expected cost of each action
     * @param capacity sample size (the day's decisions beyond it are sampled uniformly)
     * @param spendTarget what the previous day's decisions may be expected to spend on this subtask
     * @param selector the behaviour policy (its exploration spends too)
     */
    public void observe(
            long now,
            double[] q,
            boolean[] allowed,
            double[] costs,
            int capacity,
            double spendTarget,
            ActionSelector selector) {
        long d = Math.floorDiv(now, DAY_MS);
        if (d != day) {
            boolean complete = wholeDay && seen > 0 && d > day;
            if (complete) {
                price = solve(spendTarget, selector, seen);
            }
            previousSeen = complete ? seen : 0;
            wholeDay = true;
            day = d;
            startSample(d);
        } else if (sample == null) {
            // restored in the middle of the day: its decisions before the restore are unknown
            wholeDay = false;
            startSample(d);
        }
        seen++;
        if (sample.size() < capacity) {
            sample.add(new Sample(q.clone(), allowed.clone(), costs.clone()));
        } else {
            long j = random.nextLong(seen);
            if (j < capacity) {
                sample.set((int) j, new Sample(q.clone(), allowed.clone(), costs.clone()));
            }
        }
        if (previousSeen > 0 && seen % RESOLVE_EVERY == 0) {
            // the policy may have changed since yesterday: price today's decisions so far, as
            // many as yesterday's are expected (more if more came)
            price = solve(spendTarget, selector, Math.max(seen, previousSeen));
        }
    }

    private void startSample(long d) {
        seen = 0;
        sample = new ArrayList<>();
        random = new SplittableRandom(d);
    }

    /** The Q-values to choose on: {@code q − price · costs}. */
    public double[] priced(double[] q, double[] costs) {
        return price == 0 ? q : priced(q, costs, price);
    }

    private static double[] priced(double[] q, double[] costs, double lambda) {
        double[] p = new double[q.length];
        for (int a = 0; a < q.length; a++) {
            p[a] = q[a] - lambda * costs[a];
        }
        return p;
    }

    /** The expected spend of the sampled day at price {@code lambda}, scaled to all it saw. */
    double expectedSpend(double lambda, ActionSelector selector) {
        return expectedSpend(lambda, selector, seen);
    }

    /** The same scaled to {@code decisions} decisions. */
    private double expectedSpend(double lambda, ActionSelector selector, long decisions) {
        double total = 0;
        for (Sample s : sample) {
            double[] p = selector.probabilities(priced(s.q, s.costs, lambda), s.allowed);
            for (int a = 0; a < p.length; a++) {
                total += p[a] * s.costs[a];
            }
        }
        return sample.isEmpty() ? 0 : total * decisions / sample.size();
    }

    /**
     * The lowest price at which the expected spend of {@code decisions} decisions like the sampled
     * ones is at most {@code target}.
     */
    double solve(double target, ActionSelector selector, long decisions) {
        if (expectedSpend(0, selector, decisions) <= target) {
            return 0;
        }
        double hi = 1;
        while (hi < MAX_PRICE && expectedSpend(hi, selector, decisions) > target) {
            hi *= 2;
        }
        if (hi >= MAX_PRICE) {
            return MAX_PRICE; // exploration alone exceeds the target: the greedy choice is cheapest
        }
        double lo = 0;
        for (int i = 0; i < BISECTIONS && hi - lo > 1e-9 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (expectedSpend(mid, selector, decisions) > target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }
}
