package io.retentionloop.learner.ope;

import java.util.List;

/**
 * Doubly robust estimator: {@code V = (1/n) Σ [Σ_a π(a|x_i) q̂(x_i,a) + w_i (r_i − q̂(x_i,a_i))]}.
 * Unbiased when either the propensities or the reward model q̂ are right; the better q̂, the
 * smaller the variance. q̂ is cross-fitted ({@link RewardModel}) so that a decision's own reward
 * never enters its prediction. The bootstrap resamples decisions with q̂ held fixed (the model is
 * not refitted per replicate), which slightly understates the model's own variability.
 */
public final class DoublyRobust extends RatioEstimator {
    private final RewardModel rewardModel;

    public DoublyRobust(RewardModel rewardModel, Bootstrap bootstrap) {
        super(bootstrap);
        this.rewardModel = rewardModel;
    }

    @Override
    public String name() {
        return "DR";
    }

    @Override
    protected RatioTerms[] terms(List<LoggedDecision> logs, double[][]... targets) {
        int k = targets[0][0].length;
        // fitted once and shared, so that a paired comparison uses the same q̂ for both policies
        double[][] q = rewardModel.crossFitPredictions(logs, k);
        RatioTerms[] out = new RatioTerms[targets.length];
        for (int t = 0; t < targets.length; t++) {
            double[][] pi = targets[t];
            double[] w = importanceWeights(logs, pi);
            double[] u = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                LoggedDecision d = logs.get(i);
                double direct = 0;
                for (int a = 0; a < k; a++) {
                    direct += pi[i][a] * q[i][a];
                }
                u[i] = direct + w[i] * (d.reward() - q[i][d.action()]);
            }
            out[t] = new RatioTerms(u, ones(w.length), w);
        }
        return out;
    }
}
