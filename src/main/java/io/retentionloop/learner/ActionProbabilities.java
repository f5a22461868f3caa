package io.retentionloop.learner;

import java.io.Serializable;

/**
 * How the acting side turns a policy's Q-values into the probabilities of its actions (greedy,
 * exploration, floors): what the learner's publish gate needs to evaluate a candidate policy as it
 * would act. The agent's selector implements it; the learner needs nothing else of the agent.
 */
public interface ActionProbabilities extends Serializable {
    /** The distribution over actions for these Q-values and this mask. */
    double[] probabilities(double[] q, boolean[] allowed);
}
