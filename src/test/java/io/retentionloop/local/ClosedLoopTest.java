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

        // Q: e-mail 2 above none everywhere, coupon 1 below, push equal; free shipping not logged
        Map<String, Double> q = Map.of("none", 5.0, "email", 7.0, "push", 5.0, "coupon10", 4.0);
        List<TopicTally.Seen> decisions = new ArrayList<>();
        Map<String, double[]> expected = new HashMap<>(); // who -> email truth sum, count, agrees
        for (int i = 0; i < sim.users(); i++) {
            String user = sim.userId(i);
            boolean control = i % 10 == 0;
            decisions.add(
                    new TopicTally.Seen(
                            user, windowEnd, "none", "active", control, 20, 0, 3, 0, q));
            if (control) {
                continue;
            }
            String who =
                    sim.segmentOf(user) + (sim.isAlive(user, windowEnd) ? "" : " (dropped out)");
            double[] e = expected.computeIfAbsent(who, k -> new double[3]);
            e[0] += sim.expectedIncrementalProfit(user, "email", windowEnd, 28);
            e[1]++;
            String best = "none";
            double bestGain = 0;
            for (String a : List.of("email", "push", "coupon10")) {
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
                    assertThat(s.get("email").get("learned")).isEqualTo(2.0);
                    assertThat(s.get("coupon10").get("learned")).isEqualTo(-1.0);
                    assertThat(s.get("push").get("learned")).isEqualTo(0.0);
                    assertThat(s.get("email").get("decisions")).isEqualTo(e[1]);
                    assertThat(s.get("email").get("truth")).isCloseTo(e[0] / e[1], within(1e-9));
                    assertThat(s.get("best_action_agrees").get("learned"))
                            .isCloseTo(e[2] / e[1], within(1e-9));
                });
        // the world's e-mail gain differs by segment, so the comparison can tell segments apart
        assertThat(
                        bySegment.values().stream()
                                .mapToDouble(s -> s.get("email").get("truth"))
                                .distinct()
                                .count())
                .isGreaterThan(1);
    }
}
