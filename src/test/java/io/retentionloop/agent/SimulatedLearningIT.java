package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.job.JobConfig;
import io.retentionloop.learner.DqnLearner;
import io.retentionloop.learner.Transition;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.local.OfflineLifecycle;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The agent's pieces against the simulator's ground truth. 4,000 simulated users go through the
 * real lifecycle code; every second window end (after an 8-week warm-up, 6 times) each live user
 * gets a uniformly random allowed action, and the decision is rewarded with the user's realized
 * profit (revenue − action cost) over the following 14 days. The job's learner (its default
 * settings with γ = 0) trained on that log then chooses for every live user at a later window end,
 * and the simulator's expected incremental profit of its choices must beat random choice and doing
 * nothing.
 *
 * <p>Not the closed loop's bar: about 17,500 decisions with rewards this noisy. With the job's
 * learner settings (input penalty {@code learner.input-l1} 0.0001, {@code learner.noise-weighting}
 * 0.2) the learned policy makes 2.97 per user, 0.67 of the oracle's 4.43 and 0.86 of what a coupon
 * for everyone makes (3.47), against random's 1.59 (measured; the same to the last digit on a
 * rerun). With the release before's (penalty 0.0003, no weighting) it made 3.36 to 3.42, 0.77 of
 * the oracle: on this small γ = 0 log the stronger penalty does better, in the closed loop the
 * weaker one with weighting does (README). Without any penalty it made 2.31, half of the oracle.
 * With 2,000 users (8,700 decisions) the margin over random was within the run-to-run spread.
 */
class SimulatedLearningIT {

    static final long DAY = 86_400_000L;
    static final int USERS = 4000;
    static final int HORIZON_DAYS = 14;

    private final ActionCatalogue catalogue = ActionCatalogueTest.shipped();
    private final StateEncoder encoder = new StateEncoder(catalogue);
    private final LifecycleRules rules = LifecycleRules.DEFAULTS;
    private final OfflineLifecycle lifecycle = new OfflineLifecycle(rules);
    private final Map<String, InterventionHistory> histories = new LinkedHashMap<>();

    /** A logged decision waiting for its horizon to pass. */
    private record Logged(String user, long t, double[] state, int action, double propensity) {}

    @Test
    void learnedBanditPolicyBeatsRandomAndNoneInExpectedIncrementalProfit() throws IOException {
        WorldConfig shipped = WorldConfig.load(Path.of("conf/world.yaml"));
        WorldConfig world =
                new WorldConfig(
                        shipped.currency(),
                        shipped.refundProbability(),
                        shipped.arrivalDays(),
                        shipped.segments(),
                        shipped.actions(),
                        new WorldConfig.BadRecords(0.0, Map.of("malformed_json", 1.0), 0.0));
        long start = rules.windowEndFor(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli());
        Simulator sim = new Simulator(world, USERS, 7, Instant.ofEpochMilli(start));
        long window = rules.windowMillis();
        long firstDecision = start + 8 * window;
        long lastDecision = firstDecision + 10 * window;
        long evaluation = lastDecision + 2 * window;

        SplittableRandom logging = new SplittableRandom(3);
        List<Logged> pending = new ArrayList<>();
        List<Transition> log = new ArrayList<>();
        List<WindowSnapshot> evaluated = List.of();
        for (int d = 0; sim.dayStartMillis(d) < evaluation; d++) {
            lifecycle.simulateDay(sim, d);
            long now = sim.dayStartMillis(d + 1);
            for (Iterator<Logged> it = pending.iterator(); it.hasNext(); ) {
                Logged l = it.next();
                long end = l.t() + HORIZON_DAYS * DAY;
                if (now >= end) {
                    double reward = sim.realizedProfit(l.user(), l.t(), end);
                    log.add(
                            new Transition(
                                    l.state(),
                                    l.action(),
                                    reward,
                                    null,
                                    true,
                                    l.propensity(),
                                    0,
                                    Decision.idOf(l.user(), l.t())));
                    it.remove();
                }
            }
            if ((now - start) % window != 0) {
                continue;
            }
            List<WindowSnapshot> snapshots = lifecycle.closeWindows();
            for (WindowSnapshot s : snapshots) { // as the agent does at every window end
                histories
                        .computeIfAbsent(s.userId, u -> InterventionHistory.create(catalogue))
                        .recordWindow(catalogue, s);
            }
            if (now == evaluation) {
                evaluated = snapshots;
            } else if (now >= firstDecision
                    && now <= lastDecision
                    && (now - firstDecision) % (2 * window) == 0) {
                for (WindowSnapshot s : snapshots) {
                    InterventionHistory h =
                            histories.computeIfAbsent(
                                    s.userId, u -> InterventionHistory.create(catalogue));
                    boolean[] allowed = Constraints.allowed(catalogue, s.stage, h, now);
                    int action = uniformAllowed(allowed, logging);
                    double[] state = encoder.encode(s, null, h);
                    sim.applyIntervention(s.userId, catalogue.id(action), now);
                    h.recordSend(catalogue, action, now);
                    pending.add(new Logged(s.userId, now, state, action, 1.0 / count(allowed)));
                }
            }
        }

        DqnLearner learner =
                new DqnLearner(
                        JobConfig.load(null, List.of()).dqnSettings().withGamma(0).withSeed(11),
                        encoder.size(),
                        catalogue.size());
        log.forEach(learner::add);
        int updates = learner.train(Integer.MAX_VALUE);

        double[][] states = new double[evaluated.size()][];
        boolean[][] masks = new boolean[evaluated.size()][];
        for (int i = 0; i < states.length; i++) {
            WindowSnapshot s = evaluated.get(i);
            InterventionHistory h = histories.get(s.userId);
            states[i] = encoder.encode(s, null, h);
            masks[i] = Constraints.allowed(catalogue, s.stage, h, evaluation);
        }
        double[][] q = learner.qValues(states);
        ActionSelector greedyOnly = new ActionSelector(0.0, 1e-9);
        double learned = 0;
        double random = 0;
        double oracle = 0;
        double[] fixed = new double[catalogue.size()];
        for (int i = 0; i < states.length; i++) {
            String user = evaluated.get(i).userId;
            double sum = 0;
            double best = 0;
            for (int a = 0; a < catalogue.size(); a++) {
                if (masks[i][a]) {
                    double profit =
                            sim.expectedIncrementalProfit(
                                    user, catalogue.id(a), evaluation, HORIZON_DAYS);
                    sum += profit;
                    best = Math.max(best, profit);
                    fixed[a] += profit;
                }
            }
            random += sum / count(masks[i]);
            oracle += best;
            int chosen =
                    greedyOnly.select(q[i], masks[i], Decision.idOf(user, evaluation)).greedy();
            learned +=
                    sim.expectedIncrementalProfit(
                            user, catalogue.id(chosen), evaluation, HORIZON_DAYS);
        }
        int n = states.length;
        System.out.printf(
                "simulated bandit: %d logged decisions, %d updates, %d users evaluated;"
                        + " expected incremental profit per user over %d d: learned %.3f,"
                        + " random %.3f, none 0, oracle %.3f (learned/oracle %.2f)%n",
                log.size(),
                updates,
                n,
                HORIZON_DAYS,
                learned / n,
                random / n,
                oracle / n,
                learned / oracle);
        for (int a = 1; a < fixed.length; a++) {
            System.out.printf("  always %s where allowed: %.3f%n", catalogue.id(a), fixed[a] / n);
        }
        assertThat(log.size()).isGreaterThan(8000);
        assertThat(learned).as("beats doing nothing").isGreaterThan(0);
        assertThat(learned / n).as("beats random").isGreaterThan(random / n + 1.2);
        double bestFixed = Arrays.stream(fixed).max().orElseThrow();
        assertThat(learned).as("close to the best fixed action").isGreaterThan(0.85 * bestFixed);
    }

    private static int uniformAllowed(boolean[] allowed, SplittableRandom rnd) {
        int pick = rnd.nextInt(count(allowed));
        for (int a = 0; a < allowed.length; a++) {
            if (allowed[a] && pick-- == 0) {
                return a;
            }
        }
        throw new IllegalStateException();
    }

    private static int count(boolean[] allowed) {
        int k = 0;
        for (boolean a : allowed) {
            k += a ? 1 : 0;
        }
        return k;
    }
}
