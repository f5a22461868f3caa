package io.retentionloop.value.model;

import io.retentionloop.lifecycle.Features;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains the value network: two ReLU layers and the {@link ClvLikelihood} head, Adam, mini-batches,
 * early stopping on a held-out tenth of the users (whole users, so their other cut-offs do not leak
 * into validation).
 */
public final class ClvTrainer {
    /** Training settings; the defaults are what the reported figures used. */
    public record Options(
            long seed,
            int hidden,
            int maxEpochs,
            int patience,
            int batchSize,
            double learningRate,
            double l2) {
        public static Options defaults() {
            return new Options(42, 64, 200, 15, 256, 2e-3, 1e-5);
        }

        /** These options with another seed (weights, shuffling and the validation split). */
        public Options withSeed(long seed) {
            return new Options(seed, hidden, maxEpochs, patience, batchSize, learningRate, l2);
        }
    }

    private final Options opt;

    public ClvTrainer(Options opt) {
        this.opt = opt;
    }

    /**
     * The model's version id: {@code clv-} and a hash of everything that shapes the model (the
     * data's fingerprint, every example as trained on, the horizon, the training options and the
     * feature schema), so two models that may differ never share one.
     */
    String version(List<Example> examples, double horizonDays, String fingerprint) {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        update(sha, fingerprint + "|" + horizonDays + "|" + opt + "|" + Features.VERSION + "\n");
        for (Example e : examples) {
            update(
                    sha,
                    e.userId()
                            + ","
                            + e.cutoff()
                            + ","
                            + java.util.Arrays.toString(e.features())
                            + ","
                            + e.purchases()
                            + ","
                            + e.spend()
                            + ","
                            + e.horizonWeeks()
                            + "\n");
        }
        return "clv-" + java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    private static void update(java.security.MessageDigest sha, String text) {
        sha.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Trains on {@code examples}; {@code horizonDays} is the horizon the model is meant to serve
     * (recorded in its metadata; the network itself answers for any horizon).
     */
    public ClvModel train(List<Example> examples, double horizonDays, String fingerprint) {
        Nd4j.getRandom().setSeed(opt.seed());
        List<Example> train = new ArrayList<>();
        List<Example> valid = new ArrayList<>();
        for (Example e : examples) {
            // a stable user-level split, independent of the order examples come in
            (Math.floorMod((e.userId() + opt.seed()).hashCode(), 10) == 0 ? valid : train).add(e);
        }
        if (valid.isEmpty() || train.isEmpty()) {
            throw new IllegalArgumentException("too few examples to train: " + examples.size());
        }
        List<double[]> rows = new ArrayList<>();
        train.forEach(e -> rows.add(e.features()));
        FeatureScaler scaler = FeatureScaler.fit(rows);
        MultiLayerNetwork net = network();
        double priorLogValue = initialiseHead(net, train);

        DataSet validSet = dataSet(valid, scaler, priorLogValue);
        Random rnd = new Random(opt.seed());
        double best = Double.MAX_VALUE;
        MultiLayerNetwork bestNet = net.clone();
        int bestEpoch = 0;
        int epoch = 0;
        for (; epoch < opt.maxEpochs() && epoch - bestEpoch <= opt.patience(); epoch++) {
            Collections.shuffle(train, rnd);
            for (int from = 0; from < train.size(); from += opt.batchSize()) {
                net.fit(
                        dataSet(
                                train.subList(from, Math.min(train.size(), from + opt.batchSize())),
                                scaler,
                                priorLogValue));
            }
            double loss = net.score(validSet);
            if (loss < best - 1e-6) {
                best = loss;
                bestNet = net.clone();
                bestEpoch = epoch;
            }
        }
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("options", opt);
        training.put("train_examples", train.size());
        training.put("validation_examples", valid.size());
        training.put("epochs_run", epoch);
        training.put("best_epoch", bestEpoch);
        training.put("validation_loss", best);
        ClvModel.Metadata meta =
                new ClvModel.Metadata(
                        version(examples, horizonDays, fingerprint),
                        Features.VERSION,
                        Features.NAMES,
                        horizonDays,
                        fingerprint,
                        examples.size(),
                        Instant.now().toString(),
                        training,
                        new LinkedHashMap<>(),
                        scaler,
                        null);
        ClvModel model = new ClvModel(bestNet, meta);
        meta.metrics().putAll(validationMetrics(model, valid));
        return model;
    }

    /** Accuracy on the held-out users' examples, recorded in the model file. */
    static Map<String, Double> validationMetrics(ClvModel model, List<Example> valid) {
        int n = valid.size();
        double[] predicted = new double[n];
        double[] actual = new double[n];
        double[] predictedSpend = new double[n];
        double[] actualSpend = new double[n];
        double[] horizons = valid.stream().mapToDouble(e -> e.horizonWeeks() * 7).toArray();
        ValuePrediction[] all =
                model.predict(valid.stream().map(Example::features).toList(), horizons);
        for (int i = 0; i < n; i++) {
            Example e = valid.get(i);
            ValuePrediction p = all[i];
            predicted[i] = p.expectedPurchases();
            predictedSpend[i] = p.expectedSpend();
            actual[i] = e.purchases();
            actualSpend[i] = e.spend();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("validation_mae", io.retentionloop.value.eval.Metrics.mae(predicted, actual));
        m.put(
                "validation_total_ratio",
                java.util.Arrays.stream(predicted).sum()
                        / Math.max(1e-9, java.util.Arrays.stream(actual).sum()));
        m.put(
                "validation_spearman_spend",
                io.retentionloop.value.eval.Metrics.spearman(predictedSpend, actualSpend));
        return m;
    }

    private MultiLayerNetwork network() {
        MultiLayerConfiguration conf =
                new NeuralNetConfiguration.Builder()
                        .seed(opt.seed())
                        .dataType(DataType.FLOAT)
                        .updater(new Adam(opt.learningRate()))
                        .weightInit(WeightInit.XAVIER)
                        .l2(opt.l2())
                        .list()
                        .layer(
                                new DenseLayer.Builder()
                                        .nIn(Features.SIZE)
                                        .nOut(opt.hidden())
                                        .activation(Activation.RELU)
                                        .build())
                        .layer(
                                new DenseLayer.Builder()
                                        .nOut(opt.hidden() / 2)
                                        .activation(Activation.RELU)
                                        .build())
                        .layer(
                                new OutputLayer.Builder(new ClvLoss())
                                        .nOut(ClvLikelihood.OUTPUTS)
                                        .activation(Activation.IDENTITY)
                                        .build())
                        .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * Starts the head at the population answer (average rate, little leaving, average order value),
     * so early epochs refine individuals instead of finding the scale.
     */
    private static double initialiseHead(MultiLayerNetwork net, List<Example> train) {
        double purchases = 0;
        double weeks = 0;
        double logValue = 0;
        double logValueSq = 0;
        int buyers = 0;
        for (Example e : train) {
            purchases += e.purchases();
            weeks += e.horizonWeeks();
            if (e.purchases() > 0) {
                logValue += e.meanLogOrderValue();
                logValueSq += e.meanLogOrderValue() * e.meanLogOrderValue();
                buyers++;
            }
        }
        double rate = Math.max(purchases / Math.max(weeks, 1e-9), 1e-4);
        double meanLog = buyers > 0 ? logValue / buyers : 0;
        double sd =
                buyers > 1 ? Math.sqrt(Math.max(logValueSq / buyers - meanLog * meanLog, 0.01)) : 1;
        INDArray bias =
                Nd4j.createFromArray(
                                new float[] {
                                    (float) Math.log(rate),
                                    (float) Math.log(100), // β: mean leaving rate k/β, little
                                    (float) Math.log(1), // k
                                    (float) meanLog,
                                    (float) Math.log(sd)
                                })
                        .reshape(1, ClvLikelihood.OUTPUTS);
        net.getLayer(2).setParam("b", bias);
        return meanLog;
    }

    static DataSet dataSet(List<Example> examples, FeatureScaler scaler, double priorLogValue) {
        int n = examples.size();
        float[] x = new float[n * Features.SIZE];
        float[] y = new float[n * ClvLikelihood.LABELS];
        for (int i = 0; i < n; i++) {
            Example e = examples.get(i);
            scaler.scale(e.features(), x, i * Features.SIZE);
            double[] l = e.labels(priorLogValue);
            for (int j = 0; j < l.length; j++) {
                y[i * ClvLikelihood.LABELS + j] = (float) l[j];
            }
        }
        return new DataSet(
                Nd4j.create(x, new long[] {n, Features.SIZE}),
                Nd4j.create(y, new long[] {n, ClvLikelihood.LABELS}));
    }
}
