package io.retentionloop.learner.ope;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** A (possibly stochastic) policy to evaluate: π(a | x) for every action a. */
public interface Policy {
    /** Number of actions K; {@link #probabilities(double[])} returns K values. */
    int numActions();

    /** π(· | context): K non-negative probabilities summing to 1. */
    double[] probabilities(double[] context);

    /**
     * π(· | x) for many contexts at once. Policies backed by a network override this to score in
     * one batch.
     */
    default double[][] probabilities(List<double[]> contexts) {
        double[][] out = new double[contexts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = probabilities(contexts.get(i));
        }
        return out;
    }

    /** Always takes {@code action}. */
    static Policy fixed(int action, int numActions) {
        if (action < 0 || action >= numActions) {
            throw new IllegalArgumentException(
                    "action " + action + " outside 0.." + (numActions - 1));
        }
        double[] p = new double[numActions];
        p[action] = 1;
        return of(numActions, x -> p.clone());
    }

    /** Picks every action with probability 1/K. */
    static Policy uniform(int numActions) {
        double[] p = new double[numActions];
        Arrays.fill(p, 1.0 / numActions);
        return of(numActions, x -> p.clone());
    }

    /** A policy from a function of one context. */
    static Policy of(int numActions, Function<double[], double[]> probabilities) {
        return new Policy() {
            @Override
            public int numActions() {
                return numActions;
            }

            @Override
            public double[] probabilities(double[] context) {
                return probabilities.apply(context);
            }
        };
    }

    /**
     * The greedy policy of a batch scorer (e.g. Q-values): probability 1 on the highest score,
     * split evenly between exact ties.
     */
    static Policy greedy(int numActions, Function<double[][], double[][]> batchScores) {
        return new Policy() {
            @Override
            public int numActions() {
                return numActions;
            }

            @Override
            public double[] probabilities(double[] context) {
                return argmax(batchScores.apply(new double[][] {context})[0]);
            }

            @Override
            public double[][] probabilities(List<double[]> contexts) {
                double[][] scores = batchScores.apply(contexts.toArray(new double[0][]));
                double[][] out = new double[scores.length][];
                for (int i = 0; i < scores.length; i++) {
                    out[i] = argmax(scores[i]);
                }
                return out;
            }
        };
    }

    /** Probability 1 on the largest entry, split evenly between exact ties. */
    static double[] argmax(double[] scores) {
        double best = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            best = Math.max(best, s);
        }
        int ties = 0;
        for (double s : scores) {
            ties += s == best ? 1 : 0;
        }
        double[] p = new double[scores.length];
        for (int a = 0; a < scores.length; a++) {
            p[a] = scores[a] == best ? 1.0 / ties : 0;
        }
        return p;
    }
}
