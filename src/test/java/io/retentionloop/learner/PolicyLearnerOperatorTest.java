package io.retentionloop.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.job.JobConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PolicyLearnerOperatorTest {
    static final int STATE = 4;
    static final int ACTIONS = 3;

    static PolicyLearnerOperator.Settings settings() {
        DqnSettings dqn = new DqnSettings(0.0, 1e-2, 1, 16, 32, 5000, 100, 1.0, 7);
        // publish every 100 updates; a generous gate so a better policy goes out
        return new PolicyLearnerOperator.Settings(
                dqn,
                STATE,
                ACTIONS,
                1.0,
                100_000,
                100,
                2000,
                0.8,
                5.0,
                new io.retentionloop.agent.ActionSelector(JobConfig.defaults().agentSettings()));
    }

    static OneInputStreamOperatorTestHarness<Transition, PolicySnapshot> harness()
            throws Exception {
        return harness(settings());
    }

    static OneInputStreamOperatorTestHarness<Transition, PolicySnapshot> harness(
            PolicyLearnerOperator.Settings settings) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new PolicyLearnerOperator(settings));
    }

    /** Offers {@code n} transitions of the bandit and lets the learner train what they earned. */
    static void feed(
            OneInputStreamOperatorTestHarness<Transition, PolicySnapshot> h,
            SplittableRandom rnd,
            int n)
            throws Exception {
        offer(h, rnd, n);
        train(h);
    }

    /** A bandit logged uniformly at random: action (state argmax % 3) pays 1, others 0. */
    static void offer(
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

    /** Lets processing time pass until the learner has done the updates it owes. */
    static void train(OneInputStreamOperatorTestHarness<Transition, PolicySnapshot> h)
            throws Exception {
        PolicyLearnerOperator op = (PolicyLearnerOperator) h.getOneInputOperator();
        for (int tick = 0; tick < 10_000 && op.backlog() >= 1; tick++) {
            h.setProcessingTime(h.getProcessingTime() + PolicyLearnerOperator.TICK_MS);
        }
        assertThat(op.backlog()).as("owed updates after training").isLessThan(1);
    }

    static PolicyLearnerOperator.Settings budget(double share, double maxBacklog) {
        PolicyLearnerOperator.Settings s = settings();
        return new PolicyLearnerOperator.Settings(
                s.dqn(),
                STATE,
                ACTIONS,
                share,
                maxBacklog,
                s.publishEvery(),
                s.gateWindow(),
                s.gateLevel(),
                s.gateTolerance(),
                s.behaviour());
    }

    @Test
    void takesTransitionsAtOnceAndTrainsInTicksWithinItsComputeShare() throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        try (var h = harness(budget(0.02, 100_000))) {
            h.open();
            PolicyLearnerOperator op = (PolicyLearnerOperator) h.getOneInputOperator();
            offer(h, rnd, 3000);
            assertThat(op.updates()).as("no update on the input's path").isZero();
            assertThat(op.backlog()).isEqualTo(3000);
            // the first slice pays for the networks' first use; what it overran is owed later,
            // repaid at 2% of the wall time
            h.setProcessingTime(h.getProcessingTime() + PolicyLearnerOperator.TICK_MS);
            double perTick = 0.02 * PolicyLearnerOperator.TICK_MS * 1e6;
            long repay = (long) Math.ceil(op.trainingNanos() / perTick) + 1;
            for (long i = 0; i < repay; i++) {
                h.setProcessingTime(h.getProcessingTime() + PolicyLearnerOperator.TICK_MS);
            }
            long first = op.updates();
            long firstNanos = op.trainingNanos();
            int ticks = 100;
            for (int i = 0; i < ticks; i++) {
                h.setProcessingTime(h.getProcessingTime() + PolicyLearnerOperator.TICK_MS);
            }
            assertThat(op.updates()).isGreaterThan(first);
            // 2% of ten seconds, plus what the budget may hold (2% of its 1 s cap) and the one
            // step that may overrun it; 3,000 updates and their proposals take far longer
            double granted = ticks * perTick + 0.02 * 1e9;
            assertThat(op.trainingNanos() - firstNanos)
                    .isLessThanOrEqualTo((long) granted + op.longestStepNanos());
            assertThat(op.backlog()).isEqualTo(3000.0 - op.updates()).isPositive();
        }
    }

    @Test
    void aLearnerBehindItsBacklogShedsUpdatesInsteadOfQueueingThem() throws Exception {
        SplittableRandom rnd = new SplittableRandom(13);
        try (var h = harness(budget(1.0, 50))) {
            h.open();
            PolicyLearnerOperator op = (PolicyLearnerOperator) h.getOneInputOperator();
            offer(h, rnd, 600);
            assertThat(op.backlog()).isEqualTo(50);
            train(h);
            assertThat(op.updates()).isEqualTo(50);
            assertThat(h.extractOutputValues()).as("fewer updates than publish-every").isEmpty();
        }
    }

    @Test
    void aLearnerWrittenInSmallChunksRestoresExactly() throws Exception {
        SplittableRandom rnd = new SplittableRandom(17);
        OperatorSubtaskState state;
        long updates;
        try (var h =
                new OneInputStreamOperatorTestHarness<Transition, PolicySnapshot>(
                        new PolicyLearnerOperator(settings(), 4096))) {
            h.open();
            feed(h, rnd, 300);
            updates = ((PolicyLearnerOperator) h.getOneInputOperator()).updates();
            state = h.snapshot(1, 1);
        }
        try (var h =
                new OneInputStreamOperatorTestHarness<Transition, PolicySnapshot>(
                        new PolicyLearnerOperator(settings(), 1 << 20))) {
            h.initializeState(state);
            h.open();
            assertThat(((PolicyLearnerOperator) h.getOneInputOperator()).updates())
                    .as("the learner of many 4 KB chunks, not a new one")
                    .isEqualTo(updates)
                    .isPositive();
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
        PolicyLearnerOperator.Settings s = settings();
        PolicyLearnerOperator.Settings wider =
                new PolicyLearnerOperator.Settings(
                        s.dqn(),
                        STATE + 2,
                        ACTIONS,
                        s.computeShare(),
                        s.maxBacklog(),
                        s.publishEvery(),
                        s.gateWindow(),
                        s.gateLevel(),
                        s.gateTolerance(),
                        s.behaviour());
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
            train(h);
            List<PolicySnapshot> more = h.extractOutputValues();
            assertThat(more).isNotEmpty();
            assertThat(more.get(0).version).isEqualTo(lastVersion + 1);
            assertThat(more.get(0).stateSize).isEqualTo(STATE + 2);
            assertThat(more.get(0).updates).as("a new learner").isLessThanOrEqualTo(600);
        }
    }
}
