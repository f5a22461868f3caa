package io.retentionloop.learner;

import io.retentionloop.learner.ope.Bootstrap;
import io.retentionloop.learner.ope.LoggedDecision;
import io.retentionloop.learner.ope.NotWorseGate;
import io.retentionloop.learner.ope.Snips;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Whether the learner may publish a candidate policy: both policies are turned into the
 * probabilities the agent would act with ({@link ActionProbabilities}, all actions allowed) on the
 * states of recent logged decisions, and SNIPS with a paired bootstrap must not find the candidate
 * worse than the published one ({@link NotWorseGate}). Without a published policy, the candidate is
 * compared with one whose Q-values are all equal.
 */
public final class PublishGate {
    private static final int REPLICATES = 200;

    private final ActionProbabilities behaviour;
    private final int actionCount;
    private final double level;
    private final double tolerance;

    public PublishGate(
            ActionProbabilities behaviour, int actionCount, double level, double tolerance) {
        this.behaviour = behaviour;
        this.actionCount = actionCount;
        this.level = level;
        this.tolerance = tolerance;
    }

    /** The states of {@code recent}, in order: what both policies are asked about. */
    public static double[][] states(Collection<Transition> recent) {
        return recent.stream().map(t -> t.state).toArray(double[][]::new);
    }

    /**
     * The verdict on a candidate whose Q-values on {@link #states} are {@code candidateQ}, against
     * the published policy's {@code currentQ} (null: none published); {@code seed} seeds the
     * bootstrap (the candidate's version, so a verdict can be reproduced).
     */
    public NotWorseGate.Verdict check(
            double[][] candidateQ, double[][] currentQ, Collection<Transition> recent, long seed) {
        List<LoggedDecision> logs = new ArrayList<>(recent.size());
        for (Transition t : recent) {
            logs.add(new LoggedDecision(t.action, t.propensity, t.reward, t.state));
        }
        double[][] current =
                currentQ != null ? currentQ : new double[candidateQ.length][actionCount];
        return new NotWorseGate(new Snips(new Bootstrap(REPLICATES, 0.95, seed)), level, tolerance)
                .check(probabilities(candidateQ), probabilities(current), logs);
    }

    private double[][] probabilities(double[][] q) {
        boolean[] all = new boolean[actionCount];
        Arrays.fill(all, true);
        double[][] p = new double[q.length][];
        for (int i = 0; i < q.length; i++) {
            p[i] = behaviour.probabilities(q[i], all);
        }
        return p;
    }
}
