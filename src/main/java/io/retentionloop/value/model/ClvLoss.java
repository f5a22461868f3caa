package io.retentionloop.value.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** DL4J loss adapter for {@link ClvLikelihood}; the output layer's activation is identity. */
public class ClvLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray computeScoreArray(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] s = evaluate(labels, activation(preOutput, activationFn), null);
        return Nd4j.create(s, new long[] {s.length, 1}).castTo(preOutput.dataType());
    }

    @Override
    public double computeScore(
            INDArray labels,
            INDArray preOutput,
            IActivation activationFn,
            INDArray mask,
            boolean average) {
        return total(evaluate(labels, activation(preOutput, activationFn), null), average);
    }

    @Override
    public INDArray computeGradient(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return computeGradientAndScore(labels, preOutput, activationFn, mask, false).getSecond();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels,
            INDArray preOutput,
            IActivation activationFn,
            INDArray mask,
            boolean average) {
        double[] grad = new double[(int) preOutput.length()];
        double[] s = evaluate(labels, activation(preOutput, activationFn), grad);
        INDArray dLdOut = Nd4j.create(grad, preOutput.shape()).castTo(preOutput.dataType());
        INDArray dLdPre = activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
        return new Pair<>(total(s, average), dLdPre);
    }

    private static double total(double[] s, boolean average) {
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        return average ? sum / s.length : sum;
    }

    private static INDArray activation(INDArray preOutput, IActivation fn) {
        return fn.getActivation(preOutput.dup(), true);
    }

    /**
     * Scores every row; when {@code grad} is given, fills it row-major with the gradient. Works on
     * flat copies: per-element INDArray access costs far more than the arithmetic.
     */
    private static double[] evaluate(INDArray labels, INDArray out, double[] grad) {
        double[] l = labels.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] o = out.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int n = (int) labels.size(0);
        double[] s = new double[n];
        double[] row = new double[ClvLikelihood.OUTPUTS];
        double[] label = new double[ClvLikelihood.LABELS];
        double[] g = new double[ClvLikelihood.OUTPUTS];
        for (int i = 0; i < n; i++) {
            System.arraycopy(o, i * ClvLikelihood.OUTPUTS, row, 0, ClvLikelihood.OUTPUTS);
            System.arraycopy(l, i * ClvLikelihood.LABELS, label, 0, ClvLikelihood.LABELS);
            s[i] = ClvLikelihood.loss(row, label, g);
            if (grad != null) {
                System.arraycopy(g, 0, grad, i * ClvLikelihood.OUTPUTS, ClvLikelihood.OUTPUTS);
            }
        }
        return s;
    }

    @Override
    public String name() {
        return "clv-poisson-lognormal";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClvLoss;
    }

    @Override
    public int hashCode() {
        return ClvLoss.class.hashCode();
    }
}
