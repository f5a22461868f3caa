package io.retentionloop.local;

import io.retentionloop.agent.ActionCatalogue;
import io.retentionloop.agent.BudgetShare;
import io.retentionloop.agent.Constraints;
import io.retentionloop.agent.InterventionHistory;
import io.retentionloop.job.JobConfig;
import io.retentionloop.lifecycle.LifecycleStage;
import io.retentionloop.simulate.Simulator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The world's side of the loop: at every window end the job's decisions (read committed from the
 * decisions topic) reach the simulated users, who react. Under the {@code oracle} policy the runner
 * chooses instead, from the world's latent state, within the same constraints (control group,
 * eligibility, cooldowns, frequency cap, daily budget), so the oracle is an upper bound the learned
 * policy can be held to. Also keeps the budget and profit accounting of the run.
 */
final class ClosedLoop {
    private static final long DAY = 86_400_000L;

    /**
     * Days over which the oracle prices an action, and over which the expected incremental profit
     * of every sent action is counted: fixed, not the agent's horizon, so that runs with different
     * {@code agent.horizon} (e.g. a short horizon with γ > 0) are held to the same oracle.
     */
    static final double EVALUATION_HORIZON_DAYS = 28;

    private static final String BEST_AGREES = "best_action_agrees";

    private final Simulator sim;
    private final ActionCatalogue catalogue;
    private final double dailyBudget;
    private final boolean oracle;
    private final long start;
    private final int days;
    private final Map<String, InterventionHistory> histories = new HashMap<>();
    private final BudgetShare oracleBudget = new BudgetShare();
    private final Map<Long, Double> spentByDay = new TreeMap<>();
    private final Map<String, Long> sent = new TreeMap<>();
    private final Map<String, Map<String, Long>> lastQuarterBySegment = new TreeMap<>();
    private final Map<String, Map<String, double[]>> advantageBySegment = new TreeMap<>();
    private final Map<String, Double> expectedGainBySegment = new TreeMap<>();
    private double expectedGain;
    private double expectedGainLastQuarter;
    private double inQuarterGain;
    private double inQuarterGainFromEarlierSends;
    private final Map<String, Double> inQuarterGainBySegment = new TreeMap<>();
    private long controlTreated;

    ClosedLoop(Simulator sim, JobConfig config, String policy, long start, int days) {
        this.sim = sim;
        this.catalogue = config.catalogue();
        this.dailyBudget = config.agent().dailyBudget();
        this.oracle = policy.equals("oracle");
        this.start = start;
        this.days = days;
    }

    /** Applies (or, for the oracle, chooses and applies) the actions of one window end. */
    void react(long windowEnd, List<TopicTally.Seen> decisions) {
        boolean lastQuarter = windowEnd >= lastQuarter();
        for (TopicTally.Seen d : decisions) {
            String action = oracle ? oracleAction(d, windowEnd) : d.action();
            // segment and alive/dropped-out before the action is applied
            String who = who(d, windowEnd);
            if (lastQuarter) {
                lastQuarterBySegment
                        .computeIfAbsent(who, k -> new TreeMap<>())
                        .merge(action, 1L, Long::sum);
                if (!d.control()) {
                    compareAdvantages(who, d, windowEnd);
                }
            }
            if (action.equals(ActionCatalogue.NONE)) {
                continue;
            }
            // what the world expects the action to add, from its latent state: a low-noise
            // companion to realized profit (over EVALUATION_HORIZON_DAYS)
            double gain =
                    sim.expectedIncrementalProfit(
                            d.userId(), action, windowEnd, EVALUATION_HORIZON_DAYS);
            expectedGain += gain;
            if (lastQuarter) {
                expectedGainLastQuarter += gain;
                expectedGainBySegment.merge(who, gain, Double::sum);
            }
            double inQuarter = inQuarterGain(d.userId(), action, windowEnd);
            inQuarterGain += inQuarter;
            if (!lastQuarter) {
                inQuarterGainFromEarlierSends += inQuarter;
            }
            inQuarterGainBySegment.merge(who, inQuarter, Double::sum);
            if (d.control()) {
                controlTreated++;
            }
            double cost =
                    oracle
                            ? catalogue.get(catalogue.indexOf(action)).cost(d.expectedSpend())
                            : d.expectedCost();
            spentByDay.merge(Math.floorDiv(windowEnd, DAY), cost, Double::sum);
            sent.merge(action, 1L, Long::sum);
            sim.applyIntervention(d.userId(), action, windowEnd);
        }
    }

    /**
     * For a decision with Q-values, adds each action's learned advantage over none, Q(a) − Q(none),
     * next to the world's expected incremental profit of that action (over {@link
     * #EVALUATION_HORIZON_DAYS}, before the decision is applied), and counts whether the learned
     * and the true best action (none included) agree.
     */
    private void compareAdvantages(String who, TopicTally.Seen d, long windowEnd) {
        Double none = d.qValues().get(ActionCatalogue.NONE);
        if (none == null) {
            return;
        }
        Map<String, double[]> perAction =
                advantageBySegment.computeIfAbsent(who, k -> new TreeMap<>());
        String learnedBest = ActionCatalogue.NONE;
        String trueBest = ActionCatalogue.NONE;
        double learnedMax = 0;
        double learnedBestTruth = 0;
        double trueMax = 0;
        for (int a = 1; a < catalogue.size(); a++) {
            String id = catalogue.id(a);
            Double q = d.qValues().get(id);
            if (q == null || !Double.isFinite(q) || !allowed(d, id)) {
                continue;
            }
            double truth =
                    sim.expectedIncrementalProfit(
                            d.userId(), id, windowEnd, EVALUATION_HORIZON_DAYS);
            double[] sums = perAction.computeIfAbsent(id, k -> new double[3]);
            sums[0] += q - none;
            sums[1] += truth;
            sums[2]++;
            if (q - none > learnedMax) {
                learnedMax = q - none;
                learnedBest = id;
                learnedBestTruth = truth;
            }
            if (truth > trueMax) {
                trueMax = truth;
                trueBest = id;
            }
        }
        double[] agree = perAction.computeIfAbsent(BEST_AGREES, k -> new double[4]);
        agree[0] += learnedBest.equals(trueBest) ? 1 : 0;
        agree[1] += trueMax;
        agree[2]++;
        agree[3] += learnedBestTruth;
    }

    /**
     * Whether the decision could have chosen the action: its logged probability is above 0 (stage,
     * cooldown, frequency cap and budget allowed it). The network's output for an action it could
     * not choose is never trained, so comparing it with the truth says nothing. Decisions logged
     * without probabilities count every action.
     */
    private static boolean allowed(TopicTally.Seen d, String action) {
        return d.probabilities().isEmpty() || d.probabilities().getOrDefault(action, 0.0) > 0;
    }

    private String oracleAction(TopicTally.Seen d, long windowEnd) {
        if (d.control()) {
            return ActionCatalogue.NONE;
        }
        InterventionHistory h =
                histories.computeIfAbsent(d.userId(), u -> InterventionHistory.create(catalogue));
        LifecycleStage stage = LifecycleStage.valueOf(d.stage().toUpperCase(Locale.ROOT));
        boolean[] allowed = Constraints.allowed(catalogue, stage, h, windowEnd);
        double[] costs = new double[catalogue.size()];
        for (int a = 0; a < costs.length; a++) {
            costs[a] = catalogue.get(a).cost(d.expectedSpend());
        }
        Constraints.applyBudget(allowed, costs, oracleBudget.remaining(windowEnd, dailyBudget));
        Set<String> ids = new LinkedHashSet<>();
        for (int a = 0; a < allowed.length; a++) {
            if (allowed[a]) {
                ids.add(catalogue.id(a));
            }
        }
        String best = sim.oracleAction(d.userId(), windowEnd, EVALUATION_HORIZON_DAYS, ids);
        int a = catalogue.indexOf(best);
        if (a > 0 && oracleBudget.charge(windowEnd, costs[a], dailyBudget)) {
            h.recordSend(catalogue, a, windowEnd);
            return best;
        }
        return ActionCatalogue.NONE;
    }

    /** The share of the daily budget committed, per epoch day with any. */
    Map<Long, Double> budgetShareByDay() {
        Map<Long, Double> share = new TreeMap<>();
        spentByDay.forEach((day, v) -> share.put(day, dailyBudget > 0 ? v / dailyBudget : 0));
        return share;
    }

    /** The highest share of the daily budget committed on any day. */
    double maxDailyBudgetShare() {
        double max = 0;
        for (double v : spentByDay.values()) {
            max = Math.max(max, dailyBudget > 0 ? v / dailyBudget : 0);
        }
        return max;
    }

    Map<String, Long> sent() {
        return sent;
    }

    long controlTreated() {
        return controlTreated;
    }

    /**
     * The world's expected incremental profit (over the agent's horizon, from latent state) of the
     * actions sent at window ends in {@code [from, end)}, per user.
     */
    double expectedIncrementalProfitPerUser(boolean lastQuarterOnly) {
        return (lastQuarterOnly ? expectedGainLastQuarter : expectedGain) / sim.users();
    }

    /**
     * What the world expects {@code action}, sent at {@code t}, to add to the last quarter's profit
     * against no action then and after: its expected incremental profit over (t, end] less that
     * over (t, start of the last quarter] when sent before it. Summed over every send of the run,
     * this is the expectation of the last quarter's realized incremental profit over the world
     * under no action (the performance difference lemma: each send's advantage over no action, with
     * no action afterwards, on the states the policy led to), without the noise of the purchases
     * drawn: what a send earns after the quarter is lost to it, a user won back, or driven away,
     * earlier counts in it for as long as it lasts, and so do purchases an earlier send pulled
     * forward out of it.
     */
    private double inQuarterGain(String user, String action, long t) {
        double toEnd = sim.expectedIncrementalProfit(user, action, t, (end() - t) / (double) DAY);
        if (t >= lastQuarter()) {
            return toEnd;
        }
        return toEnd
                - sim.expectedIncrementalProfit(
                        user, action, t, (lastQuarter() - t) / (double) DAY);
    }

    /**
     * The world's expectation of the last quarter's realized incremental profit per user, from
     * every send of the run ({@link #inQuarterGain}).
     */
    double inQuarterExpectedIncrementalProfitPerUser() {
        return inQuarterGain / sim.users();
    }

    /**
     * The part of {@link #inQuarterExpectedIncrementalProfitPerUser()} that sends before the last
     * quarter make: users won back or driven away then, still buying or not in it, and purchases
     * pulled forward out of it (a user buys about 1 / dropout times in all). Under a learned
     * policy, the legacy of its learning.
     */
    double inQuarterExpectedIncrementalProfitPerUserFromEarlierSends() {
        return inQuarterGainFromEarlierSends / sim.users();
    }

    /**
     * {@link #inQuarterExpectedIncrementalProfitPerUser()} by segment and alive/dropped-out when
     * the action was sent.
     */
    Map<String, Double> inQuarterExpectedGainBySegment() {
        return perUser(inQuarterGainBySegment);
    }

    /**
     * The world's expected incremental profit of the last quarter's actions per user, by segment
     * and alive/dropped-out (from truth): where a policy earns, and where it falls short of
     * another.
     */
    Map<String, Double> lastQuarterExpectedGainBySegment() {
        return perUser(expectedGainBySegment);
    }

    private Map<String, Double> perUser(Map<String, Double> gainBySegment) {
        Map<String, Double> out = new TreeMap<>();
        gainBySegment.forEach((who, gain) -> out.put(who, gain / sim.users()));
        return out;
    }

    /** The decision's user's segment, and whether they had dropped out (from truth). */
    private String who(TopicTally.Seen d, long windowEnd) {
        return sim.segmentOf(d.userId())
                + (sim.isAlive(d.userId(), windowEnd) ? "" : " (dropped out)");
    }

    /** Decisions per action in the last quarter, by segment and alive/dropped-out (from truth). */
    Map<String, Map<String, Long>> lastQuarterActionsBySegment() {
        return lastQuarterBySegment;
    }

    /**
     * Last quarter, per segment and alive/dropped-out, for decisions with Q-values: each action's
     * mean learned advantage over none ({@code learned}) next to the mean of the world's expected
     * incremental profit of that action over {@link #EVALUATION_HORIZON_DAYS} ({@code truth}) on
     * the same decisions, counting only the decisions that allowed the action ({@code decisions}),
     * and under {@code best_action_agrees} the share of decisions whose highest-Q action among the
     * allowed ones (none included, no budget price) is the truly best allowed one ({@code
     * learned}), the mean true gain of that action ({@code truth}) and the mean true gain of the
     * highest-Q action ({@code greedy}: what the policy would make without exploring, budget
     * aside). Empty for policies without Q-values.
     */
    Map<String, Map<String, Map<String, Double>>> lastQuarterAdvantageBySegment() {
        Map<String, Map<String, Map<String, Double>>> out = new TreeMap<>();
        advantageBySegment.forEach(
                (who, perAction) ->
                        perAction.forEach(
                                (action, sums) -> {
                                    Map<String, Double> row = new TreeMap<>();
                                    row.put("learned", sums[0] / sums[2]);
                                    row.put("truth", sums[1] / sums[2]);
                                    row.put("decisions", sums[2]);
                                    if (action.equals(BEST_AGREES)) {
                                        row.put("greedy", sums[3] / sums[2]);
                                    }
                                    out.computeIfAbsent(who, k -> new TreeMap<>()).put(action, row);
                                }));
        return out;
    }

    /** Realized profit (revenue − action cost) per user over {@code [from, to)}. */
    double profitPerUser(long from, long to) {
        double total = 0;
        for (int i = 0; i < sim.users(); i++) {
            total += sim.realizedProfit(sim.userId(i), from, to);
        }
        return total / sim.users();
    }

    long start() {
        return start;
    }

    long end() {
        return start + days * DAY;
    }

    /** Start of the last quarter of the run. */
    long lastQuarter() {
        return start + (long) (days * 0.75) * DAY;
    }
}
