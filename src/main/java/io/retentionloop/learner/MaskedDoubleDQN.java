package io.retentionloop.learner;

import org.deeplearning4j.rl4j.agent.learning.algorithm.dqn.BaseDQNAlgorithm;
import org.deeplearning4j.rl4j.agent.learning.algorithm.dqn.BaseTransitionTDAlgorithm;
import org.deeplearning4j.rl4j.agent.learning.update.Features;
import org.deeplearning4j.rl4j.agent.learning.update.FeaturesLabels;
import org.deeplearning4j.rl4j.network.CommonOutputNames;
import org.deeplearning4j.rl4j.network.IOutputNeuralNet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * RL4J's double DQN target, r + γ·Q_target(s', argmax_a Q(s', a)), with the argmax taken only over
 * the actions that can be taken at s'. RL4J's {@code DoubleDQN} maximises over every action, but
 * here most states forbid some (a coupon in its 14-day cooldown, push to a lapsed user, the
 * frequency cap): their outputs are never trained on such states, so the plain maximum picks up
 * whatever the network extrapolates for them and credits it to the action that led there (a coupon
 * looks better than it is because the next state's coupon output, which cannot be used, is high).
 * {@link #nextMasks} sets the allowed actions of each row of the next minibatch, as a bit set (bit
 * a = action a); 0, or no masks, means every action.
 *
 * <p>{@link #compute(INDArray, INDArray, int[], double[], boolean[], int[])} is RL4J's {@code
 * compute} for a minibatch that is already in two matrices: RL4J's own takes a list of transitions
 * and copies each observation into its feature matrix, reads each next-state value and writes each
 * label as a separate ND4J call, about 0.13 ms per transition (two thirds of an update of 128 on
 * this CPU). The labels are the same: the online network's Q-values with the taken action's
 * replaced by its target.
 */
final class MaskedDoubleDQN extends BaseDQNAlgorithm {

    private int[] masks;
    private int[] best;
    private float[] targetNext;
    private int columns;
    private double squaredError;

    MaskedDoubleDQN(
            IOutputNeuralNet qNetwork,
            IOutputNeuralNet targetQNetwork,
            BaseTransitionTDAlgorithm.Configuration configuration) {
        super(qNetwork, targetQNetwork, configuration);
    }

    /** The allowed actions at s' of each row of the minibatch about to be computed. */
    void nextMasks(int[] masks) {
        this.masks = masks;
    }

    /**
     * The features and labels of one update on a minibatch of {@code rows} transitions.
     *
     * @param states s, one row per transition
     * @param next s', one row per transition (any values where the transition is terminal)
     * @param actions the action taken in each row
     * @param rewards the reward of each row (in the network's units)
     * @param terminal whether each row ends without a next state
     * @param masks the actions allowed at each row's s' (bit sets; 0 = all), or null for all
     * @param weights each row's weight in the squared error, or null for 1 each: the taken action's
     *     label moves w·(target − Q) from Q, so the gradient of its squared error is w times the
     *     unweighted one
     */
    FeaturesLabels compute(
            INDArray states,
            INDArray next,
            int[] actions,
            double[] rewards,
            boolean[] terminal,
            int[] masks,
            double[] weights) {
        Features features = new Features(new INDArray[] {states});
        nextMasks(masks);
        initComputation(features, new Features(new INDArray[] {next}));
        INDArray q = qNetwork.output(features).get(CommonOutputNames.QValues);
        float[] labels = q.dup('c').data().asFloat();
        double squares = 0;
        for (int i = 0; i < actions.length; i++) {
            int at = i * columns + actions[i];
            double target = computeTarget(i, rewards[i], terminal[i]);
            double error = target - labels[at];
            squares += error * error;
            labels[at] = (float) (weights == null ? target : labels[at] + weights[i] * error);
        }
        squaredError = squares / actions.length;
        FeaturesLabels out = new FeaturesLabels(features);
        out.putLabels(
                CommonOutputNames.QValues,
                Nd4j.create(labels, q.shape(), 'c').castTo(q.dataType()));
        return out;
    }

    /** The mean squared TD error (unweighted) of the last computed minibatch, before its update. */
    double squaredError() {
        return squaredError;
    }

    @Override
    protected void initComputation(Features features, Features nextFeatures) {
        super.initComputation(features, nextFeatures);
        int rows = (int) qNetworkNextFeatures.rows();
        columns = (int) qNetworkNextFeatures.columns();
        float[] q = qNetworkNextFeatures.dup('c').data().asFloat();
        targetNext = targetQNetworkNextFeatures.dup('c').data().asFloat();
        best = new int[rows];
        for (int i = 0; i < rows; i++) {
            int mask = masks == null || masks[i] == 0 ? -1 : masks[i];
            int arg = -1;
            for (int a = 0; a < columns; a++) {
                if ((mask >>> a & 1) != 0
                        && (arg < 0 || q[i * columns + a] > q[i * columns + arg])) {
                    arg = a;
                }
            }
            best[i] = arg;
        }
    }

    @Override
    protected double computeTarget(int batchIdx, double reward, boolean isTerminal) {
        if (isTerminal) {
            return reward;
        }
        return reward + gamma * targetNext[batchIdx * columns + best[batchIdx]];
    }
}
