package io.retentionloop.agent;

import java.util.Arrays;

/**
 * Which policy the agent follows: the learned DQN, or a fixed one for comparisons ({@code none},
 * {@code random}, {@code fixed:<action>}). Fixed policies go through the same constraints, budget,
 * control group and logging, so every policy is evaluated on equal terms.
 */
public record PolicyMode(String kind, int fixedAction) implements java.io.Serializable {

    public static PolicyMode parse(String text, ActionCatalogue catalogue) {
        if (text.equals("learned") || text.equals("random")) {
            return new PolicyMode(text, -1);
        }
        if (text.equals("none")) {
            return new PolicyMode(text, 0);
        }
        if (text.startsWith("fixed:")) {
            String id = text.substring(6);
            int a = catalogue.indexOf(id);
            if (a < 0) {
                throw new IllegalArgumentException(
                        "agent.policy: no action '"
                                + id
                                + "' in the catalogue "
                                + Arrays.toString(catalogue.ids()));
            }
            return new PolicyMode("fixed", a);
        }
        throw new IllegalArgumentException(
                "agent.policy must be learned, none, random or fixed:<action>, was '" + text + "'");
    }

    public boolean learned() {
        return kind.equals("learned");
    }

    /** The Q-values logged for a non-learned policy: its action 1, the rest 0. */
    public double[] fixedQ(int actions) {
        double[] q = new double[actions];
        if (!kind.equals("random")) {
            q[fixedAction] = 1;
        }
        return q;
    }

    /**
     * Whether the policy chooses with certainty ({@code none}, {@code fixed:<a>}): comparison
     * baselines, not production policies, so they carry no exploration; {@code random} is uniform
     * over the allowed actions and {@code learned} keeps the exploration floor.
     */
    public boolean deterministic() {
        return kind.equals("none") || kind.equals("fixed");
    }
}
