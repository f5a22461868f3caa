package io.retentionloop.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.job.JobConfig;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClosedLoopTest {
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    static final long DAY = 86_400_000L;

    /**
     * The last quarter's learned-vs-true advantages: per segment, the mean of Q(a) − Q(none) and of
     * the world's expected gain of a on the same decisions, control group left out, and whether the
     * highest-Q action is the truly best one.
     */
    @Test
    void comparesLearnedAdvantagesWithTheWorldsTruthBySegment() throws Exception {
        Simulator sim = new Simulator(WorldConfig.load(Path.of("conf/world.yaml")), 60, 11, START);
        for (int day = 0; day < 21; day++) {
            sim.simulateDay(day, (key, value, t, kind, reason) -> {});
        }
        JobConfig config = JobConfig.load(null, List.of());
        ClosedLoop loop = new ClosedLoop(sim, config, "learned", START.toEpochMilli(), 28);
        long windowEnd = START.toEpochMilli() + 21 * DAY;
        assertThat(windowEnd).isGreaterThanOrEqualTo(loop.lastQuarter());

        // Q: e-mail 2 above none everywhere, coupon 1 below, push equal; free shipping not logged.
        // The coupon is allowed (probability above 0) for every other user only: where it is
        // not, its output was never trained and it takes no part in the comparison.
        Map<String, Double> q = Map.of("none", 5.0, "email", 7.0, "push", 5.0, "coupon10", 4.0);
        Map<String, Double> withCoupon =
                Map.of("none", 0.1, "email", 0.8, "push", 0.05, "coupon10", 0.05);
        Map<String, Double> withoutCoupon =
                Map.of("none", 0.1, "email", 0.85, "push", 0.05, "coupon10", 0.0);
        List<TopicTally.Seen> decisions = new ArrayList<>();
        // who -> email truth sum, count, agrees, coupon decisions
        Map<String, double[]> expected = new HashMap<>();
        for (int i = 0; i < sim.users(); i++) {
            String user = sim.userId(i);
            boolean control = i % 10 == 0;
            boolean coupon = i % 2 == 0;
            decisions.add(
                    new TopicTally.Seen(
                            user,
                            windowEnd,
                            "none",
                            "active",
                            control,
                            20,
                            0,
                            3,
                            0,
                            q,
                            coupon ? withCoupon : withoutCoupon));
            if (control) {
                continue;
            }
            String who =
                    sim.segmentOf(user) + (sim.isAlive(user, windowEnd) ? "" : " (dropped out)");
            double[] e = expected.computeIfAbsent(who, k -> new double[4]);
            e[0] += sim.expectedIncrementalProfit(user, "email", windowEnd, 28);
            e[1]++;
            e[3] += coupon ? 1 : 0;
            String best = "none";
            double bestGain = 0;
            for (String a :
                    coupon ? List.of("email", "push", "coupon10") : List.of("email", "push")) {
                double g = sim.expectedIncrementalProfit(user, a, windowEnd, 28);
                if (g > bestGain) {
                    bestGain = g;
                    best = a;
                }
            }
            e[2] += best.equals("email") ? 1 : 0;
        }
        loop.react(windowEnd, decisions);

        Map<String, Map<String, Map<String, Double>>> bySegment =
                loop.lastQuarterAdvantageBySegment();
        assertThat(bySegment.keySet()).isEqualTo(expected.keySet());
        expected.forEach(
                (who, e) -> {
                    Map<String, Map<String, Double>> s = bySegment.get(who);
                    assertThat(s)
                            .containsOnlyKeys("email", "push", "coupon10", "best_action_agrees");
                    assertThat(s.get("coupon10").get("decisions")).isEqualTo(e[3]);
                    assertThat(s.get("email").get("learned")).isEqualTo(2.0);
                    assertThat(s.get("coupon10").get("learned")).isEqualTo(-1.0);
                    assertThat(s.get("push").get("learned")).isEqualTo(0.0);
                    assertThat(s.get("email").get("decisions")).isEqualTo(e[1]);
                    assertThat(s.get("email").get("truth")).isCloseTo(e[0] / e[1], within(1e-9));
                    assertThat(s.get("best_action_agrees").get("learned"))
                            .isCloseTo(e[2] / e[1], within(1e-9));
                    // the highest-Q action is always e-mail: without exploring, its true gain
                    assertThat(s.get("best_action_agrees").get("greedy"))
                            .isCloseTo(e[0] / e[1], within(1e-9));
                });
        // the world's e-mail gain differs by segment, so the comparison can tell segments apart
        assertThat(
                        bySegment.values().stream()
                                .mapToDouble(s -> s.get("email").get("truth"))
                                .distinct()
                                .count())
                .isGreaterThan(1);
    }

    /**
     * The world's expectation of the last quarter's realized incremental profit, from each send's
     * expected gain over the part of its effect inside the quarter, agrees with what the same world
     * realizes against itself under no action: coupons sent to everyone before the quarter (whom
     * they win back keeps buying in it, whom they made buy sooner buys less in it) and again inside
     * it (whose effect the run's end cuts).
     */
    @Test
    void expectsTheLastQuartersRealizedIncrementalProfitFromEverySend() throws Exception {
        WorldConfig world = WorldConfig.load(Path.of("conf/world.yaml"));
        JobConfig config = JobConfig.load(null, List.of());
        int users = 20_000;
        int days = 40;
        Simulator treated = new Simulator(world, users, 9, START);
        Simulator untreated = new Simulator(world, users, 9, START);
        ClosedLoop loop = new ClosedLoop(treated, config, "learned", START.toEpochMilli(), days);
        ClosedLoop none = new ClosedLoop(untreated, config, "none", START.toEpochMilli(), days);
        List<Integer> sendDays = List.of(14, 35);
        for (int day = 0; day < days; day++) {
            if (sendDays.contains(day)) {
                long t = START.toEpochMilli() + day * DAY;
                List<TopicTally.Seen> sends = new ArrayList<>();
                for (int i = 0; i < users; i++) {
                    sends.add(
                            new TopicTally.Seen(
                                    treated.userId(i),
                                    t,
                                    "coupon10",
                                    "active",
                                    false,
                                    30,
                                    0,
                                    3,
                                    0,
                                    Map.of(),
                                    Map.of()));
                }
                loop.react(t, sends);
            }
            treated.simulateDay(day, (key, value, t, kind, reason) -> {});
            untreated.simulateDay(day, (key, value, t, kind, reason) -> {});
        }
        double realized =
                loop.profitPerUser(loop.lastQuarter(), loop.end())
                        - none.profitPerUser(none.lastQuarter(), none.end());
        double expected = loop.inQuarterExpectedIncrementalProfitPerUser();
        double lastQuarterSendsOver28Days = loop.expectedIncrementalProfitPerUser(true);

        assertThat(realized).isPositive();
        // two independent worlds of 20,000 users: over ten world seeds the realized difference
        // was 0.80 ± 0.17 per user (mean ± standard deviation), the expectation 0.85 ± 0.02
        assertThat(expected).isCloseTo(realized, within(0.5));
        // the 28-day expectation of the quarter's own sends is not what the quarter realizes:
        // it leaves out the first coupons' reactivations and counts days after the run's end
        assertThat(Math.abs(lastQuarterSendsOver28Days - realized))
                .isGreaterThan(2 * Math.abs(expected - realized));
        // the first coupons' part is below zero: a user buys about 1 / dropout times in all, so
        // the purchases they pulled forward into their two weeks are missing from the quarter,
        // and that outweighs the users they won back
        assertThat(loop.inQuarterExpectedIncrementalProfitPerUserFromEarlierSends()).isNegative();
        assertThat(
                        loop.inQuarterExpectedGainBySegment().values().stream()
                                .mapToDouble(v -> v)
                                .sum())
                .isCloseTo(expected, within(1e-9));
    }
}
