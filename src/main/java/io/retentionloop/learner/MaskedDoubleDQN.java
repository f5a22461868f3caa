package io.retentionloop.learner;

import org.deeplearning4j.rl4j.agent.learning.algorithm.dqn.BaseDQNAlgorithm;
import org.deeplearning4j.rl4j.agent.learning.algorithm.dqn.BaseTransitionTDAlgorithm;
import org.deeplearning4j.rl4j.agent.learning.update.Features;
import org.deeplearning4j.rl4j.network.IOutputNeuralNet;

/**
 * RL4J's double DQN target, r + γ·Q_target(s', argmax_a Q(s', a)), with the argmax taken only over
 * the actions that can be taken at s'. RL4J's {@code DoubleDQN} maximises over every action, but
 * here most states forbid some (a coupon in its 14-day cooldown, push to a lapsed user, the
 * frequency cap): their outputs are never trained on such states, so the plain maximum picks up
 * whatever the network extrapolates for them and credits it to the action that led there (a coupon
 * looks better than it is because the next state's coupon output, which cannot be used, is high).
 * {@link #nextMasks} sets the allowed actions of each row of the next minibatch, as a bit set (bit
 * a = action a); 0, or no masks, means every action.
 */
final class MaskedDoubleDQN extends BaseDQNAlgorithm {

    private int[] masks;
    private int[] best;

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

    @Override
    protected void initComputation(Features features, Features nextFeatures) {
        super.initComputation(features, nextFeatures);
        int rows = (int) qNetworkNextFeatures.rows();
        int actions = (int) qNetworkNextFeatures.columns();
        float[] q = qNetworkNextFeatures.dup('c').data().asFloat();
        best = new int[rows];
        for (int i = 0; i < rows; i++) {
            int mask = masks == null || masks[i] == 0 ? -1 : masks[i];
            int arg = -1;
            for (int a = 0; a < actions; a++) {
                if ((mask >>> a & 1) != 0
                        && (arg < 0 || q[i * actions + a] > q[i * actions + arg])) {
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
        return reward + gamma * targetQNetworkNextFeatures.getDouble(batchIdx, best[batchIdx]);
    }
}
