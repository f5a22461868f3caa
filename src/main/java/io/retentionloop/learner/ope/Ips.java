package io.retentionloop.learner.ope;

import java.util.List;

/**
 * Inverse propensity scoring: {@code V = (1/n) Σ w_i r_i} with {@code w_i = π(a_i|x_i) /
 * μ(a_i|x_i)}. Unbiased when the logged propensities are right and positive wherever π is; its
 * variance grows with the weights.
 */
public final class Ips extends RatioEstimator {
    public Ips(Bootstrap bootstrap) {
        super(bootstrap);
    }

    @Override
    public String name() {
        return "IPS";
    }

    @Override
    protected RatioTerms[] terms(List<LoggedDecision> logs, double[][]... targets) {
        RatioTerms[] out = new RatioTerms[targets.length];
        for (int k = 0; k < targets.length; k++) {
            double[] w = importanceWeights(logs, targets[k]);
            double[] u = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                u[i] = w[i] * logs.get(i).reward();
            }
            out[k] = new RatioTerms(u, ones(w.length), w);
        }
        return out;
    }
}
