package io.retentionloop.learner.ope;

import java.util.List;

/**
 * Self-normalized IPS: {@code V = Σ w_i r_i / Σ w_i}. Slightly biased (O(1/n)) but bounded by the
 * reward range and usually of much lower variance than IPS; invariant to adding a constant to every
 * reward.
 */
public final class Snips extends RatioEstimator {
    public Snips(Bootstrap bootstrap) {
        super(bootstrap);
    }

    @Override
    public String name() {
        return "SNIPS";
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
            out[k] = new RatioTerms(u, w, w);
        }
        return out;
    }
}
