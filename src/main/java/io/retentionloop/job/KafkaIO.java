package io.retentionloop.job;

import io.retentionloop.events.IngestDeserializer;
import io.retentionloop.events.Ingested;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.value.ModelRef;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the job's Kafka source and exactly-once sinks from the configuration. */
public final class KafkaIO {
    private KafkaIO() {}

    /**
     * Client properties (security settings and the like): the entries of {@code
     * kafka.properties-file} (a Java properties file, like Kafka's {@code --command-config}), then
     * {@code kafka.properties} over them, with every {@code ${env:NAME}} and {@code ${file:/path}}
     * resolved here (see {@link Secrets#resolve}), then {@code bootstrap.servers}. A missing file
     * or variable fails naming the key, never a value.
     */
    public static Properties clientProperties(JobConfig.Kafka kafka) {
        Map<String, String> merged = new LinkedHashMap<>();
        String file = kafka.propertiesFile() == null ? "" : kafka.propertiesFile().strip();
        if (!file.isEmpty()) {
            Properties fromFile = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                fromFile.load(in);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(
                        "kafka.properties-file: cannot read "
                                + file
                                + " ("
                                + e.getClass().getSimpleName()
                                + ")");
            }
            fromFile.stringPropertyNames().forEach(k -> merged.put(k, fromFile.getProperty(k)));
        }
        merged.putAll(kafka.properties());
        Properties p = new Properties();
        merged.forEach((k, v) -> p.put(k, Secrets.resolve("kafka.properties." + k, v)));
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return p;
    }

    public static KafkaSource<Ingested> eventsSource(JobConfig config) {
        OffsetsInitializer start =
                switch (config.job().startFrom()) {
                    case "earliest" -> OffsetsInitializer.earliest();
                    case "latest" -> OffsetsInitializer.latest();
                    default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                };
        return KafkaSource.<Ingested>builder()
                .setProperties(clientProperties(config.kafka()))
                .setTopics(config.topics().events())
                .setGroupId(config.kafka().groupId())
                .setStartingOffsets(start)
                .setDeserializer(new IngestDeserializer(config.eventRules()))
                // other transactional producers may write the topic
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    /** Model announcements, all of them from the start (the scorer keeps the newest). */
    public static KafkaSource<ModelRef> modelsSource(JobConfig config) {
        return KafkaSource.<ModelRef>builder()
                .setProperties(clientProperties(config.kafka()))
                .setTopics(config.topics().models())
                .setGroupId(config.kafka().groupId() + "-models")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ModelRefDeserializer())
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /** Policy versions, all of them from the start (the agent keeps the newest). */
    public static KafkaSource<PolicySnapshot> policySource(JobConfig config) {
        return KafkaSource.<PolicySnapshot>builder()
                .setProperties(clientProperties(config.kafka()))
                .setTopics(config.topics().policy())
                .setGroupId(config.kafka().groupId() + "-policy")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new PolicyDeserializer())
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /** Policy snapshots; records that are not one are skipped. */
    static final class PolicyDeserializer
            implements org.apache.flink.connector.kafka.source.reader.deserializer
                            .KafkaRecordDeserializationSchema<
                    PolicySnapshot> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(
                org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record,
                org.apache.flink.util.Collector<PolicySnapshot> out) {
            if (record.value() == null) {
                return;
            }
            try {
                out.collect(PolicySnapshot.fromBytes(record.value()));
            } catch (RuntimeException e) {
                // not a policy snapshot: nothing to act on
            }
        }

        @Override
        public org.apache.flink.api.common.typeinfo.TypeInformation<PolicySnapshot>
                getProducedType() {
            return org.apache.flink.api.common.typeinfo.TypeInformation.of(PolicySnapshot.class);
        }
    }

    /** Skips records that are not model announcements (logged by the scorer as nothing). */
    static final class ModelRefDeserializer
            implements org.apache.flink.connector.kafka.source.reader.deserializer
                            .KafkaRecordDeserializationSchema<
                    ModelRef> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(
                org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record,
                org.apache.flink.util.Collector<ModelRef> out) {
            ModelRef ref = record.value() == null ? null : ModelRef.fromJson(record.value());
            if (ref != null) {
                out.collect(ref);
            }
        }

        @Override
        public org.apache.flink.api.common.typeinfo.TypeInformation<ModelRef> getProducedType() {
            return org.apache.flink.api.common.typeinfo.TypeInformation.of(ModelRef.class);
        }
    }

    /**
     * Sends a heartbeat ({@code {"type":"heartbeat"}}, see {@link
     * io.retentionloop.events.EventJson#heartbeat}) to every partition of {@code topic}: the
     * producer's statement that no event before {@code time} will follow, so that event time
     * advances on every partition even when no user is active.
     */
    public static void sendHeartbeats(
            org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer,
            String topic,
            int partitions,
            long time) {
        byte[] value = io.retentionloop.events.EventJson.heartbeat(time);
        for (int partition = 0; partition < partitions; partition++) {
            producer.send(new ProducerRecord<>(topic, partition, time, null, value));
        }
    }

    /** A record's Kafka key and value. */
    public interface Encoder<T> extends Function {
        byte[] key(T element);

        byte[] value(T element);
    }

    /** An exactly-once (transactional) sink writing {@code encoder}'s records to {@code topic}. */
    public static <T> KafkaSink<T> exactlyOnceSink(
            JobConfig config, String topic, String name, Encoder<T> encoder) {
        KafkaRecordSerializationSchema<T> schema =
                (element, ctx, timestamp) ->
                        new ProducerRecord<>(
                                topic,
                                null,
                                timestamp == null || timestamp < 0 ? null : timestamp,
                                encoder.key(element),
                                encoder.value(element));
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(clientProperties(config.kafka()))
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.kafka().transactionalIdPrefix() + "-" + name)
                .setProperty(
                        "transaction.timeout.ms",
                        String.valueOf(config.kafka().transactionTimeout().toMillis()))
                .build();
    }
}
