package io.retentionloop.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroundTruthTest {

    private static final Set<String> ALL_ACTIONS =
            Set.of("none", "email", "push", "coupon10", "free_shipping");

    @Test
    void simulatedPurchasesAndRevenueMatchTheClosedForm() {
        WorldConfig world =
                TestWorlds.oneSegment(
                        "{shape: 4.0, rate: 40.0}", "{a: 2.0, b: 18.0}", TestWorlds.NO_NOISE);
        int users = 20_000;
        int horizon = 60;
        Simulator simulator = new Simulator(world, users, 11, TestWorlds.START);
        long start = TestWorlds.START.toEpochMilli();
        double expectedPurchases = 0;
        double expectedRevenue = 0;
        for (int i = 0; i < users; i++) {
            expectedPurchases += simulator.expectedPurchases(simulator.userId(i), start, horizon);
            expectedRevenue += simulator.expectedValue(simulator.userId(i), start, horizon);
        }

        TestWorlds.run(simulator, 0, horizon, new CollectingSink());

        // about 4.5 purchases per user: the sampling error of the total is well under 1%
        assertThat(expectedPurchases / users).isCloseTo(4.5, within(0.3));
        assertThat(simulator.stats().validEvents("purchase") / expectedPurchases)
                .isCloseTo(1.0, within(0.03));
        assertThat(simulator.stats().revenue() / expectedRevenue).isCloseTo(1.0, within(0.04));
    }

    @Test
    void deadUsersAreExpectedToBuyNothing() {
        WorldConfig world =
                TestWorlds.oneSegment(
                        "{shape: 4.0, rate: 20.0}", "{a: 8.0, b: 2.0}", TestWorlds.NO_NOISE);
        Simulator simulator = new Simulator(world, 500, 3, TestWorlds.START);
        TestWorlds.run(simulator, 0, 60, new CollectingSink());
        long t = simulator.dayStartMillis(60);

        int dead = 0;
        for (int i = 0; i < simulator.users(); i++) {
            String user = simulator.userId(i);
            if (!simulator.isAlive(user, t)) {
                dead++;
                assertThat(simulator.expectedPurchases(user, t, 30)).isZero();
                assertThat(simulator.expectedValue(user, t, 30)).isZero();
            } else {
                assertThat(simulator.expectedPurchases(user, t, 30)).isPositive();
            }
        }
        assertThat(dead).isGreaterThan(300);
    }

    @Test
    void incrementalProfitOfNoneIsExactlyZero() {
        Simulator simulator = new Simulator(TestWorlds.defaultWorld(), 2_000, 5, TestWorlds.START);
        TestWorlds.run(simulator, 0, 30, new CollectingSink());
        long t = simulator.dayStartMillis(30);

        for (int i = 0; i < simulator.users(); i++) {
            assertThat(simulator.expectedIncrementalProfit(simulator.userId(i), "none", t, 30))
                    .isEqualTo(0.0);
        }
    }

    @Test
    void bestActionDiffersAcrossSegmentsAndIsSometimesNone() {
        Simulator simulator = new Simulator(TestWorlds.defaultWorld(), 10_000, 5, TestWorlds.START);
        TestWorlds.run(simulator, 0, 60, new CollectingSink());
        long t = simulator.dayStartMillis(60);

        Map<String, Map<String, Integer>> bestBySegment = new HashMap<>();
        for (int i = 0; i < simulator.users(); i++) {
            String user = simulator.userId(i);
            if (simulator.isAlive(user, t)) {
                bestBySegment
                        .computeIfAbsent(simulator.segmentOf(user), s -> new HashMap<>())
                        .merge(simulator.oracleAction(user, t, 30, ALL_ACTIONS), 1, Integer::sum);
            }
        }
        Set<String> majorities = new HashSet<>();
        bestBySegment.values().forEach(counts -> majorities.add(majority(counts)));

        assertThat(bestBySegment).hasSize(4);
        assertThat(majorities).hasSizeGreaterThanOrEqualTo(3);
        assertThat(bestBySegment.get("deal_seekers")).containsOnlyKeys("coupon10");
        assertThat(majority(bestBySegment.get("casual"))).isEqualTo("email");
        assertThat(bestBySegment.get("loyal")).containsKey("none");
    }

    @Test
    void oracleOnlyPicksAllowedActionsWithPositiveProfit() {
        Simulator simulator = new Simulator(TestWorlds.defaultWorld(), 2_000, 5, TestWorlds.START);
        TestWorlds.run(simulator, 0, 30, new CollectingSink());
        long t = simulator.dayStartMillis(30);

        for (int i = 0; i < simulator.users(); i++) {
            String user = simulator.userId(i);
            String best = simulator.oracleAction(user, t, 30, Set.of("none", "email"));
            assertThat(best).isIn("none", "email");
            double emailProfit = simulator.expectedIncrementalProfit(user, "email", t, 30);
            assertThat(best).isEqualTo(emailProfit > 0 ? "email" : "none");
        }
    }

    @Test
    void groundTruthIsRefusedBeyondTheSimulatedDays() {
        Simulator simulator = new Simulator(TestWorlds.defaultWorld(), 10, 5, TestWorlds.START);
        TestWorlds.run(simulator, 0, 2, new CollectingSink());

        assertThatThrownBy(
                        () -> simulator.expectedPurchases("u01", simulator.dayStartMillis(3), 30))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not known yet: simulated up to 2025-01-03T00:00:00Z");
    }

    private static String majority(Map<String, Integer> counts) {
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
}
