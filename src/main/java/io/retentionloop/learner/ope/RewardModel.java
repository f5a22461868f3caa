package io.retentionloop.learner.ope;

import java.util.List;

/** A model of the expected reward q̂(x, a), as the direct-method part of the DR estimator. */
public interface RewardModel {
    /**
     * Out-of-fold predictions q̂(x_i, a) for every logged decision i and action a (n × K): each row
     * is predicted by a model that did not see that decision.
     */
    double[][] crossFitPredictions(List<LoggedDecision> logs, int numActions);
}
