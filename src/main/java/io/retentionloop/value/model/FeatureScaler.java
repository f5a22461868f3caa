package io.retentionloop.value.model;

import java.util.List;

/**
 * Puts raw features on a scale a network trains well on: a signed {@code log1p} (counts, money and
 * days are heavy-tailed), then standardisation with statistics of the training set. Stored in the
 * model artifact so serving scales exactly as training did.
 */
public record FeatureScaler(double[] mean, double[] std) {

    public static FeatureScaler fit(List<double[]> rows) {
        int n = rows.get(0).length;
        double[] mean = new double[n];
        double[] sq = new double[n];
        for (double[] r : rows) {
            for (int j = 0; j < n; j++) {
                double v = squash(r[j]);
                mean[j] += v;
                sq[j] += v * v;
            }
        }
        double[] std = new double[n];
        for (int j = 0; j < n; j++) {
            mean[j] /= rows.size();
            double var = sq[j] / rows.size() - mean[j] * mean[j];
            std[j] = var > 1e-12 ? Math.sqrt(var) : 1.0; // constant features stay at 0
        }
        return new FeatureScaler(mean, std);
    }

    static double squash(double x) {
        return Math.signum(x) * Math.log1p(Math.abs(x));
    }

    /** Scales {@code raw} into {@code out} starting at {@code offset}. */
    public void scale(double[] raw, float[] out, int offset) {
        for (int j = 0; j < raw.length; j++) {
            out[offset + j] = (float) ((squash(raw[j]) - mean[j]) / std[j]);
        }
    }
}
