package io.retentionloop.simulate;

import io.retentionloop.simulate.WorldConfig.Action;
import java.time.Instant;
import java.util.Set;

/**
 * A deterministic world of e-commerce users: produces their event stream day by day, lets them
 * react to interventions, and answers what their latent state says they will do.
 *
 * <p>The same (config, users, seed, start) and the same interventions give byte-identical output
 * whatever the sink does. Each user owns their random generators, so acting on one user never
 * changes what any other user does. Days must be simulated in order, from day 0. Ground-truth
 * questions may be asked about any time up to the end of the last simulated day. Not thread-safe.
 */
public final class Simulator {

    private static final long DAY_MILLIS = 86_400_000L;

    private final WorldConfig config;
    private final long startMillis;
    private final Population population;
    private final DayBuckets buckets;
    private final EventJson json;
    private final UserBehaviour behaviour;
    private final GroundTruth truth;
    private final SimStats stats;
    private int nextDay;

    /**
     * Draws the population: each user's segment, purchase rate, dropout probability, spend and
     * arrival time.
     *
     * @param users how many users; ids run from {@code u1} to {@code u<users>}, zero padded to the
     *     width of {@code users}
     * @param start when day 0 begins
     */
    public Simulator(WorldConfig config, int users, long seed, Instant start) {
        this.config = config;
        this.startMillis = start.toEpochMilli();
        this.population = new Population(config, users, seed);
        this.stats = new SimStats(config.actions().stream().map(Action::id).toList());
        this.buckets = new DayBuckets(startMillis);
        this.json = new EventJson(population.ids(), config.currency());
        Noise noise =
                new Noise(
                        config.badRecords(),
                        new BadRecordFactory(json, population.ids(), startMillis));
        this.behaviour = new UserBehaviour(config, startMillis, buckets, noise, stats);
        this.truth = new GroundTruth(config);
    }

    /**
     * Produces every record whose time falls on day {@code day} ([start + day, start + day + 1)),
     * in time order, then calls {@link SimSink#endOfDay}.
     *
     * @throws IllegalStateException if {@code day} is not the next day to simulate
     */
    public void simulateDay(int day, SimSink sink) {
        if (day != nextDay) {
            throw new IllegalStateException(
                    "days must be simulated in order: expected day " + nextDay + ", got " + day);
        }
        double dayStart = day * (double) DAY_MILLIS;
        double dayEnd = dayStart + DAY_MILLIS;
        for (int i = 0; i < population.size(); i++) {
            behaviour.advance(population.get(i), dayStart, dayEnd);
        }
        nextDay = day + 1;
        for (Pending record : buckets.drain(day)) {
            produce(record, sink);
        }
        sink.endOfDay(day, startMillis + (day + 1) * DAY_MILLIS);
    }

    private void produce(Pending record, SimSink sink) {
        if (record instanceof Pending.Valid valid) {
            stats.countValid(valid);
            sink.record(
                    population.id(valid.user()),
                    json.valid(valid),
                    valid.timeMillis(),
                    RecordKind.VALID,
                    null);
        } else if (record instanceof Pending.Duplicate duplicate) {
            stats.countDuplicate();
            Pending.Valid original = duplicate.original();
            sink.record(
                    population.id(original.user()),
                    json.valid(original),
                    duplicate.timeMillis(),
                    RecordKind.DUPLICATE,
                    null);
        } else if (record instanceof Pending.Bad bad) {
            stats.countBad(bad.kind());
            sink.record(
                    bad.key(), bad.payload(), bad.timeMillis(), RecordKind.BAD, bad.kind().id());
        }
    }

    /**
     * Sends an action to a user. It takes effect at {@code decisionTimeMillis}, or at the start of
     * the next day to simulate if that time is already simulated. At that moment an alive user may
     * drop out (annoyance) and a dropped-out user may come back (reactivation); the action's rate
     * multiplier then runs for its effect days, replacing any effect still running. The fixed cost
     * is booked at once; the revenue share on each purchase during the effect.
     *
     * @throws IllegalArgumentException for an unknown user or action
     */
    public void applyIntervention(String userId, String actionId, long decisionTimeMillis) {
        User user = population.byId(userId);
        int action = actionIndex(actionId);
        double at = Math.max(decisionTimeMillis - startMillis, simulatedUntil());
        double fixed = config.actions().get(action).cost().fixed();
        stats.addSend(action, fixed);
        if (fixed > 0) {
            user.ledger.addCost(startMillis + (long) Math.floor(at), fixed);
        }
        if (!config.actions().get(action).isNoAction()) {
            user.schedule(at, action);
        }
    }

    /** Whether the user was alive (arrived and not dropped out) at {@code t}. */
    public boolean isAlive(String userId, long t) {
        return population.byId(userId).aliveAt(sinceStart(t));
    }

    /** The name of the user's segment. */
    public String segmentOf(String userId) {
        return config.segments().get(population.byId(userId).segment).name();
    }

    /**
     * Expected purchases in the {@code horizonDays} after {@code t}: (1 − e^(−λpH)) / p for an
     * alive user (λH when p = 0), with λ raised by any action effect still running; 0 if dead.
     */
    public double expectedPurchases(String userId, long t, double horizonDays) {
        return truth.expectedPurchases(population.byId(userId), sinceStart(t), horizonDays);
    }

    /** Expected revenue in the {@code horizonDays} after {@code t}: purchases × mean spend. */
    public double expectedValue(String userId, long t, double horizonDays) {
        return truth.expectedValue(population.byId(userId), sinceStart(t), horizonDays);
    }

    /**
     * Expected revenue over the horizon if the action were sent at {@code t}, minus expected
     * revenue without it, minus its expected cost. Exactly 0 for {@code none}.
     */
    public double expectedIncrementalProfit(
            String userId, String actionId, long t, double horizonDays) {
        return truth.expectedIncrementalProfit(
                population.byId(userId), actionIndex(actionId), sinceStart(t), horizonDays);
    }

    /**
     * The allowed action with the highest expected incremental profit, or {@code none} when no
     * action is expected to pay for itself. Ties go to the earlier action in the catalogue.
     */
    public String oracleAction(String userId, long t, double horizonDays, Set<String> allowed) {
        User user = population.byId(userId);
        double since = sinceStart(t);
        allowed.forEach(this::actionIndex); // rejects unknown ids
        String best = WorldConfig.NO_ACTION;
        double bestProfit = 0;
        for (int a = 0; a < config.actions().size(); a++) {
            String id = config.actions().get(a).id();
            if (allowed.contains(id)) {
                double profit = truth.expectedIncrementalProfit(user, a, since, horizonDays);
                if (profit > bestProfit) {
                    best = id;
                    bestProfit = profit;
                }
            }
        }
        return best;
    }

    /** Revenue of the user's purchases in [fromMillis, toMillis). */
    public double realizedRevenue(String userId, long fromMillis, long toMillis) {
        return population.byId(userId).ledger.revenue(fromMillis, toMillis);
    }

    /** Cost of the actions sent to the user, booked in [fromMillis, toMillis). */
    public double realizedCost(String userId, long fromMillis, long toMillis) {
        return population.byId(userId).ledger.cost(fromMillis, toMillis);
    }

    /** Revenue minus action cost for the user in [fromMillis, toMillis). */
    public double realizedProfit(String userId, long fromMillis, long toMillis) {
        Ledger ledger = population.byId(userId).ledger;
        return ledger.revenue(fromMillis, toMillis) - ledger.cost(fromMillis, toMillis);
    }

    /** Counts and money so far. */
    public SimStats stats() {
        return stats;
    }

    public int users() {
        return population.size();
    }

    /** The id of the user with this index in [0, users). */
    public String userId(int index) {
        return population.id(index);
    }

    /** The next day {@link #simulateDay} expects. */
    public int nextDay() {
        return nextDay;
    }

    /** Epoch millis of the start of day {@code day}. */
    public long dayStartMillis(int day) {
        return startMillis + day * DAY_MILLIS;
    }

    public WorldConfig config() {
        return config;
    }

    private double simulatedUntil() {
        return nextDay * (double) DAY_MILLIS;
    }

    private double sinceStart(long t) {
        double since = t - startMillis;
        if (since > simulatedUntil()) {
            throw new IllegalArgumentException(
                    "ground truth at "
                            + Instant.ofEpochMilli(t)
                            + " is not known yet: simulated up to "
                            + Instant.ofEpochMilli(startMillis + (long) simulatedUntil()));
        }
        return since;
    }

    private int actionIndex(String actionId) {
        int i = config.actionIndex(actionId);
        if (i < 0) {
            throw new IllegalArgumentException(
                    "unknown action '"
                            + actionId
                            + "' (actions: "
                            + config.actions().stream().map(Action::id).toList()
                            + ")");
        }
        return i;
    }
}
