package io.retentionloop.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.rl4j.agent.learning.algorithm.dqn.BaseTransitionTDAlgorithm;
import org.deeplearning4j.rl4j.agent.learning.update.FeaturesLabels;
import org.deeplearning4j.rl4j.experience.StateActionRewardState;
import org.deeplearning4j.rl4j.network.CommonOutputNames;
import org.deeplearning4j.rl4j.network.dqn.DQN;
import org.deeplearning4j.rl4j.observation.Observation;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MaskedDoubleDQNTest {

    /**
     * The minibatch path gives exactly the labels of RL4J's own {@code compute} on the same
     * transitions as a list: terminal rows, masked next states and a target network that differs
     * from the online one included.
     */
    @Test
    void minibatchLabelsEqualRl4jsListComputation() {
        int stateSize = 6;
        int actions = 4;
        int rows = 50;
        DQN online = DqnNetworks.build(stateSize, actions, 2, 16, 1e-3, 1);
        DQN target = DqnNetworks.build(stateSize, actions, 2, 16, 1e-3, 2);
        MaskedDoubleDQN algorithm =
                new MaskedDoubleDQN(
                        online,
                        target,
                        BaseTransitionTDAlgorithm.Configuration.builder().gamma(0.8).build());
        Random rnd = new Random(5);
        float[] s = new float[rows * stateSize];
        float[] n = new float[rows * stateSize];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) rnd.nextGaussian();
            n[i] = (float) rnd.nextGaussian();
        }
        INDArray states = Nd4j.create(s, new long[] {rows, stateSize}, 'c');
        INDArray next = Nd4j.create(n, new long[] {rows, stateSize}, 'c');
        int[] taken = new int[rows];
        double[] rewards = new double[rows];
        boolean[] terminal = new boolean[rows];
        int[] masks = new int[rows];
        List<StateActionRewardState<Integer>> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            taken[i] = rnd.nextInt(actions);
            rewards[i] = rnd.nextGaussian();
            terminal[i] = i % 5 == 0;
            masks[i] = i % 3 == 0 ? 0 : 1 + rnd.nextInt((1 << actions) - 1);
            StateActionRewardState<Integer> t =
                    new StateActionRewardState<>(
                            new Observation(states.getRow(i, true)),
                            taken[i],
                            rewards[i],
                            terminal[i]);
            t.setNextObservation(new Observation(next.getRow(i, true)));
            list.add(t);
        }

        algorithm.nextMasks(masks);
        INDArray expected = algorithm.compute(list).getLabels(CommonOutputNames.QValues);
        FeaturesLabels batch =
                algorithm.compute(states, next, taken, rewards, terminal, masks, null);
        INDArray labels = batch.getLabels(CommonOutputNames.QValues);

        assertThat(labels.shape()).isEqualTo(expected.shape());
        assertThat(labels.dup().data().asFloat()).containsExactly(expected.dup().data().asFloat());
        assertThat(batch.getFeatures().get(0)).isEqualTo(states);
        // the labels are not the network's outputs: every row's taken action got its target
        INDArray q = online.output(states).get(CommonOutputNames.QValues);
        int changed = 0;
        for (int i = 0; i < rows; i++) {
            changed += labels.getDouble(i, taken[i]) != q.getDouble(i, taken[i]) ? 1 : 0;
        }
        assertThat(changed).isEqualTo(rows);

        // weighted: the taken action's label moves w times as far from the network's output
        double[] weights = new double[rows];
        for (int i = 0; i < rows; i++) {
            weights[i] = 0.1 + 3 * rnd.nextDouble();
        }
        INDArray weighted =
                algorithm
                        .compute(states, next, taken, rewards, terminal, masks, weights)
                        .getLabels(CommonOutputNames.QValues);
        for (int i = 0; i < rows; i++) {
            for (int a = 0; a < actions; a++) {
                double unweightedStep = labels.getDouble(i, a) - q.getDouble(i, a);
                assertThat(weighted.getDouble(i, a) - q.getDouble(i, a))
                        .isCloseTo(a == taken[i] ? weights[i] * unweightedStep : 0, within(1e-4));
            }
        }
    }
}
