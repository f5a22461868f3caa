package io.retentionloop.agent;

import io.retentionloop.learner.ActionProbabilities;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The behaviour policy: ε-greedy over the allowed actions with a floor. Every allowed action that
 * is not the greedy one gets {@code max(ε / k, floor)} (k = number of allowed actions), the greedy
 * one the rest; disallowed actions get exactly 0. The draw uses a generator seeded by a hash of the
 * decision id, so replaying a decision (after a restore, or offline) chooses the same action.
 */
public final class ActionSelector implements ActionProbabilities {

    private static final long serialVersionUID = 1L;

    private final double epsilon;
    private final double floor;

    /** What was chosen and with which probabilities. */
    public record Selection(
            /** Index of the chosen action. */
            int action,
            /** Probability the policy gave the chosen action (for off-policy evaluation). */
            double propensity,
            /** Probability of every action; 0 for disallowed ones; sums to 1. */
            double[] probabilities,
            /** Index of the allowed action with the highest Q-value (lowest index on ties). */
            int greedy,
            /** Whether the chosen action is not the greedy one. */
            boolean explored) {}

    public ActionSelector(double epsilon, double floor) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], was " + epsilon);
        }
        if (!(floor > 0 && floor < 1)) {
            throw new IllegalArgumentException("floor must be in (0, 1), was " + floor);
        }
        this.epsilon = epsilon;
        this.floor = floor;
    }

    public ActionSelector(AgentSettings settings) {
        this(settings.epsilon(), settings.explorationFloor());
    }

    /**
     * The distribution over actions for these Q-values and this mask, without drawing.
     *
     * @throws IllegalArgumentException if no action is allowed or the lengths differ
     */
    @Override
    public double[] probabilities(double[] q, boolean[] allowed) {
        return distribution(q, allowed, greedy(q, allowed));
    }

    /** Chooses an action for the decision {@code decisionId}. */
    public Selection select(double[] q, boolean[] allowed, String decisionId) {
        int greedy = greedy(q, allowed);
        double[] p = distribution(q, allowed, greedy);
        double u = new SplittableRandom(seed(decisionId)).nextDouble();
        int chosen = -1;
        double cumulative = 0;
        for (int a = 0; a < p.length; a++) {
            if (p[a] > 0) {
                chosen = a;
                cumulative += p[a];
                if (u < cumulative) {
                    break;
                }
            }
        }
        return new Selection(chosen, p[chosen], p, greedy, chosen != greedy);
    }

    /** A 64-bit FNV-1a hash of the decision id's UTF-8 bytes. */
    static long seed(String decisionId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : decisionId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private double[] distribution(double[] q, boolean[] allowed, int greedy) {
        int k = 0;
        for (boolean a : allowed) {
            k += a ? 1 : 0;
        }
        double[] p = new double[allowed.length];
        if (k * floor >= 1) {
            for (int a = 0; a < p.length; a++) {
                p[a] = allowed[a] ? 1.0 / k : 0;
            }
            return p;
        }
        double other = Math.max(epsilon / k, floor);
        for (int a = 0; a < p.length; a++) {
            p[a] = allowed[a] && a != greedy ? other : 0;
        }
        p[greedy] = 1 - (k - 1) * other;
        return p;
    }

    private static int greedy(double[] q, boolean[] allowed) {
        if (q.length != allowed.length) {
            throw new IllegalArgumentException(
                    q.length + " Q-values for " + allowed.length + " actions");
        }
        int best = -1;
        double bestQ = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < q.length; a++) {
            if (!allowed[a]) {
                continue;
            }
            double v = Double.isNaN(q[a]) ? Double.NEGATIVE_INFINITY : q[a];
            if (best < 0 || v > bestQ) {
                best = a;
                bestQ = v;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no action is allowed (none must always be)");
        }
        return best;
    }
}
