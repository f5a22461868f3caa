package io.retentionloop.learner.ope;

import java.util.List;

/**
 * A transparent non-neural baseline targeting policy: fit the per-action ridge reward model on the
 * training logs and pick the action with the highest predicted reward (the "direct method" /
 * T-learner). It shows how much targeting signal a linear model finds, next to the DQN.
 */
public final class RidgeGreedyTrainer implements TargetingTrainer {
    private final double lambda;

    public RidgeGreedyTrainer(double lambda) {
        this.lambda = lambda;
    }

    @Override
    public Policy train(List<LoggedDecision> logs, int numActions, long seed) {
        RidgeRewardModel.Fitted model = new RidgeRewardModel(lambda, 2, seed).fit(logs, numActions);
        return Policy.of(numActions, x -> Policy.argmax(model.predict(x)));
    }
}
