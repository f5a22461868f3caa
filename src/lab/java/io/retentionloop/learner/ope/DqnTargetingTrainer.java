package io.retentionloop.learner.ope;

import io.retentionloop.job.JobConfig;
import io.retentionloop.learner.DqnLearner;
import io.retentionloop.learner.DqnSettings;
import io.retentionloop.learner.Transition;
import java.util.Arrays;
import java.util.List;

/**
 * Trains a targeting policy with the project's double DQN ({@link DqnLearner}) as a contextual
 * bandit: γ = 0, one terminal transition per logged decision (state = context, action = the logged
 * action, reward = the logged reward), replayed for {@code epochs} passes in expectation. The
 * policy is greedy in the learned Q-values.
 *
 * <p>Contexts are standardized with the training mean and standard deviation, and rewards divided
 * by their standard deviation before they reach the network (spend is heavy tailed: a few $100+
 * orders among zeros); a positive rescaling of all rewards leaves the greedy policy unchanged.
 */
public final class DqnTargetingTrainer implements TargetingTrainer {
    private final DqnSettings settings;
    private final double epochs;

    /**
     * @param settings network and optimizer settings; γ is forced to 0, the replay capacity raised
     *     to hold every training decision, and the seed taken from {@link #train}'s
     * @param epochs expected passes over the training decisions (updates = epochs × n / batch)
     */
    public DqnTargetingTrainer(DqnSettings settings, double epochs) {
        if (!(epochs > 0)) {
            throw new IllegalArgumentException("epochs must be > 0");
        }
        this.settings = settings;
        this.epochs = epochs;
    }

    /** Settings used by default: 2 × 64 ReLU, Adam 1e-3, batch 256, 4 epochs. */
    public static DqnTargetingTrainer defaults() {
        DqnSettings d = JobConfig.defaults().dqnSettings();
        return new DqnTargetingTrainer(
                new DqnSettings(0.0, 1e-3, 2, 64, 256, d.replayCapacity(), 500, 1.0, 7L), 4);
    }

    @Override
    public Policy train(List<LoggedDecision> logs, int numActions, long seed) {
        int n = logs.size();
        int d = logs.get(0).context().length;
        double[] mean = new double[d];
        double[] sd = new double[d];
        Standardizer.fit(logs, mean, sd);
        double rewardMean = 0;
        for (LoggedDecision x : logs) {
            rewardMean += x.reward() / n;
        }
        double rewardSd = 0;
        for (LoggedDecision x : logs) {
            rewardSd += (x.reward() - rewardMean) * (x.reward() - rewardMean) / n;
        }
        double rewardScale = rewardSd > 0 ? 1 / Math.sqrt(rewardSd) : 1;
        long updates = Math.max(1, Math.round(epochs * n / settings.batchSize()));
        DqnSettings s =
                new DqnSettings(
                        0.0,
                        settings.learningRate(),
                        settings.hiddenLayers(),
                        settings.hiddenUnits(),
                        settings.batchSize(),
                        Math.max(n, settings.batchSize()),
                        settings.targetUpdatePeriod(),
                        (double) updates / n,
                        seed);
        DqnLearner learner = new DqnLearner(s, d, numActions);
        for (int i = 0; i < n; i++) {
            LoggedDecision x = logs.get(i);
            learner.add(
                    new Transition(
                            Standardizer.apply(x.context(), mean, sd),
                            x.action(),
                            x.reward() * rewardScale,
                            null,
                            true,
                            x.propensity(),
                            0,
                            "train-" + i));
        }
        long done = 0;
        while (done < updates) {
            int step = learner.train((int) Math.min(10_000, updates - done));
            if (step == 0) {
                break;
            }
            done += step;
        }
        return Policy.greedy(
                numActions,
                contexts -> {
                    double[][] z = new double[contexts.length][];
                    for (int i = 0; i < z.length; i++) {
                        z[i] = Standardizer.apply(contexts[i], mean, sd);
                    }
                    double[][] q = new double[z.length][];
                    // micro-batches: ND4J's per-call overhead dominates single rows
                    for (int from = 0; from < z.length; from += 4096) {
                        int to = Math.min(z.length, from + 4096);
                        double[][] chunk = Arrays.copyOfRange(z, from, to);
                        double[][] qc = learner.qValues(chunk);
                        System.arraycopy(qc, 0, q, from, qc.length);
                    }
                    return q;
                });
    }

    /** Per-feature z-scores fitted on the training contexts. */
    static final class Standardizer {
        private Standardizer() {}

        static void fit(List<LoggedDecision> logs, double[] mean, double[] sd) {
            int n = logs.size();
            for (LoggedDecision x : logs) {
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += x.context()[j] / n;
                }
            }
            for (LoggedDecision x : logs) {
                for (int j = 0; j < mean.length; j++) {
                    double c = x.context()[j] - mean[j];
                    sd[j] += c * c / n;
                }
            }
            for (int j = 0; j < sd.length; j++) {
                sd[j] = sd[j] > 1e-24 ? Math.sqrt(sd[j]) : 1;
            }
        }

        static double[] apply(double[] x, double[] mean, double[] sd) {
            double[] z = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                z[j] = (x[j] - mean[j]) / sd[j];
            }
            return z;
        }
    }
}
