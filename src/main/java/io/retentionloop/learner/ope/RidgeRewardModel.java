package io.retentionloop.learner.ope;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * A simple reward model for DR: one ridge regression per action on the standardized context (with
 * an unpenalized intercept), cross-fitted in {@code folds} random folds so that no decision's
 * prediction comes from a model trained on it (in-sample predictions would leak the reward into the
 * direct-method term and bias DR towards it).
 */
public final class RidgeRewardModel implements RewardModel {
    private final double lambda;
    private final int folds;
    private final long seed;

    /**
     * @param lambda L2 penalty on the standardized coefficients (e.g. 1.0)
     * @param folds cross-fitting folds (>= 2)
     * @param seed seed of the fold assignment
     */
    public RidgeRewardModel(double lambda, int folds, long seed) {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("ridge lambda must be >= 0");
        }
        if (folds < 2) {
            throw new IllegalArgumentException("cross-fitting needs at least 2 folds");
        }
        this.lambda = lambda;
        this.folds = folds;
        this.seed = seed;
    }

    @Override
    public double[][] crossFitPredictions(List<LoggedDecision> logs, int numActions) {
        int n = logs.size();
        int[] fold = foldAssignment(n);
        double[][] out = new double[n][];
        for (int f = 0; f < folds; f++) {
            List<LoggedDecision> train = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (fold[i] != f) {
                    train.add(logs.get(i));
                }
            }
            Fitted model = fit(train, numActions);
            for (int i = 0; i < n; i++) {
                if (fold[i] == f) {
                    out[i] = model.predict(logs.get(i).context());
                }
            }
        }
        return out;
    }

    /** Random, balanced fold of each row. */
    private int[] foldAssignment(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] fold = new int[n];
        for (int pos = 0; pos < n; pos++) {
            fold[order[pos]] = pos % folds;
        }
        return fold;
    }

    /** Fits one ridge regression per action on all of {@code train}. */
    public Fitted fit(List<LoggedDecision> train, int numActions) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no decisions to fit the reward model on");
        }
        int d = train.get(0).context().length;
        double[] mean = new double[d];
        double[] sd = new double[d];
        double globalMean = 0;
        for (LoggedDecision x : train) {
            if (x.context().length != d) {
                throw new IllegalArgumentException(
                        "contexts differ in length: " + x.context().length + " vs " + d);
            }
            globalMean += x.reward();
            for (int j = 0; j < d; j++) {
                mean[j] += x.context()[j];
            }
        }
        globalMean /= train.size();
        for (int j = 0; j < d; j++) {
            mean[j] /= train.size();
        }
        for (LoggedDecision x : train) {
            for (int j = 0; j < d; j++) {
                double c = x.context()[j] - mean[j];
                sd[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(sd[j] / train.size());
            if (sd[j] < 1e-12) {
                sd[j] = 1; // constant feature: the intercept carries it
            }
        }
        double[][] coef = new double[numActions][];
        for (int a = 0; a < numActions; a++) {
            coef[a] = fitAction(train, a, d, mean, sd, globalMean);
        }
        return new Fitted(mean, sd, coef);
    }

    private double[] fitAction(
            List<LoggedDecision> train,
            int action,
            int d,
            double[] mean,
            double[] sd,
            double prior) {
        int p = d + 1;
        double[][] xtx = new double[p][p];
        double[] xty = new double[p];
        double[] z = new double[p];
        int count = 0;
        double sum = 0;
        for (LoggedDecision x : train) {
            if (x.action() != action) {
                continue;
            }
            count++;
            sum += x.reward();
            z[0] = 1;
            for (int j = 0; j < d; j++) {
                z[j + 1] = (x.context()[j] - mean[j]) / sd[j];
            }
            for (int r = 0; r < p; r++) {
                xty[r] += z[r] * x.reward();
                for (int c = r; c < p; c++) {
                    xtx[r][c] += z[r] * z[c];
                }
            }
        }
        double[] beta = new double[p];
        if (count == 0) {
            beta[0] = prior; // no data for this action: predict the overall mean
            return beta;
        }
        if (count <= 2) {
            beta[0] = sum / count;
            return beta;
        }
        for (int r = 0; r < p; r++) {
            for (int c = 0; c < r; c++) {
                xtx[r][c] = xtx[c][r];
            }
            if (r > 0) {
                xtx[r][r] += Math.max(lambda, 1e-9);
            }
        }
        RealMatrix m = new Array2DRowRealMatrix(xtx, false);
        try {
            return new CholeskyDecomposition(m, 1e-12, 1e-14)
                    .getSolver()
                    .solve(new ArrayRealVector(xty, false))
                    .toArray();
        } catch (NonPositiveDefiniteMatrixException e) {
            beta[0] = sum / count;
            return beta;
        }
    }

    /** A fitted per-action ridge model. */
    public static final class Fitted {
        private final double[] mean;
        private final double[] sd;
        private final double[][] coef;

        Fitted(double[] mean, double[] sd, double[][] coef) {
            this.mean = mean;
            this.sd = sd;
            this.coef = coef;
        }

        /** q̂(x, a) for every action a. */
        public double[] predict(double[] context) {
            double[] q = new double[coef.length];
            for (int a = 0; a < coef.length; a++) {
                double[] b = coef[a];
                double s = b[0];
                for (int j = 0; j < mean.length; j++) {
                    s += b[j + 1] * (context[j] - mean[j]) / sd[j];
                }
                q[a] = s;
            }
            return q;
        }
    }
}
