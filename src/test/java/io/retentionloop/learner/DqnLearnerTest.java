package io.retentionloop.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.retentionloop.job.JobConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DqnLearnerTest {
    private static final io.retentionloop.security.Signer SIGNER =
            new io.retentionloop.security.Signer(io.retentionloop.security.Secret.of("test-key"));

    static DqnSettings settings(
            double gamma, int units, int targetPeriod, double updatesPerTransition, long seed) {
        return settings(gamma, 3e-3, units, targetPeriod, updatesPerTransition, seed);
    }

    static DqnSettings settings(
            double gamma,
            double learningRate,
            int units,
            int targetPeriod,
            double updatesPerTransition,
            long seed) {
        return new DqnSettings(
                gamma,
                learningRate,
                2,
                units,
                32,
                10_000,
                targetPeriod,
                updatesPerTransition,
                seed);
    }

    /**
     * A contextual bandit whose best action depends on the state: the mean reward of action a in
     * state s is 1 + w_a · s, rewards are noisy, and the log is uniformly random.
     */
    @Test
    void greedyPolicyReachesNinetyPercentOfOptimalOnContextualBandit() {
        int stateSize = 6;
        int actions = 4;
        Random rnd = new Random(11);
        double[][] w = new double[actions][stateSize];
        for (double[] row : w) {
            for (int i = 0; i < stateSize; i++) {
                row[i] = rnd.nextGaussian();
            }
        }
        DqnLearner learner =
                new DqnLearner(settings(0.0, 1e-2, 16, 100, 0.2, 3), stateSize, actions);
        for (int n = 0; n < 2000; n++) {
            double[] s = gaussian(rnd, stateSize);
            int a = rnd.nextInt(actions);
            double r = 1 + dot(w[a], s) + 0.5 * rnd.nextGaussian();
            learner.add(new Transition(s, a, r, null, true, 1.0 / actions, 0, "d" + n));
        }
        assertThat(learner.train(Integer.MAX_VALUE)).isEqualTo(400);

        double[][] test = new double[2000][];
        for (int i = 0; i < test.length; i++) {
            test[i] = gaussian(rnd, stateSize);
        }
        double[][] q = learner.qValues(test);
        double learned = 0;
        double optimal = 0;
        double random = 0;
        for (int i = 0; i < test.length; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < actions; a++) {
                double mean = 1 + dot(w[a], test[i]);
                best = Math.max(best, mean);
                random += mean / actions;
            }
            optimal += best;
            learned += 1 + dot(w[argmax(q[i])], test[i]);
        }
        double share = learned / optimal;
        double shareOfGainOverRandom = (learned - random) / (optimal - random);
        System.out.printf(
                "bandit: optimal %.3f, learned %.3f, random %.3f per decision;"
                        + " learned/optimal %.3f, (learned-random)/(optimal-random) %.3f%n",
                optimal / test.length,
                learned / test.length,
                random / test.length,
                share,
                shareOfGainOverRandom);
        assertThat(share).isGreaterThanOrEqualTo(0.9);
        assertThat(shareOfGainOverRandom).isGreaterThanOrEqualTo(0.9);
    }

    /**
     * A chain of 5 states: "take" pays 0.2 at once and ends, "walk" pays nothing and moves right,
     * and walking off the last state pays 1. With γ = 0.9 walking is worth 0.9^(4-s) > 0.2
     * everywhere, so only a learner that propagates the delayed reward walks; with γ = 0 it takes.
     */
    @Test
    void learnsDelayedRewardOnChainWithDiscount() {
        int n = 5;
        DqnLearner farsighted = new DqnLearner(settings(0.9, 5e-3, 16, 20, 1.5, 5), n, 2);
        DqnLearner myopic = new DqnLearner(settings(0.0, 5e-3, 16, 20, 1.0, 5), n, 2);
        for (int copy = 0; copy < 20; copy++) {
            for (int s = 0; s < n; s++) {
                Transition take = new Transition(oneHot(s, n), 0, 0.2, null, true, 0.5, 0, "t");
                boolean last = s == n - 1;
                Transition walk =
                        new Transition(
                                oneHot(s, n),
                                1,
                                last ? 1.0 : 0.0,
                                last ? null : oneHot(s + 1, n),
                                last,
                                0.5,
                                0,
                                "w");
                farsighted.add(take);
                farsighted.add(walk);
                myopic.add(take);
                myopic.add(walk);
            }
        }
        assertThat(farsighted.train(Integer.MAX_VALUE)).isEqualTo(300);
        assertThat(myopic.train(Integer.MAX_VALUE)).isEqualTo(200);

        double[][] states = new double[n][];
        for (int s = 0; s < n; s++) {
            states[s] = oneHot(s, n);
        }
        double[][] q = farsighted.qValues(states);
        double[][] q0 = myopic.qValues(states);
        for (int s = 0; s < n; s++) {
            assertThat(argmax(q[s])).as("walk in state %d", s).isEqualTo(1);
            assertThat(q[s][1])
                    .as("Q(%d, walk)", s)
                    .isCloseTo(Math.pow(0.9, n - 1 - s), within(0.1));
            assertThat(q[s][0]).as("Q(%d, take)", s).isCloseTo(0.2, within(0.1));
        }
        for (int s = 0; s < n - 1; s++) {
            assertThat(argmax(q0[s])).as("γ = 0 takes in state %d", s).isEqualTo(0);
        }
    }

    /**
     * The target maximises over the actions allowed at s' only. From s0 the one action leads to s1,
     * where action 0 earns 1 and action 1 earns 10 but is not allowed after s0 (as a coupon in its
     * cooldown): Q(s0) is γ·1, not γ·10 as with RL4J's plain maximum.
     */
    @Test
    void targetMaximisesOverTheActionsAllowedAtTheNextState() {
        double gamma = 0.9;
        DqnLearner masked = new DqnLearner(settings(gamma, 5e-3, 16, 20, 1.5, 5), 2, 2);
        DqnLearner unmasked = new DqnLearner(settings(gamma, 5e-3, 16, 20, 1.5, 5), 2, 2);
        double[] s0 = oneHot(0, 2);
        double[] s1 = oneHot(1, 2);
        for (int copy = 0; copy < 60; copy++) {
            for (DqnLearner l : List.of(masked, unmasked)) {
                l.add(new Transition(s1, 0, 1.0, null, true, 0.5, 0, "low"));
                l.add(new Transition(s1, 1, 10.0, null, true, 0.5, 0, "high"));
            }
            masked.add(
                    new Transition(s0, 0, 0.0, s1, new boolean[] {true, false}, false, 1, 0, "m"));
            unmasked.add(new Transition(s0, 0, 0.0, s1, false, 1, 0, "u"));
        }
        masked.train(Integer.MAX_VALUE);
        unmasked.train(Integer.MAX_VALUE);

        double[][] q = masked.qValues(new double[][] {s0, s1});
        assertThat(q[1][0]).isCloseTo(1.0, within(0.3));
        assertThat(q[1][1]).isCloseTo(10.0, within(1.0));
        assertThat(q[0][0]).as("Q(s0) with the mask").isCloseTo(gamma * 1.0, within(0.3));
        assertThat(unmasked.qValues(new double[][] {s0})[0][0])
                .as("Q(s0) over every action")
                .isCloseTo(gamma * 10.0, within(1.0));
    }

    /**
     * Checkpoints of the formats before noise weighting (6: without it), before ensembles (5: one
     * Q-network), before the input penalty (4: without it, read as none) and before next-state
     * masks (3: also without the masks at the end) still restore, with every action allowed at
     * every s'.
     */
    @Test
    void restoresCheckpointsWrittenBeforeNextStateMasks() {
        DqnLearner original = new DqnLearner(settings(0.5, 16, 10, 1.0, 9), 4, 3);
        feed(original, new Random(6), 50, 4, 3);
        original.train(20);
        byte[] current = original.checkpoint();
        byte[] withoutWeighting = without(current, PENALTY_AT + 8 + 4, 8);
        java.nio.ByteBuffer.wrap(withoutWeighting).putInt(4, 6);
        assertThat(DqnLearner.restore(withoutWeighting).checkpoint()).isEqualTo(current);

        byte[] withoutEnsemble = without(withoutWeighting, PENALTY_AT + 8, 4);
        java.nio.ByteBuffer.wrap(withoutEnsemble).putInt(4, 5);
        assertThat(DqnLearner.restore(withoutEnsemble).checkpoint()).isEqualTo(current);

        byte[] withoutPenalty = without(withoutEnsemble, PENALTY_AT, 8);
        java.nio.ByteBuffer.wrap(withoutPenalty).putInt(4, 4);
        assertThat(DqnLearner.restore(withoutPenalty).checkpoint()).isEqualTo(current);

        byte[] old = java.util.Arrays.copyOf(withoutPenalty, withoutPenalty.length - 50 * 4);
        java.nio.ByteBuffer.wrap(old).putInt(4, 3);
        DqnLearner restored = DqnLearner.restore(old);
        assertThat(restored.replaySize()).isEqualTo(50);
        assertThat(restored.updates()).isEqualTo(20);
        // feed() gives no masks, which are stored as 0 (all): the restored learner is the same
        assertThat(restored.checkpoint()).isEqualTo(current);
        java.nio.ByteBuffer.wrap(old).putInt(4, 2);
        assertThatThrownBy(() -> DqnLearner.restore(old))
                .hasMessageContaining("format 2, this release reads 3 to 8");
    }

    /**
     * Where the input penalty is in a checkpoint (format 4 wrote none, format 5 no ensemble size
     * after it): after the magic, the format and the eleven settings before it.
     */
    private static final int PENALTY_AT = 4 + 4 + 8 + 8 + 4 + 4 + 4 + 4 + 4 + 8 + 8 + 1 + 8;

    /** The checkpoint without {@code bytes} bytes at {@code at}. */
    private static byte[] without(byte[] checkpoint, int at, int bytes) {
        byte[] out = new byte[checkpoint.length - bytes];
        System.arraycopy(checkpoint, 0, out, 0, at);
        System.arraycopy(checkpoint, at + bytes, out, at, checkpoint.length - at - bytes);
        return out;
    }

    /**
     * The plain DQN, with the baseline, with the baseline and averaged weights, with the input
     * penalty as well, weighted by the rewards' noise as well, and ensembles with and without all
     * of them.
     */
    enum Variant {
        PLAIN(false, 0, 0, 1, 0),
        BASELINE(true, 0, 0, 1, 0),
        AVERAGED(true, 0.9, 0, 1, 0),
        INPUT_L1(true, 0.9, 1e-3, 1, 0),
        NOISE_WEIGHTED(true, 0.9, 1e-3, 1, 0.2),
        ENSEMBLE(true, 0.9, 1e-3, 3, 0.2),
        ENSEMBLE_PLAIN(false, 0, 0, 2, 0);

        final boolean baseline;
        final double averaging;
        final double inputL1;
        final int ensemble;
        final double noiseWeighting;

        Variant(
                boolean baseline,
                double averaging,
                double inputL1,
                int ensemble,
                double noiseWeighting) {
            this.baseline = baseline;
            this.averaging = averaging;
            this.inputL1 = inputL1;
            this.ensemble = ensemble;
            this.noiseWeighting = noiseWeighting;
        }

        DqnSettings of(DqnSettings s) {
            return s.withBaselineAndAveraging(baseline, averaging)
                    .withInputL1(inputL1)
                    .withEnsemble(ensemble)
                    .withNoiseWeighting(noiseWeighting);
        }
    }

    /**
     * An ensemble's members learn apart (each from its own initial weights and minibatches) and the
     * learner answers their mean.
     */
    @Test
    void ensembleAnswersTheMeanOfItsMembers() {
        DqnLearner learner =
                new DqnLearner(Variant.ENSEMBLE.of(settings(0.5, 16, 10, 1.0, 3)), 6, 3);
        Random rnd = new Random(12);
        feed(learner, rnd, 200, 6, 3);
        assertThat(learner.train(100)).isEqualTo(100);
        double[][] probe = new double[10][];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = gaussian(rnd, 6);
        }
        double[][] mean = learner.qValues(probe);
        double[][][] members = new double[3][][];
        for (int k = 0; k < 3; k++) {
            members[k] = learner.memberQValues(k, probe);
        }
        double spread = 0;
        for (int i = 0; i < probe.length; i++) {
            for (int a = 0; a < 3; a++) {
                double sum = members[0][i][a] + members[1][i][a] + members[2][i][a];
                assertThat(mean[i][a]).isCloseTo(sum / 3, within(1e-4 * (1 + Math.abs(sum))));
                spread += Math.abs(members[0][i][a] - members[1][i][a]);
            }
        }
        assertThat(spread / (probe.length * 3)).as("members differ").isGreaterThan(1e-3);
        assertThatThrownBy(() -> settings(0.5, 16, 10, 1.0, 3).withEnsemble(0))
                .hasMessageContaining("learner.ensemble");
        assertThatThrownBy(() -> settings(0.5, 16, 10, 1.0, 3).withEnsemble(17))
                .hasMessageContaining("learner.ensemble");
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void restoredCheckpointContinuesExactlyLikeUninterruptedTraining(Variant variant) {
        int stateSize = 7;
        int actions = 3;
        // period 10 and 37 updates before the checkpoint: the restore lands mid-period
        DqnLearner original =
                new DqnLearner(variant.of(settings(0.5, 16, 10, 1.0, 9)), stateSize, actions);
        Random rnd = new Random(4);
        feed(original, rnd, 60, stateSize, actions);
        assertThat(original.train(37)).isEqualTo(37);

        byte[] checkpoint = original.checkpoint();
        // the checkpoint's buffer is sized from the estimate
        assertThat((double) original.checkpointSizeEstimate())
                .isCloseTo(checkpoint.length, withinPercentage(5));
        DqnLearner restored = DqnLearner.restore(checkpoint);
        assertThat(restored.updates()).isEqualTo(37);
        assertThat(restored.replaySize()).isEqualTo(60);
        assertThat(restored.checkpoint()).isEqualTo(checkpoint);

        // both go on with the same transitions
        Random a = new Random(99);
        Random b = new Random(99);
        feed(original, a, 40, stateSize, actions);
        feed(restored, b, 40, stateSize, actions);
        assertThat(original.train(1000)).isEqualTo(restored.train(1000)).isEqualTo(63);

        double[][] probe = new double[20][];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = gaussian(rnd, stateSize);
        }
        double[][] expected = original.qValues(probe);
        double[][] actual = restored.qValues(probe);
        for (int i = 0; i < probe.length; i++) {
            assertThat(actual[i]).containsExactly(expected[i]);
        }
        assertThat(restored.lastTdLoss()).isEqualTo(original.lastTdLoss());
        assertThat(restored.checkpoint()).isEqualTo(original.checkpoint());
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void policySnapshotScoresLikeTheLearner(Variant variant) {
        DqnLearner learner = new DqnLearner(variant.of(settings(0.0, 16, 10, 1.0, 2)), 5, 3);
        Random rnd = new Random(8);
        // states and rewards far from unit scale, one state value constant: the exported network
        // must carry the learner's standardization
        double[] offset = {100, -3, 0, 7, 0.5};
        double[] spread = {40, 0.01, 1, 300, 0};
        for (int i = 0; i < 64; i++) {
            double[] state = gaussian(rnd, 5);
            for (int k = 0; k < 5; k++) {
                state[k] = offset[k] + spread[k] * state[k];
            }
            learner.add(
                    new Transition(
                            state,
                            rnd.nextInt(3),
                            50 + 30 * rnd.nextGaussian(),
                            null,
                            true,
                            1.0 / 3,
                            0,
                            "d" + i));
        }
        learner.train(20);

        PolicySnapshot snapshot =
                PolicySnapshot.fromBytes(learner.exportPolicy(7).toBytes(SIGNER), SIGNER);
        assertThat(snapshot.version).isEqualTo(7);
        assertThat(snapshot.updates).isEqualTo(20);
        PolicyNetwork policy = PolicyNetwork.fromSnapshot(snapshot);
        assertThat(policy.version()).isEqualTo(7);
        assertThat(policy.stateSize()).isEqualTo(5);
        assertThat(policy.actionCount()).isEqualTo(3);

        double[][] probe = new double[3][];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = gaussian(rnd, 5);
            for (int k = 0; k < 5; k++) {
                probe[i][k] = offset[k] + spread[k] * probe[i][k];
            }
        }
        double[][] expected = learner.qValues(probe);
        double[][] actual = policy.qValues(probe);
        for (int i = 0; i < probe.length; i++) {
            for (int a = 0; a < 3; a++) {
                // float rounding of the folded weights
                assertThat(actual[i][a])
                        .isCloseTo(expected[i][a], within(1e-4 * (1 + Math.abs(expected[i][a]))));
            }
        }
        assertThat(policy.qValues(probe[1])).containsExactly(actual[1]);
        // rewards of 50 ± 30: the outputs are in reward units, not standardized ones
        assertThat(learner.rewardScale()).isCloseTo(Math.sqrt(50 * 50 + 30 * 30), within(8.0));
    }

    @Test
    void seedDecidesInitialWeights() {
        double[][] probe = {{1, -1, 0.5}};
        double[] a = new DqnLearner(settings(0, 8, 10, 1, 1), 3, 2).qValues(probe)[0];
        double[] b = new DqnLearner(settings(0, 8, 10, 1, 1), 3, 2).qValues(probe)[0];
        double[] c = new DqnLearner(settings(0, 8, 10, 1, 2), 3, 2).qValues(probe)[0];
        assertThat(b).containsExactly(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void trainsOnlyWhatTransitionsEarnedOnceABatchIsThere() {
        DqnLearner learner = new DqnLearner(settings(0, 8, 10, 0.5, 1), 3, 2);
        Random rnd = new Random(1);
        feed(learner, rnd, 31, 3, 2);
        assertThat(learner.train(100)).as("fewer than a batch").isZero();
        feed(learner, rnd, 9, 3, 2);
        assertThat(learner.train(5)).isEqualTo(5);
        assertThat(learner.train(100)).isEqualTo(15);
        assertThat(learner.updates()).isEqualTo(20);
        assertThat(learner.added()).isEqualTo(40);
        assertThat(learner.lastTdLoss()).isFinite().isGreaterThanOrEqualTo(0);
    }

    @Test
    void behindTheBacklogTransitionsEarnNothingAndAreSampledUniformly() {
        DqnLearner learner =
                new DqnLearner(new DqnSettings(0, 3e-3, 1, 8, 8, 100, 10, 1.0, 1), 3, 2);
        Random rnd = new Random(2);
        for (int i = 0; i < 1000; i++) {
            // the reward tells which transition a slot holds
            learner.offer(
                    new Transition(gaussian(rnd, 3), i % 2, i, null, true, 0.5, 0, "d" + i), 50);
        }
        assertThat(learner.backlog()).isEqualTo(50);
        assertThat(learner.shed()).isEqualTo(950);
        ReplayBuffer replay = learner.replayBuffer();
        assertThat(replay.size()).isEqualTo(100);
        int early = 0;
        int burstFirstHalf = 0;
        int burstLastTenth = 0;
        for (int slot = 0; slot < replay.size(); slot++) {
            double r = replay.reward(slot);
            early += r < 100 ? 1 : 0;
            burstFirstHalf += r >= 100 && r < 550 ? 1 : 0;
            burstLastTenth += r >= 900 ? 1 : 0;
        }
        // a uniform sample of all 1,000 (expected 10, 45 and 10); a ring would hold only the last
        // hundred
        assertThat(early).isBetween(2, 25);
        assertThat(burstFirstHalf).isBetween(25, 65);
        assertThat(burstLastTenth).isBetween(2, 25);

        assertThat(learner.train(1000)).isEqualTo(50);
        learner.offer(new Transition(gaussian(rnd, 3), 0, 1, null, true, 0.5, 0, "next"), 50);
        assertThat(learner.backlog()).as("caught up: it earns again").isEqualTo(1);
    }

    @Test
    void aBurstWorkedOffWhileItArrivesIsStillSampledUniformly() {
        DqnLearner learner =
                new DqnLearner(new DqnSettings(0, 3e-3, 1, 8, 8, 100, 10, 1.0, 3), 3, 2);
        Random rnd = new Random(4);
        for (int i = 0; i < 1000; i++) {
            learner.offer(
                    new Transition(gaussian(rnd, 3), i % 2, i, null, true, 0.5, 0, "d" + i), 50);
            if (i % 10 == 9) {
                // the learner keeps working the backlog off, just below the bound at times
                learner.train(1);
            }
        }
        ReplayBuffer replay = learner.replayBuffer();
        int burstFirstHalf = 0;
        int burstLastTenth = 0;
        for (int slot = 0; slot < replay.size(); slot++) {
            double r = replay.reward(slot);
            burstFirstHalf += r >= 100 && r < 550 ? 1 : 0;
            burstLastTenth += r >= 900 ? 1 : 0;
        }
        // close to uniform (45 and 10 expected): the last arrivals do not take over the buffer
        assertThat(burstFirstHalf).isBetween(25, 65);
        assertThat(burstLastTenth).isBetween(2, 30);
    }

    @Test
    void aCheckpointKeepsTheReservoirsState() {
        DqnLearner learner =
                new DqnLearner(new DqnSettings(0, 3e-3, 1, 8, 8, 100, 10, 1.0, 5), 3, 2);
        Random rnd = new Random(6);
        for (int i = 0; i < 300; i++) {
            learner.offer(
                    new Transition(gaussian(rnd, 3), i % 2, i, null, true, 0.5, 0, "d" + i), 50);
        }
        DqnLearner restored = DqnLearner.restore(learner.checkpoint());
        assertThat(restored.shed()).isEqualTo(learner.shed()).isEqualTo(250);
        for (int i = 300; i < 400; i++) {
            Transition t = new Transition(gaussian(rnd, 3), i % 2, i, null, true, 0.5, 0, "d" + i);
            learner.offer(t, 50);
            restored.offer(t, 50);
        }
        for (int slot = 0; slot < 100; slot++) {
            assertThat(restored.replayBuffer().reward(slot))
                    .isEqualTo(learner.replayBuffer().reward(slot));
        }
    }

    @Test
    void rejectsTransitionsThatDoNotFit() {
        DqnLearner learner = new DqnLearner(settings(0, 8, 10, 1, 1), 3, 2);
        assertThatThrownBy(
                        () ->
                                learner.add(
                                        new Transition(new double[2], 0, 1, null, true, 1, 0, "x")))
                .hasMessageContaining("state must have 3 values");
        assertThatThrownBy(
                        () ->
                                learner.add(
                                        new Transition(new double[3], 2, 1, null, true, 1, 0, "x")))
                .hasMessageContaining("action 2 out of range");
        assertThatThrownBy(
                        () ->
                                learner.add(
                                        new Transition(
                                                new double[3], 1, 1, null, false, 1, 0, "x")))
                .hasMessageContaining("needs a next state");
        assertThatThrownBy(
                        () ->
                                learner.add(
                                        new Transition(
                                                new double[3],
                                                1,
                                                Double.NaN,
                                                null,
                                                true,
                                                1,
                                                0,
                                                "x")))
                .hasMessageContaining("reward is NaN");
        double[] three = new double[3];
        Map<String, boolean[]> badMasks =
                Map.of(
                        "next-state mask has 3 actions, expected 2", new boolean[3],
                        "no action allowed at the next state", new boolean[2]);
        badMasks.forEach(
                (message, mask) ->
                        assertThatThrownBy(
                                        () ->
                                                learner.add(
                                                        new Transition(
                                                                three, 0, 1, three, mask, false, 1,
                                                                0, "x")))
                                .hasMessageContaining(message));
        assertThatThrownBy(() -> DqnLearner.restore(new byte[] {1, 2, 3, 4}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsNameTheBadKey() {
        assertThatThrownBy(() -> JobConfig.defaults().dqnSettings().withGamma(1.0))
                .hasMessageContaining("learner.gamma");
        assertThatThrownBy(() -> new DqnSettings(0, 1e-3, 2, 64, 64, 32, 100, 1, 1))
                .hasMessageContaining("learner.replay-capacity");
        assertThatThrownBy(() -> JobConfig.defaults().dqnSettings().withInputL1(-1e-3))
                .hasMessageContaining("learner.input-l1");
    }

    /** The figure DESIGN.md quotes: one update of batch 32 on the agent's state size. */
    @Test
    void measuresTimePerUpdateOfBatch32() {
        int stateSize = 37; // StateEncoder.size() for the default catalogue
        DqnLearner learner =
                new DqnLearner(JobConfig.defaults().dqnSettings().withGamma(0.9), stateSize, 5);
        Random rnd = new Random(3);
        for (int i = 0; i < 2000; i++) {
            learner.add(
                    new Transition(
                            gaussian(rnd, stateSize),
                            rnd.nextInt(5),
                            rnd.nextGaussian(),
                            gaussian(rnd, stateSize),
                            false,
                            0.2,
                            0,
                            "d" + i));
        }
        learner.train(50); // warm-up
        int n = 200;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        assertThat(learner.train(n)).isEqualTo(n);
        double ms = (System.nanoTime() - start) / 1e6 / n;
        double cpuMs = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / n;
        double[][] batch = new double[256][];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = gaussian(rnd, stateSize);
        }
        learner.qValues(batch);
        long t = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < 100; i++) {
            learner.qValues(batch);
        }
        double scoreMs = (threads.getCurrentThreadCpuTime() - t) / 1e6 / 100;
        System.out.printf(
                "update (batch 32, state %d, 2x64, 5 actions): %.2f ms CPU, %.2f ms wall;"
                        + " qValues of 256 states: %.2f ms CPU; checkpoint with 2000"
                        + " transitions: %d bytes%n",
                stateSize, cpuMs, ms, scoreMs, learner.checkpoint().length);
        assertThat(ms).isLessThan(100);
    }

    static void feed(DqnLearner learner, Random rnd, int count, int stateSize, int actions) {
        for (int i = 0; i < count; i++) {
            boolean done = rnd.nextInt(4) == 0;
            learner.add(
                    new Transition(
                            gaussian(rnd, stateSize),
                            rnd.nextInt(actions),
                            rnd.nextGaussian(),
                            done ? null : gaussian(rnd, stateSize),
                            done,
                            1.0 / actions,
                            0,
                            "d" + i));
        }
    }

    static double[] gaussian(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    static double[] oneHot(int i, int n) {
        double[] v = new double[n];
        v[i] = 1;
        return v;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
