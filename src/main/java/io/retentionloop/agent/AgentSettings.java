package io.retentionloop.agent;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the retention agent decides: control group, exploration, budget and reward horizon. Read once
 * at start (the {@code agent} block of the application config); invalid values fail with the key
 * named.
 *
 * @param controlShare fraction of users, by a stable hash of their id, who never get an action (the
 *     global control group uplift is measured against), in [0, 1)
 * @param controlSalt salt of that hash; changing it reshuffles the control group
 * @param epsilon probability of exploring: choosing uniformly among the allowed actions instead of
 *     the greedy one, in [0, 1]
 * @param coldStartEpsilon the same while the agent has no learned policy yet, in [0, 1]: until the
 *     learner publishes its first version every decision is data for it, so the cold start spreads
 *     its decisions over the allowed actions rather than repeating one (1 = uniformly)
 * @param explorationFloor minimum probability of every allowed action outside the control group, in
 *     (0, 1 / number of actions]: keeps every logged decision usable for off-policy evaluation
 * @param dailyBudget hard cap on the expected cost of the actions chosen per (event-time, UTC) day,
 *     in the base currency, >= 0
 * @param horizon reward horizon H: a decision at window end t earns the revenue in (t, t + H]
 * @param epsilonDecayUpdates learner updates over which ε falls linearly from {@code
 *     coldStartEpsilon} to {@code epsilon}, read from the update count of the policy in use (so
 *     every instance, and a restored job, agrees on it); 0 switches to {@code epsilon} with the
 *     first policy
 * @param budgetPacing share of this subtask's daily budget the learned policy aims its expected
 *     spend at, by pricing the budget ({@link BudgetPacer}): the budget goes to the decisions that
 *     expect the most per unit of cost; in [0, 1], 0 = no price (first come, first served until the
 *     budget is gone)
 */
public record AgentSettings(
        double controlShare,
        String controlSalt,
        double epsilon,
        double coldStartEpsilon,
        double explorationFloor,
        double dailyBudget,
        Duration horizon,
        long epsilonDecayUpdates,
        double budgetPacing)
        implements Serializable {

    public AgentSettings {
        require(
                controlShare >= 0 && controlShare < 1,
                "agent.control-share must be in [0, 1), was " + controlShare);
        require(
                controlSalt != null && !controlSalt.isBlank(),
                "agent.control-salt must not be blank");
        require(epsilon >= 0 && epsilon <= 1, "agent.epsilon must be in [0, 1], was " + epsilon);
        require(
                coldStartEpsilon >= 0 && coldStartEpsilon <= 1,
                "agent.cold-start-epsilon must be in [0, 1], was " + coldStartEpsilon);
        require(
                explorationFloor > 0 && explorationFloor < 1,
                "agent.exploration-floor must be in (0, 1), was "
                        + explorationFloor
                        + " (0 would give some allowed action probability 0)");
        require(
                Double.isFinite(dailyBudget) && dailyBudget >= 0,
                "agent.daily-budget must be a finite amount >= 0, was " + dailyBudget);
        require(
                horizon != null && !horizon.isNegative() && !horizon.isZero(),
                "agent.horizon must be > 0, was " + horizon);
        require(
                epsilonDecayUpdates >= 0,
                "agent.epsilon-decay-updates must be >= 0, was " + epsilonDecayUpdates);
        require(
                budgetPacing >= 0 && budgetPacing <= 1,
                "agent.budget-pacing must be in [0, 1], was " + budgetPacing);
    }

    /**
     * The exploration rate under a policy trained with {@code updates} updates: {@code
     * coldStartEpsilon} at 0, falling linearly to {@code epsilon} at {@code epsilonDecayUpdates}.
     * Never below the smaller of the two.
     */
    public double epsilonAfter(long updates) {
        if (epsilonDecayUpdates == 0 || updates >= epsilonDecayUpdates) {
            return epsilon;
        }
        double left = 1 - Math.max(0, updates) / (double) epsilonDecayUpdates;
        return epsilon + (coldStartEpsilon - epsilon) * left;
    }

    /**
     * Checks what depends on the catalogue: the floor times the number of actions must not exceed
     * 1, or the floors alone would not fit in one probability distribution.
     */
    public AgentSettings validateFor(ActionCatalogue catalogue) {
        require(
                explorationFloor * catalogue.size() <= 1,
                "agent.exploration-floor × "
                        + catalogue.size()
                        + " actions must be <= 1, was "
                        + explorationFloor * catalogue.size());
        return this;
    }

    public long horizonMillis() {
        return horizon.toMillis();
    }

    public AgentSettings withEpsilon(double e) {
        return new AgentSettings(
                controlShare,
                controlSalt,
                e,
                coldStartEpsilon,
                explorationFloor,
                dailyBudget,
                horizon,
                epsilonDecayUpdates,
                budgetPacing);
    }

    public AgentSettings withColdStartEpsilon(double e) {
        return new AgentSettings(
                controlShare,
                controlSalt,
                epsilon,
                e,
                explorationFloor,
                dailyBudget,
                horizon,
                epsilonDecayUpdates,
                budgetPacing);
    }

    public AgentSettings withExplorationFloor(double f) {
        return new AgentSettings(
                controlShare,
                controlSalt,
                epsilon,
                coldStartEpsilon,
                f,
                dailyBudget,
                horizon,
                epsilonDecayUpdates,
                budgetPacing);
    }

    public AgentSettings withControlShare(double s) {
        return new AgentSettings(
                s,
                controlSalt,
                epsilon,
                coldStartEpsilon,
                explorationFloor,
                dailyBudget,
                horizon,
                epsilonDecayUpdates,
                budgetPacing);
    }

    public AgentSettings withDailyBudget(double b) {
        return new AgentSettings(
                controlShare,
                controlSalt,
                epsilon,
                coldStartEpsilon,
                explorationFloor,
                b,
                horizon,
                epsilonDecayUpdates,
                budgetPacing);
    }

    public AgentSettings withHorizon(Duration h) {
        return new AgentSettings(
                controlShare,
                controlSalt,
                epsilon,
                coldStartEpsilon,
                explorationFloor,
                dailyBudget,
                h,
                epsilonDecayUpdates,
                budgetPacing);
    }

    public AgentSettings withEpsilonDecayUpdates(long n) {
        return new AgentSettings(
                controlShare,
                controlSalt,
                epsilon,
                coldStartEpsilon,
                explorationFloor,
                dailyBudget,
                horizon,
                n,
                budgetPacing);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
