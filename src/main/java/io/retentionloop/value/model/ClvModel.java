package io.retentionloop.value.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.retentionloop.lifecycle.Features;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained value model: the DL4J network, the feature scaling and the metadata that says what it
 * may be used for. Stored as one zip file ({@code model.json} + {@code network.zip}); loading
 * checks the feature schema and the network's checksum, so a model can never be served features it
 * was not trained on.
 */
public final class ClvModel {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Everything about a model except its weights. */
    public record Metadata(
            String version,
            int featureVersion,
            List<String> featureNames,
            double horizonDays,
            String trainingFingerprint,
            long trainingExamples,
            String createdAt,
            Map<String, Object> training,
            Map<String, Double> metrics,
            FeatureScaler scaler,
            String networkSha256) {}

    private final MultiLayerNetwork network;
    private final Metadata meta;

    ClvModel(MultiLayerNetwork network, Metadata meta) {
        this.network = network;
        this.meta = meta;
    }

    public Metadata metadata() {
        return meta;
    }

    public String version() {
        return meta.version();
    }

    public double horizonDays() {
        return meta.horizonDays();
    }

    /** Predictions for many users in one network call (batch rows, not single rows). */
    public ValuePrediction[] predict(List<double[]> features, double horizonDays) {
        double[] h = new double[features.size()];
        java.util.Arrays.fill(h, horizonDays);
        return predict(features, h);
    }

    /** As {@link #predict(List, double)} with a horizon per row. */
    public ValuePrediction[] predict(List<double[]> features, double[] horizonDays) {
        int n = features.size();
        float[] flat = new float[n * Features.SIZE];
        for (int i = 0; i < n; i++) {
            meta.scaler().scale(features.get(i), flat, i * Features.SIZE);
        }
        INDArray out;
        synchronized (network) { // MultiLayerNetwork.output is not thread-safe
            out = network.output(Nd4j.create(flat, new long[] {n, Features.SIZE}), false);
        }
        // one read of the output buffer: toDoubleMatrix() costs ~33 µs a row, 20x the network
        int cols = (int) out.columns();
        float[] flatOut = out.castTo(DataType.FLOAT).dup('c').data().asFloat();
        double[] row = new double[cols];
        ValuePrediction[] p = new ValuePrediction[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < cols; j++) {
                row[j] = flatOut[i * cols + j];
            }
            double e = ClvLikelihood.expectedPurchases(row, horizonDays[i] / 7.0);
            double value = ClvLikelihood.expectedOrderValue(row);
            p[i] = new ValuePrediction(e, -Math.expm1(-e), e * value, value);
        }
        return p;
    }

    /**
     * The network alone on {@code n} rows already scaled ({@code n × Features.SIZE}, row-major):
     * the yardstick the benchmark measures {@link #predict} against.
     */
    public INDArray networkOutput(float[] scaledRows, int n) {
        synchronized (network) {
            return network.output(Nd4j.create(scaledRows, new long[] {n, Features.SIZE}), false);
        }
    }

    public void save(Path file) throws IOException {
        byte[] net = networkBytes(network);
        Metadata m =
                new Metadata(
                        meta.version(),
                        meta.featureVersion(),
                        meta.featureNames(),
                        meta.horizonDays(),
                        meta.trainingFingerprint(),
                        meta.trainingExamples(),
                        meta.createdAt(),
                        meta.training(),
                        meta.metrics(),
                        meta.scaler(),
                        sha256(net));
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("model.json"));
            zip.write(JSON.writeValueAsBytes(m));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("network.zip"));
            zip.write(net);
            zip.closeEntry();
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Loads and checks a model file; throws {@link IllegalArgumentException} saying why not. */
    public static ClvModel load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no model file at " + file);
        }
        return load(Files.readAllBytes(file), file.toString());
    }

    public static ClvModel load(byte[] bytes, String name) throws IOException {
        Metadata meta = null;
        byte[] net = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals("model.json")) {
                    meta = JSON.readValue(zip.readAllBytes(), Metadata.class);
                } else if (e.getName().equals("network.zip")) {
                    net = zip.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    name + " is not a value model file: " + e.getMessage());
        }
        if (meta == null || net == null) {
            throw new IllegalArgumentException(
                    name + " is not a value model file (entries missing)");
        }
        if (meta.featureVersion() != Features.VERSION
                || !Features.NAMES.equals(meta.featureNames())) {
            throw new IllegalArgumentException(
                    name
                            + " was trained on feature schema v"
                            + meta.featureVersion()
                            + ", this build computes v"
                            + Features.VERSION
                            + ": retrain it");
        }
        if (!sha256(net).equals(meta.networkSha256())) {
            throw new IllegalArgumentException(name + ": network checksum mismatch (corrupt file)");
        }
        MultiLayerNetwork network;
        try (InputStream in = new ByteArrayInputStream(net)) {
            network = ModelSerializer.restoreMultiLayerNetwork(in, false);
        }
        return new ClvModel(network, meta);
    }

    /** SHA-256 of a file's bytes, the reference the job announces models by. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] networkBytes(MultiLayerNetwork network) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network, bytes, false);
        return bytes.toByteArray();
    }
}
