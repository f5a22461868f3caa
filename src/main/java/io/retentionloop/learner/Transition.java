package io.retentionloop.learner;

import java.util.Arrays;
import java.util.Objects;

/**
 * One matured experience (s, a, r, s', done) as the agent emits it and the learner stores it, with
 * what off-policy evaluation needs (the logging propensity and policy version). A Flink POJO.
 */
public class Transition {

    /** The encoded state at the decision. */
    public double[] state;

    /** The catalogue index of the action taken. */
    public int action;

    /** Realized reward: attributed revenue minus the action's cost. */
    public double reward;

    /** The encoded state at the user's next window end; may be null when {@link #done}. */
    public double[] nextState;

    /**
     * The actions that can be taken at {@link #nextState} (eligibility, cooldowns, frequency cap;
     * not the day's budget), indexed like the catalogue; null when unknown, meaning all of them.
     * The learner's target maximises over these only.
     */
    public boolean[] nextAllowed;

    /** No next state follows (the user expired); the target is the reward alone. */
    public boolean done;

    /** Probability the logging policy gave {@link #action}. */
    public double propensity;

    /** Version of the logging policy. */
    public long policyVersion;

    public String decisionId;

    public Transition() {}

    public Transition(
            double[] state,
            int action,
            double reward,
            double[] nextState,
            boolean done,
            double propensity,
            long policyVersion,
            String decisionId) {
        this.state = state;
        this.action = action;
        this.reward = reward;
        this.nextState = nextState;
        this.done = done;
        this.propensity = propensity;
        this.policyVersion = policyVersion;
        this.decisionId = decisionId;
    }

    /** The same, with the actions allowed at the next state. */
    public Transition(
            double[] state,
            int action,
            double reward,
            double[] nextState,
            boolean[] nextAllowed,
            boolean done,
            double propensity,
            long policyVersion,
            String decisionId) {
        this(state, action, reward, nextState, done, propensity, policyVersion, decisionId);
        this.nextAllowed = nextAllowed;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Transition)) {
            return false;
        }
        Transition t = (Transition) o;
        return action == t.action
                && Double.compare(reward, t.reward) == 0
                && done == t.done
                && Double.compare(propensity, t.propensity) == 0
                && policyVersion == t.policyVersion
                && Arrays.equals(state, t.state)
                && Arrays.equals(nextState, t.nextState)
                && Arrays.equals(nextAllowed, t.nextAllowed)
                && Objects.equals(decisionId, t.decisionId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(decisionId, action);
    }

    @Override
    public String toString() {
        return "Transition("
                + decisionId
                + ", a="
                + action
                + ", r="
                + reward
                + ", done="
                + done
                + ")";
    }
}
