package io.retentionloop.learner.ope;

import java.util.Objects;

/**
 * One logged decision, the unit of off-policy evaluation: the context the logging policy saw, the
 * action it took, the probability it gave that action, and the reward that followed.
 *
 * @param action index of the action taken, {@code 0..K-1}
 * @param propensity probability the logging policy gave {@code action} in this context, in (0, 1]
 * @param reward the observed reward (e.g. revenue after the decision minus the action's cost)
 * @param context the features the policies condition on; reward models and target policies read it
 */
public record LoggedDecision(int action, double propensity, double reward, double[] context) {
    public LoggedDecision {
        if (action < 0) {
            throw new IllegalArgumentException("action must be >= 0, was " + action);
        }
        if (!(propensity > 0 && propensity <= 1)) {
            throw new IllegalArgumentException(
                    "propensity must be in (0, 1], was " + propensity + " (action " + action + ")");
        }
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("reward must be finite, was " + reward);
        }
        Objects.requireNonNull(context, "context");
    }
}
