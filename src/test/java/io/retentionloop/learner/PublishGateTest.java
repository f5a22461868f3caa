package io.retentionloop.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.agent.ActionSelector;
import io.retentionloop.learner.ope.NotWorseGate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The publish gate on logged decisions whose best action is known, without Flink. */
class PublishGateTest {
    private static final int ACTIONS = 3;
    private static final PublishGate GATE =
            new PublishGate(new ActionSelector(0.05, 0.01), ACTIONS, 0.8, 0.5);

    /** Uniformly random decisions; action 1 pays 10 on average, the others 2. */
    private static List<Transition> log(int n) {
        SplittableRandom rnd = new SplittableRandom(3);
        List<Transition> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] s = {rnd.nextDouble(), rnd.nextDouble()};
            int a = rnd.nextInt(ACTIONS);
            double reward = (a == 1 ? 10 : 2) + rnd.nextGaussian();
            out.add(new Transition(s, a, reward, s, true, 1.0 / ACTIONS, 0, "d" + i));
        }
        return out;
    }

    /** Every state's Q-values, with {@code best} ahead of the rest. */
    private static double[][] preferring(int best, int n) {
        double[][] q = new double[n][ACTIONS];
        for (double[] row : q) {
            row[best] = 1;
        }
        return q;
    }

    @Test
    void aCandidateThatChoosesTheBetterActionIsPublishedAndTheReverseHeldBack() {
        List<Transition> recent = log(3000);
        assertThat(PublishGate.states(recent).length).isEqualTo(3000);
        NotWorseGate.Verdict better =
                GATE.check(preferring(1, 3000), preferring(0, 3000), recent, 1);
        assertThat(better.publish()).isTrue();
        assertThat(better.difference().estimate()).isGreaterThan(5);
        NotWorseGate.Verdict worse =
                GATE.check(preferring(0, 3000), preferring(1, 3000), recent, 1);
        assertThat(worse.publish()).isFalse();
        assertThat(worse.reason()).contains("SNIPS", "<");
    }

    @Test
    void theFirstCandidateIsComparedWithAPolicyOfEqualQValues() {
        List<Transition> recent = log(3000);
        // equal Q-values: the selector's greedy tie goes to the first action, which pays 2
        assertThat(GATE.check(preferring(1, 3000), null, recent, 1).publish()).isTrue();
        assertThat(GATE.check(preferring(2, 3000), null, recent, 1).difference().estimate())
                .isCloseTo(0, org.assertj.core.data.Offset.offset(1.0));
    }
}
