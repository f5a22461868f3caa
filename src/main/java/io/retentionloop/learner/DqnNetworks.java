package io.retentionloop.learner;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.rl4j.network.configuration.DQNDenseNetworkConfiguration;
import org.deeplearning4j.rl4j.network.dqn.DQN;
import org.deeplearning4j.rl4j.network.dqn.DQNFactoryStdDense;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.L1Regularization;

/** Builds the Q-network RL4J's way and moves its numbers in and out. */
final class DqnNetworks {

    private DqnNetworks() {}

    /**
     * RL4J's standard dense DQN ({@code DQNFactoryStdDense}: ReLU layers of equal width, identity
     * output, MSE, Xavier init, Adam), without its score-logging listener, initialised with {@code
     * seed} (the factory always uses its own fixed seed, so the configuration is re-seeded and the
     * network initialised again).
     */
    static DQN build(
            int stateSize,
            int actionCount,
            int hiddenLayers,
            int hiddenUnits,
            double learningRate,
            long seed) {
        return build(stateSize, actionCount, hiddenLayers, hiddenUnits, learningRate, seed, 0);
    }

    /** The same, with an L1 penalty of {@code inputL1} on the first layer's weights (0: none). */
    static DQN build(
            int stateSize,
            int actionCount,
            int hiddenLayers,
            int hiddenUnits,
            double learningRate,
            long seed,
            double inputL1) {
        DQNDenseNetworkConfiguration conf =
                DQNDenseNetworkConfiguration.builder()
                        .numLayers(hiddenLayers)
                        .numHiddenNodes(hiddenUnits)
                        .learningRate(learningRate)
                        .updater(new Adam(learningRate))
                        .clearListeners()
                        .build();
        DQN standard = new DQNFactoryStdDense(conf).buildDQN(new int[] {stateSize}, actionCount);
        MultiLayerConfiguration seeded = net(standard).getLayerWiseConfigurations().clone();
        for (NeuralNetConfiguration layer : seeded.getConfs()) {
            layer.setSeed(seed);
        }
        if (inputL1 > 0) {
            ((BaseLayer) seeded.getConf(0).getLayer())
                    .setRegularization(List.of(new L1Regularization(inputL1)));
        }
        MultiLayerNetwork net = new MultiLayerNetwork(seeded);
        net.init();
        return new DQN(net);
    }

    static MultiLayerNetwork net(DQN dqn) {
        return (MultiLayerNetwork) dqn.getNeuralNetworks()[0];
    }

    static float[] params(DQN dqn) {
        return params(net(dqn));
    }

    static float[] params(MultiLayerNetwork net) {
        return net.params().dup().data().asFloat();
    }

    /**
     * The parameters of a network that takes raw states and answers in reward units, equal to
     * {@code dqn} on states standardized with {@code mean} and {@code scale} and outputs multiplied
     * by {@code outputScale}: the first layer's weights are divided by the scales and its bias
     * absorbs the means; the output layer is multiplied through.
     */
    static float[] folded(
            MultiLayerNetwork original, double[] mean, double[] scale, double outputScale) {
        MultiLayerNetwork net = original.clone();
        INDArray w = net.getLayer(0).getParam("W"); // [in, out]
        INDArray b = net.getLayer(0).getParam("b"); // [1, out]
        INDArray inverse = Nd4j.create(invert(scale), new long[] {scale.length, 1});
        INDArray shifted = Nd4j.create(mean, new long[] {1, mean.length}).castTo(w.dataType());
        w.muliColumnVector(inverse.castTo(w.dataType()));
        b.subi(shifted.mmul(w).reshape(b.shape()));
        int last = net.getnLayers() - 1;
        net.getLayer(last).getParam("W").muli(outputScale);
        net.getLayer(last).getParam("b").muli(outputScale);
        return net.params().dup().data().asFloat();
    }

    /**
     * One network that answers {@code mean(q_1(x) .. q_K(x)) + b(x)} for every action: K + 1 dense
     * ReLU networks of the same depth and width {@code u} (b with one output, or none when {@code
     * b} is null) side by side in one of width {@code (K+1)u}, their hidden layers block-diagonal,
     * the members' outputs averaged and b's added to every action's.
     */
    static MultiLayerNetwork sideBySide(
            List<MultiLayerNetwork> qs, MultiLayerNetwork b, int actions) {
        List<MultiLayerNetwork> parts = new ArrayList<>(qs);
        if (b != null) {
            parts.add(b);
        }
        int members = qs.size();
        int layers = qs.get(0).getnLayers();
        INDArray first = qs.get(0).getLayer(0).getParam("W");
        int in = (int) first.size(0);
        int u = (int) first.size(1);
        int width = parts.size() * u;
        MultiLayerNetwork all = net(build(in, actions, layers - 1, width, 1e-3, 0L));
        for (int l = 0; l < layers; l++) {
            INDArray w = all.getLayer(l).getParam("W");
            INDArray bias = all.getLayer(l).getParam("b");
            w.assign(0);
            bias.assign(0);
            for (int p = 0; p < parts.size(); p++) {
                MultiLayerNetwork part = parts.get(p);
                INDArray wp = part.getLayer(l).getParam("W");
                INDArray bp = part.getLayer(l).getParam("b");
                INDArrayIndex block = interval(p * u, (p + 1) * u);
                if (l < layers - 1) {
                    // the first layer reads the same input for all; later ones are block-diagonal
                    w.put(new INDArrayIndex[] {l == 0 ? all() : block, block}, wp);
                    bias.put(new INDArrayIndex[] {all(), block}, bp);
                } else if (p < members) {
                    w.put(new INDArrayIndex[] {block, all()}, wp.div(members));
                    bias.addi(bp.div(members));
                } else {
                    w.put(new INDArrayIndex[] {block, all()}, wp.repeat(1, actions));
                    bias.addi(bp.getDouble(0));
                }
            }
        }
        return all;
    }

    /** {@link #sideBySide(List, MultiLayerNetwork, int)} of one Q-network and a baseline. */
    static MultiLayerNetwork sideBySide(MultiLayerNetwork q, MultiLayerNetwork b, int actions) {
        return sideBySide(List.of(q), b, actions);
    }

    private static double[] invert(double[] x) {
        double[] inv = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            inv[i] = 1 / x[i];
        }
        return inv;
    }

    static void setParams(DQN dqn, float[] params) {
        setParams(net(dqn), params);
    }

    static void setParams(MultiLayerNetwork net, float[] params) {
        if (params.length != net.numParams()) {
            throw new IllegalArgumentException(
                    params.length + " parameters for a network of " + net.numParams());
        }
        net.setParams(Nd4j.create(params, new long[] {1, params.length}));
    }

    /** Rows of {@code states} as one float matrix. */
    static INDArray matrix(double[][] states, int stateSize) {
        return Nd4j.create(flat(states, stateSize), new long[] {states.length, stateSize}, 'c');
    }

    /** Rows of {@code states}, row-major, as floats; checks every row's length. */
    static float[] flat(double[][] states, int stateSize) {
        float[] flat = new float[states.length * stateSize];
        for (int r = 0; r < states.length; r++) {
            if (states[r].length != stateSize) {
                throw new IllegalArgumentException(
                        "state "
                                + r
                                + " has "
                                + states[r].length
                                + " values, expected "
                                + stateSize);
            }
            for (int i = 0; i < stateSize; i++) {
                flat[r * stateSize + i] = (float) states[r][i];
            }
        }
        return flat;
    }

    /** A [rows, actions] matrix as Java arrays, in one bulk copy. */
    static double[][] rows(INDArray q) {
        int rows = (int) q.size(0);
        int cols = (int) q.size(1);
        INDArray dense = q.ordering() == 'c' && !q.isView() ? q : q.dup('c');
        double[] flat =
                dense.dataType() == DataType.DOUBLE
                        ? dense.data().asDouble()
                        : toDouble(dense.data().asFloat());
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
