package io.retentionloop.learner;

import org.deeplearning4j.rl4j.network.CommonOutputNames;
import org.deeplearning4j.rl4j.network.dqn.DQN;
import org.deeplearning4j.rl4j.observation.Observation;
import org.deeplearning4j.rl4j.policy.DQNPolicy;

/**
 * A published policy ready to score: RL4J's {@code DQNPolicy} over the snapshot's network. The
 * agent asks it for the Q-values of a micro-batch of states and chooses with its own selector
 * ({@link ActionProbabilities}), not {@code DQNPolicy.nextAction}, which ignores the constraints.
 * Not thread-safe: one per operator instance.
 */
public final class PolicyNetwork {

    private final long version;
    private final int stateSize;
    private final int actionCount;
    private final DQNPolicy<Observation> policy;

    private PolicyNetwork(long version, int stateSize, int actionCount, DQN dqn) {
        this.version = version;
        this.stateSize = stateSize;
        this.actionCount = actionCount;
        this.policy = new DQNPolicy<>(dqn);
    }

    /**
     * Rebuilds the network of a snapshot.
     *
     * @throws IllegalArgumentException if its parameters do not fit its shape
     */
    public static PolicyNetwork fromSnapshot(PolicySnapshot s) {
        DQN dqn =
                DqnNetworks.build(
                        s.stateSize, s.actionCount, s.hiddenLayers, s.hiddenUnits, 1e-3, 0L);
        DqnNetworks.setParams(dqn, PolicySnapshot.bytesToFloats(s.params));
        return new PolicyNetwork(s.version, s.stateSize, s.actionCount, dqn);
    }

    /** Q-values of every action for each state, in one network call. */
    public double[][] qValues(double[][] states) {
        if (states.length == 0) {
            return new double[0][];
        }
        return DqnNetworks.rows(
                policy.getNeuralNet()
                        .output(DqnNetworks.matrix(states, stateSize))
                        .get(CommonOutputNames.QValues));
    }

    /** Q-values for one state; prefer the batched form. */
    public double[] qValues(double[] state) {
        return qValues(new double[][] {state})[0];
    }

    public long version() {
        return version;
    }

    public int stateSize() {
        return stateSize;
    }

    public int actionCount() {
        return actionCount;
    }
}
