package io.retentionloop.learner.ope;

import java.util.ArrayList;
import java.util.List;

/** Builds and checks the n × K matrix of target-policy probabilities for a set of logs. */
public final class TargetProbabilities {
    private static final double TOLERANCE = 1e-6;

    private TargetProbabilities() {}

    /** π(· | x_i) for every logged decision, scored in one batch. */
    public static double[][] of(Policy policy, List<LoggedDecision> logs) {
        List<double[]> contexts = new ArrayList<>(logs.size());
        for (LoggedDecision d : logs) {
            contexts.add(d.context());
        }
        double[][] p = policy.probabilities(contexts);
        check(p, logs);
        return p;
    }

    /**
     * Checks that the matrix has a row per decision, equal row lengths covering every logged
     * action, and rows of non-negative probabilities summing to 1; returns K.
     */
    public static int check(double[][] target, List<LoggedDecision> logs) {
        if (target.length != logs.size()) {
            throw new IllegalArgumentException(
                    "target probabilities have "
                            + target.length
                            + " rows for "
                            + logs.size()
                            + " logged decisions");
        }
        if (target.length == 0) {
            throw new IllegalArgumentException("no logged decisions to evaluate");
        }
        int k = target[0].length;
        for (int i = 0; i < target.length; i++) {
            double[] row = target[i];
            if (row.length != k) {
                throw new IllegalArgumentException(
                        "decision "
                                + i
                                + ": "
                                + row.length
                                + " target probabilities, expected "
                                + k);
            }
            if (logs.get(i).action() >= k) {
                throw new IllegalArgumentException(
                        "decision " + i + ": action " + logs.get(i).action() + " >= K = " + k);
            }
            double sum = 0;
            for (double p : row) {
                if (!(p >= 0)) {
                    throw new IllegalArgumentException(
                            "decision " + i + ": negative or NaN target probability " + p);
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > TOLERANCE) {
                throw new IllegalArgumentException(
                        "decision " + i + ": target probabilities sum to " + sum + ", not 1");
            }
        }
        return k;
    }
}
