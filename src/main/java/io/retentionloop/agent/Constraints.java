package io.retentionloop.agent;

import io.retentionloop.lifecycle.LifecycleStage;

/**
 * Which actions may go to a user now: eligibility by lifecycle stage, the per-action cooldown, the
 * per-user frequency cap over all actions, and the budget. Applied before the policy draws, so the
 * logged probabilities are those of the actions that could really be chosen. {@code none} is always
 * allowed.
 */
public final class Constraints {

    /** Why an action is not allowed (or that it is). */
    public enum Verdict {
        ALLOWED,
        /** Not eligible in the user's lifecycle stage. */
        STAGE,
        /** The same action was sent within its cooldown. */
        COOLDOWN,
        /** The user already got frequency_cap.max actions within frequency_cap.per. */
        FREQUENCY_CAP,
        /** Its expected cost does not fit in what is left of the day's budget. */
        BUDGET
    }

    private Constraints() {}

    /** One flag per catalogue action: whether it may be sent to this user at {@code now}. */
    public static boolean[] allowed(
            ActionCatalogue catalogue,
            LifecycleStage stage,
            InterventionHistory history,
            long now) {
        Verdict[] v = verdicts(catalogue, stage, history, now);
        boolean[] allowed = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            allowed[i] = v[i] == Verdict.ALLOWED;
        }
        return allowed;
    }

    /** Like {@link #allowed}, with the reason for each action that is not. */
    public static Verdict[] verdicts(
            ActionCatalogue catalogue,
            LifecycleStage stage,
            InterventionHistory history,
            long now) {
        Verdict[] v = new Verdict[catalogue.size()];
        ActionCatalogue.FrequencyCap cap = catalogue.frequencyCap();
        boolean capped =
                history != null
                        && history.sendsWithin(now - cap.per().toMillis(), now) >= cap.max();
        for (int i = 0; i < v.length; i++) {
            ActionCatalogue.Action a = catalogue.get(i);
            if (a.isNone()) {
                v[i] = Verdict.ALLOWED;
            } else if (!a.eligible(stage)) {
                v[i] = Verdict.STAGE;
            } else if (inCooldown(catalogue, history, i, now)) {
                v[i] = Verdict.COOLDOWN;
            } else if (capped) {
                v[i] = Verdict.FREQUENCY_CAP;
            } else {
                v[i] = Verdict.ALLOWED;
            }
        }
        return v;
    }

    /**
     * Removes from {@code allowed} (in place) every action whose expected cost exceeds {@code
     * remaining} budget. Returns whether any action was removed (the decision is then logged as
     * budget-denied). {@code none} costs nothing and stays.
     *
     * @param expectedCosts per action, e.g. {@link ActionCatalogue.Action#cost} of the value
     *     model's expected spend over the horizon
     */
    public static boolean applyBudget(boolean[] allowed, double[] expectedCosts, double remaining) {
        boolean removed = false;
        for (int i = 0; i < allowed.length; i++) {
            if (allowed[i] && expectedCosts[i] > 0 && expectedCosts[i] > remaining) {
                allowed[i] = false;
                removed = true;
            }
        }
        return removed;
    }

    /** Only {@code none}: what the control group gets. */
    public static boolean[] noneOnly(ActionCatalogue catalogue) {
        boolean[] allowed = new boolean[catalogue.size()];
        allowed[0] = true;
        return allowed;
    }

    private static boolean inCooldown(
            ActionCatalogue catalogue, InterventionHistory history, int action, long now) {
        if (history == null) {
            return false;
        }
        long last = history.lastSentAt(catalogue, action);
        long cooldown = catalogue.get(action).cooldown().toMillis();
        return last != InterventionHistory.NEVER && cooldown > 0 && now - last < cooldown;
    }
}
