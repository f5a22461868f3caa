package io.retentionloop.agent;

import io.retentionloop.encoding.JsonOut;
import io.retentionloop.lifecycle.LifecycleStage;
import java.util.Arrays;
import java.util.Objects;

/**
 * One decision of the agent for one user at one window end, {@code none} included: what was chosen,
 * with which probability under which policy, and what the value model expected. Logged for every
 * decision so that any policy can be evaluated off-line; actionable ones go to marketing as JSON
 * ({@link DecisionJson}). A Flink POJO.
 */
public class Decision {

    /** {@code userId + "@" + windowEnd} in ISO-8601 ({@link #idOf}); unique and stable. */
    public String decisionId;

    public String userId;

    /** The window end the decision was made at (event time, epoch millis). */
    public long windowEnd;

    /** The chosen action's catalogue id. */
    public String actionId;

    /** The chosen action's catalogue index (0 = none). */
    public int actionIndex;

    /** Probability the behaviour policy gave the chosen action; 1 for the control group. */
    public double propensity;

    /** Probability of every catalogue action (0 for those not allowed). */
    public double[] probabilities;

    /** The policy's Q-value of every action (expected reward, base currency). */
    public double[] qValues;

    /** Version of the policy that produced the Q-values; 0 before the first published policy. */
    public long policyVersion;

    /** Version of the value model that scored the window, or null without one. */
    public String modelVersion;

    /** Whether the user is in the global control group (then the action is always none). */
    public boolean controlGroup;

    /** Whether the chosen action is not the greedy one. */
    public boolean explored;

    /** Lifecycle stage at the window end. */
    public LifecycleStage stage;

    /** The value model's outputs over the horizon; NaN without a value model. */
    public double expectedPurchases = Double.NaN;

    public double purchaseProbability = Double.NaN;
    public double expectedSpend = Double.NaN;
    public double expectedOrderValue = Double.NaN;

    /** Expected cost of the chosen action, charged to the day's budget. */
    public double expectedCost;

    /** Whether the budget removed at least one otherwise allowed action. */
    public boolean budgetDenied;

    /**
     * The budget's price the action was chosen with: Q-value given up per unit of expected cost (0
     * when the budget is not short, or without pacing).
     */
    public double budgetPrice;

    public Decision() {}

    /** The id of the decision for a user at a window end. */
    public static String idOf(String userId, long windowEnd) {
        return userId + "@" + JsonOut.time(windowEnd);
    }

    /** Whether something other than {@code none} was chosen. */
    public boolean actionable() {
        return actionIndex != 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Decision)) {
            return false;
        }
        Decision d = (Decision) o;
        return windowEnd == d.windowEnd
                && actionIndex == d.actionIndex
                && Double.compare(propensity, d.propensity) == 0
                && policyVersion == d.policyVersion
                && controlGroup == d.controlGroup
                && explored == d.explored
                && Double.compare(expectedPurchases, d.expectedPurchases) == 0
                && Double.compare(purchaseProbability, d.purchaseProbability) == 0
                && Double.compare(expectedSpend, d.expectedSpend) == 0
                && Double.compare(expectedOrderValue, d.expectedOrderValue) == 0
                && Double.compare(expectedCost, d.expectedCost) == 0
                && budgetDenied == d.budgetDenied
                && Double.compare(budgetPrice, d.budgetPrice) == 0
                && Objects.equals(decisionId, d.decisionId)
                && Objects.equals(userId, d.userId)
                && Objects.equals(actionId, d.actionId)
                && Arrays.equals(probabilities, d.probabilities)
                && Arrays.equals(qValues, d.qValues)
                && Objects.equals(modelVersion, d.modelVersion)
                && stage == d.stage;
    }

    @Override
    public int hashCode() {
        return Objects.hash(decisionId, actionIndex, policyVersion);
    }

    @Override
    public String toString() {
        return "Decision(" + decisionId + ", " + actionId + ", p=" + propensity + ")";
    }
}
