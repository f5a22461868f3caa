package io.retentionloop.value.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** DL4J loss adapter for {@link ClvLikelihood}; the output layer's activation is identity. */
public class ClvLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray computeScoreArray(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return Nd4j.createFromArray(scores(labels, activation(preOutput, activationFn), null))
                .reshape(labels.size(0), 1);
    }

    @Override
    public double computeScore(
            INDArray labels,
            INDArray preOutput,
            IActivation activationFn,
            INDArray mask,
            boolean average) {
        double[] s = scores(labels, activation(preOutput, activationFn), null);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        return average ? sum / s.length : sum;
    }

    @Override
    public INDArray computeGradient(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray out = activation(preOutput, activationFn);
        double[][] grad = new double[(int) labels.size(0)][ClvLikelihood.OUTPUTS];
        scores(labels, out, grad);
        INDArray dLdOut = Nd4j.createFromArray(grad).castTo(preOutput.dataType());
        return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels,
            INDArray preOutput,
            IActivation activationFn,
            INDArray mask,
            boolean average) {
        return new Pair<>(
                computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    private static INDArray activation(INDArray preOutput, IActivation fn) {
        return fn.getActivation(preOutput.dup(), true);
    }

    private static double[] scores(INDArray labels, INDArray out, double[][] grad) {
        double[][] l = labels.toDoubleMatrix();
        double[][] o = out.toDoubleMatrix();
        double[] s = new double[l.length];
        double[] g = new double[ClvLikelihood.OUTPUTS];
        for (int i = 0; i < l.length; i++) {
            s[i] = ClvLikelihood.loss(o[i], l[i], grad == null ? g : grad[i]);
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
