package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ActionSelectorTest {

    private final ActionSelector selector = new ActionSelector(0.1, 0.01);

    @Test
    void probabilitiesSumToOneRespectTheFloorAndZeroTheDisallowed() {
        double[] q = {0.0, 2.0, 1.0, 3.0, -1.0};
        boolean[] allowed = {true, true, false, true, true};
        double[] p = selector.probabilities(q, allowed);
        assertThat(p[2]).isZero();
        assertThat(p[3]).as("greedy").isCloseTo(1 - 3 * 0.025, within(1e-12));
        assertThat(p[0]).isEqualTo(0.025);
        assertThat(sum(p)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void floorBindsWhenExplorationIsSmall() {
        ActionSelector nearlyGreedy = new ActionSelector(0.0, 0.02);
        double[] p = nearlyGreedy.probabilities(new double[] {5, 1, 1, 1, 1}, allTrue(5));
        assertThat(p).containsExactly(new double[] {0.92, 0.02, 0.02, 0.02, 0.02}, within(1e-12));
        for (int a = 0; a < 5; a++) {
            assertThat(p[a]).isGreaterThanOrEqualTo(0.02);
        }
    }

    @Test
    void onlyNoneAllowedMeansNoneWithCertainty() {
        ActionSelector.Selection s =
                selector.select(new double[] {-5, 9, 9}, new boolean[] {true, false, false}, "u@t");
        assertThat(s.action()).isZero();
        assertThat(s.propensity()).isEqualTo(1.0);
        assertThat(s.explored()).isFalse();
    }

    @Test
    void tiesAndNaNGoToTheLowestAllowedIndex() {
        assertThat(selector.select(new double[] {1, 1, 1}, allTrue(3), "x").greedy()).isZero();
        assertThat(selector.select(new double[] {Double.NaN, 0, 0}, allTrue(3), "x").greedy())
                .isEqualTo(1);
    }

    @Test
    void sameDecisionIdChoosesTheSameAction() {
        double[] q = {0, 1, 2, 3, 4};
        for (int i = 0; i < 200; i++) {
            String id = "u" + i + "@2025-01-13T00:00:00Z";
            ActionSelector.Selection a = selector.select(q, allTrue(5), id);
            ActionSelector.Selection b = new ActionSelector(0.1, 0.01).select(q, allTrue(5), id);
            assertThat(b.action()).isEqualTo(a.action());
            assertThat(b.propensity()).isEqualTo(a.propensity());
        }
    }

    @Test
    void empiricalFrequenciesMatchPropensities() {
        ActionSelector exploring = new ActionSelector(0.5, 0.05);
        double[] q = {0.3, 1.0, 0.2, -0.4, 0.9};
        boolean[] allowed = {true, true, true, false, true};
        double[] p = exploring.probabilities(q, allowed);
        int n = 40_000;
        int[] counts = new int[q.length];
        for (int i = 0; i < n; i++) {
            ActionSelector.Selection s = exploring.select(q, allowed, "user-" + i + "@2025-02-03");
            counts[s.action()]++;
            assertThat(s.propensity()).isEqualTo(p[s.action()]);
            assertThat(s.explored()).isEqualTo(s.action() != 1);
        }
        double chiSquare = 0;
        for (int a = 0; a < q.length; a++) {
            if (p[a] == 0) {
                assertThat(counts[a]).isZero();
            } else {
                double expected = n * p[a];
                chiSquare += (counts[a] - expected) * (counts[a] - expected) / expected;
            }
        }
        // 3 degrees of freedom: P(χ² > 16.27) = 0.001
        assertThat(chiSquare).isLessThan(16.27);
    }

    @Test
    void rejectsAMaskWithoutAnyAllowedAction() {
        assertThatThrownBy(() -> selector.select(new double[2], new boolean[2], "x"))
                .hasMessageContaining("no action is allowed");
        assertThatThrownBy(() -> selector.select(new double[2], new boolean[3], "x"))
                .hasMessageContaining("2 Q-values for 3 actions");
    }

    private static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }

    private static double sum(double[] p) {
        double s = 0;
        for (double v : p) {
            s += v;
        }
        return s;
    }
}
