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
 * @param baseline also fit a state-value baseline b(s) on every minibatch (all actions) and let the
 *     Q-network learn what each action adds to it: the reward's level, which is the same for every
 *     action and far larger than their differences, is then learned from all transitions instead of
 *     from each action's own (see {@link DqnLearner})
 * @param averaging decay of the exponential moving average of the weights that is published and
 *     answers {@link DqnLearner#qValues} (Polyak averaging); 0 publishes the last weights as they
 *     are
 * @param inputL1 L1 penalty on the Q-network's input weights (0: none): with rewards whose noise is
 *     far above the differences between actions, inputs that do not tell the actions apart still
 *     let the network fit noise through them; the penalty keeps the inputs that pay for themselves
 *     (the baseline b(s) is not penalized)
 * @param ensemble Q-networks trained side by side, each from its own initial weights on its own
 *     minibatches, whose mean is published: their disagreement is the noise each fitted, which the
 *     mean averages out
 * @param noiseWeighting 0, or weigh each transition's squared TD error by the inverse of its
 *     reward's predicted noise variance (weighted least squares): a third network σ²(s) regresses
 *     the squared residual (r − b(s))² on the state, and each minibatch row gets 1 / max(σ²(s),
 *     this floor), the weights scaled to mean 1 per minibatch. The value is the floor, in units of
 *     the rewards' mean square (the network's reward unit): rewards of users whose revenue is large
 *     and erratic then weigh less than those of users whose revenue barely moves unless an action
 *     moves it, instead of drowning them out. Needs {@code baseline}.
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
        long seed,
        boolean baseline,
        double averaging,
        double inputL1,
        int ensemble,
        double noiseWeighting)
        implements Serializable {

    /** Without weighting by the rewards' noise. */
    public DqnSettings(
            double gamma,
            double learningRate,
            int hiddenLayers,
            int hiddenUnits,
            int batchSize,
            int replayCapacity,
            int targetUpdatePeriod,
            double updatesPerTransition,
            long seed,
            boolean baseline,
            double averaging,
            double inputL1,
            int ensemble) {
        this(
                gamma,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                updatesPerTransition,
                seed,
                baseline,
                averaging,
                inputL1,
                ensemble,
                0);
    }

    /** Without an ensemble: one Q-network. */
    public DqnSettings(
            double gamma,
            double learningRate,
            int hiddenLayers,
            int hiddenUnits,
            int batchSize,
            int replayCapacity,
            int targetUpdatePeriod,
            double updatesPerTransition,
            long seed,
            boolean baseline,
            double averaging,
            double inputL1) {
        this(
                gamma,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                updatesPerTransition,
                seed,
                baseline,
                averaging,
                inputL1,
                1);
    }

    /** The plain double DQN: no baseline, the last weights published, no input penalty. */
    public DqnSettings(
            double gamma,
            double learningRate,
            int hiddenLayers,
            int hiddenUnits,
            int batchSize,
            int replayCapacity,
            int targetUpdatePeriod,
            double updatesPerTransition,
            long seed) {
        this(
                gamma,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                updatesPerTransition,
                seed,
                false,
                0,
                0);
    }

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
        require(
                averaging >= 0 && averaging < 1,
                "learner.averaging must be in [0, 1), was " + averaging);
        require(inputL1 >= 0 && inputL1 < 1, "learner.input-l1 must be in [0, 1), was " + inputL1);
        require(
                ensemble >= 1 && ensemble <= MAX_ENSEMBLE,
                "learner.ensemble must be in [1, " + MAX_ENSEMBLE + "], was " + ensemble);
        require(
                noiseWeighting >= 0 && noiseWeighting <= 10,
                "learner.noise-weighting must be in [0, 10], was " + noiseWeighting);
        require(
                noiseWeighting == 0 || baseline,
                "learner.noise-weighting needs learner.baseline: the noise is the reward's spread"
                        + " around b(s)");
    }

    /** The most Q-networks an ensemble may have. */
    public static final int MAX_ENSEMBLE = 16;

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
                seed,
                baseline,
                averaging,
                inputL1,
                ensemble,
                noiseWeighting);
    }

    public DqnSettings withUpdatesPerTransition(double perTransition) {
        return new DqnSettings(
                gamma,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                perTransition,
                seed,
                baseline,
                averaging,
                inputL1,
                ensemble,
                noiseWeighting);
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
                s,
                baseline,
                averaging,
                inputL1,
                ensemble,
                noiseWeighting);
    }

    public DqnSettings withBaselineAndAveraging(boolean withBaseline, double decay) {
        return new DqnSettings(
                gamma,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                updatesPerTransition,
                seed,
                withBaseline,
                decay,
                inputL1,
                ensemble,
                noiseWeighting);
    }

    public DqnSettings withInputL1(double l1) {
        return new DqnSettings(
                gamma,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                updatesPerTransition,
                seed,
                baseline,
                averaging,
                l1,
                ensemble,
                noiseWeighting);
    }

    public DqnSettings withEnsemble(int members) {
        return new DqnSettings(
                gamma,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                updatesPerTransition,
                seed,
                baseline,
                averaging,
                inputL1,
                members,
                noiseWeighting);
    }

    public DqnSettings withNoiseWeighting(double floor) {
        return new DqnSettings(
                gamma,
                learningRate,
                hiddenLayers,
                hiddenUnits,
                batchSize,
                replayCapacity,
                targetUpdatePeriod,
                updatesPerTransition,
                seed,
                baseline,
                averaging,
                inputL1,
                ensemble,
                floor);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
