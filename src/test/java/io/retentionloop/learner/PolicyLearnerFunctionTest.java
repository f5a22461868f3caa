package io.retentionloop.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.agent.AgentSettings;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PolicyLearnerFunctionTest {
    static final int STATE = 4;
    static final int ACTIONS = 3;

    static PolicyLearnerFunction.Settings settings() {
        DqnSettings dqn = new DqnSettings(0.0, 1e-2, 1, 16, 32, 5000, 100, 1.0, 7);
        // publish every 100 updates; a generous gate so a better policy goes out
        return new PolicyLearnerFunction.Settings(
                dqn, STATE, ACTIONS, 2, 100, 2000, 0.8, 5.0, AgentSettings.defaults());
    }

    static OneInputStreamOperatorTestHarness<Transition, PolicySnapshot> harness()
            throws Exception {
        return harness(settings());
    }

    static OneInputStreamOperatorTestHarness<Transition, PolicySnapshot> harness(
            PolicyLearnerFunction.Settings settings) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new PolicyLearnerFunction(settings)));
    }

    /** A bandit logged uniformly at random: action (state argmax % 3) pays 1, others 0. */
    static void feed(
            OneInputStreamOperatorTestHarness<Transition, PolicySnapshot> h,
            SplittableRandom rnd,
            int n)
            throws Exception {
        for (int i = 0; i < n; i++) {
            double[] s = new double[STATE];
            for (int j = 0; j < STATE; j++) {
                s[j] = rnd.nextDouble();
            }
            int best = 0;
            for (int j = 1; j < STATE; j++) {
                best = s[j] > s[best] ? j : best;
            }
            int a = rnd.nextInt(ACTIONS);
            double r = a == best % ACTIONS ? 1 : 0;
            h.processElement(
                    new StreamRecord<>(
                            new Transition(s, a, r, null, true, 1.0 / ACTIONS, 0, "d" + i), i));
        }
    }

    @Test
    void policyVersionsContinueFromWhereTheyWereAfterARestore() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        OperatorSubtaskState state;
        long lastVersion;
        try (var h = harness()) {
            h.open();
            feed(h, rnd, 600);
            List<PolicySnapshot> published = h.extractOutputValues();
            assertThat(published).isNotEmpty();
            lastVersion = published.get(published.size() - 1).version;
            for (int i = 0; i < published.size(); i++) {
                assertThat(published.get(i).version).isEqualTo(i + 1);
            }
            state = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(state);
            h.open();
            feed(h, rnd, 600);
            List<PolicySnapshot> more = h.extractOutputValues();
            assertThat(more).isNotEmpty();
            assertThat(more.get(0).version).isEqualTo(lastVersion + 1);
            assertThat(more.get(0).updates).isGreaterThan(100);
        }
    }

    @Test
    void anUpgradeToAnotherStateLayoutStartsLearningOverAndKeepsCountingVersions()
            throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        OperatorSubtaskState state;
        long lastVersion;
        try (var h = harness()) {
            h.open();
            feed(h, rnd, 600);
            List<PolicySnapshot> published = h.extractOutputValues();
            lastVersion = published.get(published.size() - 1).version;
            // a decision still pending at the stop, encoded with the old layout
            h.processElement(
                    new StreamRecord<>(
                            new Transition(new double[STATE], 1, 2.0, null, true, 0.3, 0, "old"),
                            601));
            state = h.snapshot(1, 1);
        }
        PolicyLearnerFunction.Settings s = settings();
        PolicyLearnerFunction.Settings wider =
                new PolicyLearnerFunction.Settings(
                        s.dqn(),
                        STATE + 2,
                        ACTIONS,
                        s.maxUpdatesPerRecord(),
                        s.publishEvery(),
                        s.gateWindow(),
                        s.gateLevel(),
                        s.gateTolerance(),
                        s.agent());
        try (var h = harness(wider)) {
            h.initializeState(state);
            h.open();
            // old-layout transitions are dropped, not a crash
            h.processElement(
                    new StreamRecord<>(
                            new Transition(new double[STATE], 1, 2.0, null, true, 0.3, 0, "x"),
                            602));
            assertThat(h.extractOutputValues()).isEmpty();
            for (int i = 0; i < 600; i++) {
                double[] x = new double[STATE + 2];
                for (int j = 0; j < x.length; j++) {
                    x[j] = rnd.nextDouble();
                }
                int a = rnd.nextInt(ACTIONS);
                h.processElement(
                        new StreamRecord<>(
                                new Transition(
                                        x,
                                        a,
                                        a == (x[0] > 0.5 ? 1 : 2) ? 1 : 0,
                                        null,
                                        true,
                                        1.0 / ACTIONS,
                                        0,
                                        "n" + i),
                                700 + i));
            }
            List<PolicySnapshot> more = h.extractOutputValues();
            assertThat(more).isNotEmpty();
            assertThat(more.get(0).version).isEqualTo(lastVersion + 1);
            assertThat(more.get(0).stateSize).isEqualTo(STATE + 2);
            assertThat(more.get(0).updates).as("a new learner").isLessThanOrEqualTo(600);
        }
    }
}
