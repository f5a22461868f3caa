package io.retentionloop.value.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Accuracy, ranking and calibration metrics of per-customer forecasts against what happened. */
public final class Metrics {
    private static final int DECILES = 10;

    private Metrics() {}

    /** Mean absolute error. */
    public static double mae(double[] predicted, double[] actual) {
        checkPaired(predicted, actual);
        double sum = 0;
        for (int i = 0; i < predicted.length; i++) {
            sum += Math.abs(predicted[i] - actual[i]);
        }
        return sum / predicted.length;
    }

    /** Root mean squared error. */
    public static double rmse(double[] predicted, double[] actual) {
        checkPaired(predicted, actual);
        double sum = 0;
        for (int i = 0; i < predicted.length; i++) {
            double e = predicted[i] - actual[i];
            sum += e * e;
        }
        return Math.sqrt(sum / predicted.length);
    }

    /**
     * Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing their
     * average rank. NaN if either side is constant.
     */
    public static double spearman(double[] u, double[] v) {
        checkPaired(u, v);
        double[] ru = averageRanks(u);
        double[] rv = averageRanks(v);
        double mean = (u.length + 1) / 2.0; // the mean of any average-rank vector
        double cov = 0;
        double varU = 0;
        double varV = 0;
        for (int i = 0; i < u.length; i++) {
            double du = ru[i] - mean;
            double dv = rv[i] - mean;
            cov += du * dv;
            varU += du * du;
            varV += dv * dv;
        }
        return cov / Math.sqrt(varU * varV);
    }

    /**
     * Normalized Gini of {@code predicted} as a ranking of {@code actual} (non-negative, positive
     * total S), as in the ZILN paper (Wang, Liu &amp; Miao 2019). Customers are ordered by
     * prediction, highest first, and C<sub>k</sub> is the share of S taken by the first k. The Gini
     * of an order is G = (2/n) Σ<sub>k=1..n</sub> C<sub>k</sub> − (n+1)/n, twice the area between
     * the cumulative-gain curve and the diagonal; ordered by actual it is the usual Gini
     * coefficient Σ<sub>i,j</sub>|y<sub>i</sub> − y<sub>j</sub>| / (2n²ȳ). The result is G(by
     * prediction) / G(by actual): 1 for a perfect ranking, 0 in expectation for a random one.
     * Customers with tied predictions share the mean of their actuals, which is the expected G over
     * all orders of the tie, so the result does not depend on input order. (google/lifetime_value
     * uses 2 mean(C) − 1, which differs by 1/n in both numerator and denominator.)
     */
    public static double normalizedGini(double[] predicted, double[] actual) {
        checkPaired(predicted, actual);
        double total = 0;
        for (double y : actual) {
            if (y < 0) {
                throw new IllegalArgumentException("Gini needs non-negative actuals, got " + y);
            }
            total += y;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("Gini needs a positive total actual");
        }
        return gini(predicted, actual, total) / gini(actual, actual, total);
    }

    /**
     * Decile MAPE, the calibration measure of the ZILN paper: customers sorted by prediction are
     * cut into 10 groups of equal size (the customer at sorted position k, from 0, falls in group
     * ⌊10k/n⌋, so sizes differ by at most one); the result is the mean over groups of |mean
     * predicted − mean actual| / mean actual. Tied predictions share their mean actual, as in
     * {@link #normalizedGini}. Needs n &ge; 10; infinite if a group's mean actual is 0.
     */
    public static double decileMape(double[] predicted, double[] actual) {
        checkPaired(predicted, actual);
        int n = predicted.length;
        if (n < DECILES) {
            throw new IllegalArgumentException("decile MAPE needs at least 10 customers, got " + n);
        }
        int[] order = sortedIndices(predicted, false);
        double[] shared = tieAveraged(predicted, actual, order);
        double[] sumPredicted = new double[DECILES];
        double[] sumActual = new double[DECILES];
        int[] count = new int[DECILES];
        for (int k = 0; k < n; k++) {
            int d = (int) ((long) DECILES * k / n);
            sumPredicted[d] += predicted[order[k]];
            sumActual[d] += shared[k];
            count[d]++;
        }
        double sum = 0;
        for (int d = 0; d < DECILES; d++) {
            double meanActual = sumActual[d] / count[d];
            sum += Math.abs(sumPredicted[d] / count[d] - meanActual) / meanActual;
        }
        return sum / DECILES;
    }

    /**
     * Area under the ROC curve of {@code score} for {@code label}: the probability that a random
     * positive scores above a random negative, ties counting one half (Mann-Whitney U / (n+ n−)).
     * Needs both classes.
     */
    public static double auc(double[] score, boolean[] label) {
        if (score.length != label.length) {
            throw new IllegalArgumentException(
                    "lengths differ: " + score.length + " scores, " + label.length + " labels");
        }
        double[] ranks = averageRanks(score);
        long positives = 0;
        double positiveRankSum = 0;
        for (int i = 0; i < score.length; i++) {
            if (label[i]) {
                positives++;
                positiveRankSum += ranks[i];
            }
        }
        long negatives = score.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("AUC needs both positive and negative labels");
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * negatives);
    }

    /** Ranks from 1, ascending; tied values share the average of the ranks they span. */
    static double[] averageRanks(double[] values) {
        int[] order = sortedIndices(values, false);
        double[] ranks = new double[values.length];
        for (int start = 0; start < order.length; ) {
            int end = tieEnd(values, order, start);
            double rank = (start + 1 + end) / 2.0; // average of ranks start+1 .. end
            for (int k = start; k < end; k++) {
                ranks[order[k]] = rank;
            }
            start = end;
        }
        return ranks;
    }

    private static double gini(double[] key, double[] actual, double total) {
        int n = actual.length;
        double[] shared = tieAveraged(key, actual, sortedIndices(key, true));
        double cumulative = 0;
        double sumOfShares = 0;
        for (double y : shared) {
            cumulative += y;
            sumOfShares += cumulative / total;
        }
        return 2 * sumOfShares / n - (n + 1.0) / n;
    }

    private static int[] sortedIndices(double[] key, boolean descending) {
        Comparator<Integer> byKey = Comparator.comparingDouble(i -> key[i]);
        return IntStream.range(0, key.length)
                .boxed()
                .sorted(descending ? byKey.reversed() : byKey)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /** The actuals in {@code order}, each replaced by the mean actual of its tie group in key. */
    private static double[] tieAveraged(double[] key, double[] actual, int[] order) {
        double[] out = new double[order.length];
        for (int start = 0; start < order.length; ) {
            int end = tieEnd(key, order, start);
            double sum = 0;
            for (int k = start; k < end; k++) {
                sum += actual[order[k]];
            }
            Arrays.fill(out, start, end, sum / (end - start));
            start = end;
        }
        return out;
    }

    /** The end (exclusive) of the run of equal keys starting at {@code start} in {@code order}. */
    private static int tieEnd(double[] key, int[] order, int start) {
        int end = start + 1;
        while (end < order.length && key[order[end]] == key[order[start]]) {
            end++;
        }
        return end;
    }

    private static void checkPaired(double[] predicted, double[] actual) {
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException(
                    "lengths differ: " + predicted.length + " vs " + actual.length);
        }
        if (predicted.length == 0) {
            throw new IllegalArgumentException("no customers to evaluate");
        }
    }
}
