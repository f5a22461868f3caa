package io.retentionloop.agent;

import java.util.Arrays;

/**
 * Which policy the agent follows: the learned DQN, or a fixed one for comparisons ({@code none},
 * {@code random}, {@code fixed:<action>}). Fixed policies go through the same constraints, budget,
 * control group and logging, so every policy is evaluated on equal terms.
 */
public record PolicyMode(String kind, int fixedAction) implements java.io.Serializable {

    public static PolicyMode parse(String text, ActionCatalogue catalogue) {
        if (text.equals("learned") || text.equals("none") || text.equals("random")) {
            return new PolicyMode(text, -1);
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

    /**
     * The Q-values a fixed policy stands for: its action scores 1, the rest 0 ({@code none} prefers
     * action 0; {@code random} is flat, so selection is uniform over allowed actions).
     */
    public double[] fixedQ(int actions) {
        double[] q = new double[actions];
        if (kind.equals("none")) {
            q[0] = 1;
        } else if (kind.equals("fixed")) {
            q[fixedAction] = 1;
        }
        return q;
    }

    /**
     * Exploration a fixed policy uses: random explores fully, the others not at all (floor only).
     */
    public boolean uniform() {
        return kind.equals("random");
    }
}
