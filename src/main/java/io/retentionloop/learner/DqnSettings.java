package io.retentionloop.learner;

import java.io.Serializable;

/**
 * How the policy learner trains its double DQN. Read once at start (the {@code learner} block of
 * the application config); invalid values fail with the key named.
 *
 * @param gamma discount γ in [0, 1): 0 makes it a contextual bandit (each decision's own horizon
 *     reward), > 0 adds γ·Q(s', argmax Q) and then the horizon should equal the window length so
 *     consecutive rewards do not overlap
 * @param learningRate Adam step size
 * @param hiddenLayers dense ReLU layers ({@code DQNFactoryStdDense} builds them of equal width)
 * @param hiddenUnits units per hidden layer
 * @param batchSize transitions per update
 * @param replayCapacity transitions kept; the oldest are overwritten
 * @param targetUpdatePeriod updates between copies of the online network into the target network
 * @param updatesPerTransition updates earned by each added transition (e.g. 0.25, 1, 4)
 * @param seed initial weights and replay sampling
 */
public record DqnSettings(
        double gamma,
        double learningRate,
        int hiddenLayers,
        int hiddenUnits,
        int batchSize,
        int replayCapacity,
        int targetUpdatePeriod,
        double updatesPerTransition,
        long seed)
        implements Serializable {

    public DqnSettings {
        require(gamma >= 0 && gamma < 1, "learner.gamma must be in [0, 1), was " + gamma);
        require(
                learningRate > 0 && learningRate < 1,
                "learner.learning-rate must be in (0, 1), was " + learningRate);
        require(
                hiddenLayers >= 1 && hiddenLayers <= 8,
                "learner.hidden-layers must be in [1, 8], was " + hiddenLayers);
        require(
                hiddenUnits >= 1 && hiddenUnits <= 4096,
                "learner.hidden-units must be in [1, 4096], was " + hiddenUnits);
        require(batchSize >= 1, "learner.batch-size must be >= 1, was " + batchSize);
        require(
                replayCapacity >= batchSize,
                "learner.replay-capacity must be >= learner.batch-size, was " + replayCapacity);
        require(
                targetUpdatePeriod >= 1,
                "learner.target-update-period must be >= 1, was " + targetUpdatePeriod);
        require(
                updatesPerTransition >= 0 && updatesPerTransition <= 1000,
                "learner.updates-per-transition must be in [0, 1000], was " + updatesPerTransition);
    }

    /**
     * γ = 0, Adam 1e-3, 2 × 64 units, batch 32, 50,000 transitions, target every 500 updates, 0.25
     * updates per transition.
     */
    public static DqnSettings defaults() {
        return new DqnSettings(0.0, 1e-3, 2, 64, 32, 50_000, 500, 0.25, 7L);
    }

    public DqnSettings withGamma(double g) {
        return new DqnSettings(
                g,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                updatesPerTransition,
                seed);
    }

    public DqnSettings withSeed(long s) {
        return new DqnSettings(
                gamma,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                updatesPerTransition,
                s);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
