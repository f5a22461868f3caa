package io.retentionloop.cli;

import io.retentionloop.job.JobConfig;
import io.retentionloop.job.KafkaIO;
import io.retentionloop.security.Signer;
import io.retentionloop.value.ModelRef;
import io.retentionloop.value.model.ClvModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Signs a model file's announcement and publishes it on the models topic. */
@Command(
        name = "announce-model",
        mixinStandardHelpOptions = true,
        description = {
            "Announce a value model (a file written by train-clv) to the running job: its URI,"
                    + " SHA-256 and sequence, signed with security.signing-key, on the models"
                    + " topic. The job serves it when the signature verifies, the URI lies in"
                    + " value.model-locations, the file is no larger than value.max-model-bytes"
                    + " and its hash matches; otherwise it keeps serving the current model.",
            "Copy the file to where every task manager reads it first; --uri says where that is."
        })
final class AnnounceModelCommand implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "FILE",
            description = "The model file (hashed here).")
    Path model;

    @Option(
            names = "--uri",
            paramLabel = "URI",
            description =
                    "Where the task managers read the file (file:///..., s3://...); default: the"
                            + " file's own absolute path.")
    String uri;

    @Option(
            names = "--sequence",
            required = true,
            paramLabel = "N",
            description =
                    "Order of announcements (>= 0): the job serves a model only when its sequence"
                            + " is higher than the one in use.")
    long sequence;

    @Option(
            names = "--print",
            description = "Print the signed announcement instead of publishing it.")
    boolean print;

    @Override
    public Integer call() throws Exception {
        JobConfig c = config.load();
        Signer signer = new Signer(c.signingKey());
        if (!signer.hasKey()) {
            throw new IllegalArgumentException(
                    "security.signing-key is empty: the job would reject an unsigned announcement"
                            + " (set it, e.g. --set 'security.signing-key=${file:/path/key}')");
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("--sequence must be >= 0");
        }
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("--model: no file " + model);
        }
        byte[] bytes = Files.readAllBytes(model);
        ClvModel loaded = ClvModel.load(bytes, model.toString()); // a model, not any file
        ModelRef ref =
                new ModelRef(
                        loaded.version(),
                        uri != null ? uri : model.toAbsolutePath().toUri().toString(),
                        ClvModel.sha256(bytes),
                        sequence);
        byte[] json = ref.toJson(signer);
        if (print) {
            System.out.println(new String(json, StandardCharsets.UTF_8));
            return 0;
        }
        Properties p = KafkaIO.clientProperties(c.kafka());
        p.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    c.topics().models(),
                                    "model".getBytes(StandardCharsets.UTF_8),
                                    json))
                    .get();
        }
        System.err.println(
                "[announce-model] announced "
                        + ref.version
                        + " (sequence "
                        + sequence
                        + ") at "
                        + ref.uri
                        + " on "
                        + c.topics().models());
        return 0;
    }
}
