package io.retentionloop.job;

import io.retentionloop.events.EventParser;
import io.retentionloop.events.IngestDeserializer;
import io.retentionloop.events.Ingested;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.security.Secret;
import io.retentionloop.security.Secrets;
import io.retentionloop.security.Signer;
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
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the job's Kafka source and exactly-once sinks from the configuration. */
public final class KafkaIO {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIO.class);

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

    /**
     * Model announcements, all of them from the start (the scorer keeps the newest); only those
     * signed with {@code signer}'s key pass.
     */
    public static KafkaSource<ModelRef> modelsSource(JobConfig config, Signer signer) {
        return KafkaSource.<ModelRef>builder()
                .setProperties(clientProperties(config.kafka()))
                .setTopics(config.topics().models())
                .setGroupId(config.kafka().groupId() + "-models")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(
                        new ControlDeserializer<>(
                                "modelAnnouncementsRejected",
                                ModelRef.class,
                                bytes -> ModelRef.fromJson(bytes, signer)))
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /**
     * Policy versions, all of them from the start (the agent keeps the newest); only those signed
     * with {@code signer}'s key pass.
     */
    public static KafkaSource<PolicySnapshot> policySource(JobConfig config, Signer signer) {
        return KafkaSource.<PolicySnapshot>builder()
                .setProperties(clientProperties(config.kafka()))
                .setTopics(config.topics().policy())
                .setGroupId(config.kafka().groupId() + "-policy")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(
                        new ControlDeserializer<>(
                                "policySnapshotsRejected",
                                PolicySnapshot.class,
                                bytes -> PolicySnapshot.fromBytes(bytes, signer)))
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /** Parses and authenticates one control message; throws naming why it is rejected. */
    interface ControlParser<T> extends java.io.Serializable {
        T parse(byte[] bytes);
    }

    /**
     * Reads a control topic (models, policy). A message that does not parse or whose signature does
     * not verify is dropped with a log line naming why and a count in {@code counter}: it is never
     * acted on, and never blocks the messages after it.
     */
    static final class ControlDeserializer<T> implements KafkaRecordDeserializationSchema<T> {
        private static final long serialVersionUID = 1L;

        private final String counterName;
        private final Class<T> type;
        private final ControlParser<T> parser;
        private transient Counter rejected;

        ControlDeserializer(String counterName, Class<T> type, ControlParser<T> parser) {
            this.counterName = counterName;
            this.type = type;
            this.parser = parser;
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            rejected = context.getMetricGroup().counter(counterName);
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
            if (record.value() == null) {
                return; // a tombstone: compaction's delete marker, nothing to act on
            }
            T parsed;
            try {
                parsed = parser.parse(record.value());
            } catch (RuntimeException e) {
                long n = 1;
                if (rejected != null) {
                    rejected.inc();
                    n = rejected.getCount();
                }
                if (n > 10 && n % 1000 != 0) {
                    return; // a flood is counted in full, logged in samples
                }
                LOG.warn(
                        "rejected {}/{}/{} ({} bytes, {} rejected so far): {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.value().length,
                        n,
                        e.getMessage());
                return;
            }
            out.collect(parsed);
        }

        @Override
        public TypeInformation<T> getProducedType() {
            return TypeInformation.of(type);
        }
    }

    /**
     * Sends a signed heartbeat ({@code {"type":"heartbeat"}}, see {@link
     * io.retentionloop.events.EventJson#heartbeat}) to every partition of {@code topic}: the
     * producer's statement that no event before {@code time} will follow, so that event time
     * advances on every partition even when no user is active. The job accepts heartbeats only when
     * signed with its {@code events.heartbeat-key}.
     */
    public static void sendHeartbeats(
            org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer,
            String topic,
            int partitions,
            long time,
            Secret heartbeatKey) {
        Signer signer = new Signer(heartbeatKey);
        for (int partition = 0; partition < partitions; partition++) {
            byte[] value =
                    io.retentionloop.events.EventJson.heartbeat(
                            time,
                            signer.hasKey()
                                    ? EventParser.heartbeatSignature(signer, topic, partition, time)
                                    : null);
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
