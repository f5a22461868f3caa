package io.retentionloop.learner.ope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Base of the estimators that are a ratio of per-decision sums ({@link RatioTerms}): computes the
 * point estimate, linearized standard error, percentile bootstrap interval and the paired
 * difference of two policies.
 */
public abstract class RatioEstimator implements OffPolicyEstimator {
    private final Bootstrap bootstrap;

    protected RatioEstimator(Bootstrap bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** The bootstrap settings of this estimator. */
    public Bootstrap bootstrap() {
        return bootstrap;
    }

    /** The per-decision terms for each target (all n × K over the same logs). */
    protected abstract RatioTerms[] terms(List<LoggedDecision> logs, double[][]... targets);

    @Override
    public Estimate estimate(double[][] target, List<LoggedDecision> logs) {
        return estimateAll(Collections.singletonList(target), logs).get(0);
    }

    @Override
    public List<Estimate> estimateAll(List<double[][]> targets, List<LoggedDecision> logs) {
        for (double[][] t : targets) {
            TargetProbabilities.check(t, logs);
        }
        RatioTerms[] terms = terms(logs, targets.toArray(new double[0][][]));
        double[][] reps = bootstrap.replicate(terms);
        List<Estimate> out = new ArrayList<>(terms.length);
        for (int k = 0; k < terms.length; k++) {
            RatioTerms t = terms[k];
            out.add(
                    estimate(
                            t.value(),
                            RatioTerms.standardError(t.influence()),
                            t.effectiveSampleSize(),
                            t.size(),
                            Bootstrap.sortedFinite(reps[k])));
        }
        return out;
    }

    @Override
    public Estimate compare(double[][] target, double[][] baseline, List<LoggedDecision> logs) {
        int kt = TargetProbabilities.check(target, logs);
        int kb = TargetProbabilities.check(baseline, logs);
        if (kt != kb) {
            throw new IllegalArgumentException("target has " + kt + " actions, baseline " + kb);
        }
        RatioTerms[] t = terms(logs, target, baseline);
        double[][] reps = bootstrap.replicate(t[0], t[1]);
        double[] diff = new double[reps[0].length];
        for (int b = 0; b < diff.length; b++) {
            diff[b] = reps[0][b] - reps[1][b];
        }
        double[] psiT = t[0].influence();
        double[] psiB = t[1].influence();
        double[] psi = new double[psiT.length];
        for (int i = 0; i < psi.length; i++) {
            psi[i] = psiT[i] - psiB[i];
        }
        return estimate(
                t[0].value() - t[1].value(),
                RatioTerms.standardError(psi),
                Math.min(t[0].effectiveSampleSize(), t[1].effectiveSampleSize()),
                t[0].size(),
                Bootstrap.sortedFinite(diff));
    }

    /**
     * Value of {@code target} minus the logging policy's realized value (the plain mean reward of
     * the logs), paired on the same resamples: "what would the target have earned compared with
     * what the logged policy did".
     */
    public Estimate compareToLogging(double[][] target, List<LoggedDecision> logs) {
        TargetProbabilities.check(target, logs);
        RatioTerms t = terms(logs, target)[0];
        RatioTerms logged = onPolicy(logs);
        double[][] reps = bootstrap.replicate(t, logged);
        double[] diff = new double[reps[0].length];
        for (int b = 0; b < diff.length; b++) {
            diff[b] = reps[0][b] - reps[1][b];
        }
        double[] psiT = t.influence();
        double[] psiL = logged.influence();
        double[] psi = new double[psiT.length];
        for (int i = 0; i < psi.length; i++) {
            psi[i] = psiT[i] - psiL[i];
        }
        return estimate(
                t.value() - logged.value(),
                RatioTerms.standardError(psi),
                t.effectiveSampleSize(),
                t.size(),
                Bootstrap.sortedFinite(diff));
    }

    /**
     * The logging policy's realized value: the mean logged reward, with its standard error and
     * bootstrap interval (importance weights are all 1).
     */
    public Estimate loggingValue(List<LoggedDecision> logs) {
        RatioTerms t = onPolicy(logs);
        return estimate(
                        t.value(),
                        RatioTerms.standardError(t.influence()),
                        t.effectiveSampleSize(),
                        t.size(),
                        Bootstrap.sortedFinite(bootstrap.replicate(t)[0]))
                .withEstimator("mean");
    }

    private static RatioTerms onPolicy(List<LoggedDecision> logs) {
        double[] r = new double[logs.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = logs.get(i).reward();
        }
        return new RatioTerms(r, ones(r.length), ones(r.length));
    }

    private Estimate estimate(double value, double se, double ess, int n, double[] sortedReps) {
        double alpha = 1 - bootstrap.confidence();
        return new Estimate(
                name(),
                value,
                se,
                Bootstrap.quantile(sortedReps, alpha / 2),
                Bootstrap.quantile(sortedReps, 1 - alpha / 2),
                ess,
                n,
                bootstrap.confidence(),
                sortedReps);
    }

    /** π(a_i | x_i) / μ(a_i | x_i) for every logged decision. */
    static double[] importanceWeights(List<LoggedDecision> logs, double[][] target) {
        double[] w = new double[logs.size()];
        for (int i = 0; i < w.length; i++) {
            LoggedDecision d = logs.get(i);
            w[i] = target[i][d.action()] / d.propensity();
        }
        return w;
    }

    static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1);
        return v;
    }
}
