package io.retentionloop.job;

import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.local.LocalFlink;
import io.retentionloop.value.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real graph on a MiniCluster (two task managers, parallelism 2, RocksDB) against a real Kafka
 * broker. A task manager is killed while output is in flight; what a read_committed consumer sees
 * must still be every scored window snapshot exactly once and every bad record dead-lettered once.
 */
class RetentionLoopJobIT {
    static final long DAY = 86_400_000L;
    static final long START = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();
    static final int PARTITIONS = 4;
    static final int USERS = 300;
    static final int DAYS = 35;

    @TempDir static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void everySnapshotAndDeadLetterIsCommittedExactlyOnceAcrossATaskManagerCrash()
            throws Exception {
        JobConfig config =
                JobConfig.load(
                        null,
                        List.of(
                                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                                "kafka.transactional-id-prefix=it-crash",
                                "job.checkpoint-interval=500ms",
                                "job.start-from=earliest",
                                "lifecycle.expire-after=14d",
                                "lifecycle.state-ttl=30d",
                                "topics.events=crash-events",
                                "topics.dead-letters=crash-dlq",
                                "topics.window-snapshots=crash-snapshots",
                                "topics.models=crash-models",
                                "topics.decisions=crash-decisions",
                                "topics.interventions=crash-interventions",
                                "topics.outcomes=crash-outcomes",
                                "topics.policy=crash-policy",
                                "agent.horizon=7d",
                                "value.model-uri=" + TestModels.tiny(1).toUri(),
                                TestEventWriter.SETTINGS.get(0),
                                TestEventWriter.SETTINGS.get(1),
                                TestEventWriter.SETTINGS.get(2)));
        kafka.createTopics(config.topics(), PARTITIONS);

        Configuration flinkConf = new Configuration();
        flinkConf.setString("state.backend.type", "rocksdb");
        flinkConf.setString("execution.checkpointing.dir", dir.resolve("cp").toUri().toString());
        flinkConf.setString("restart-strategy.type", "fixed-delay");
        flinkConf.setString("restart-strategy.fixed-delay.attempts", "10");
        flinkConf.setString("restart-strategy.fixed-delay.delay", "500ms");
        flinkConf.setString("rest.bind-port", "0");

        EventGenerator gen = new EventGenerator(new SplittableRandom(11), START, USERS);
        try (LocalFlink flink = LocalFlink.start(flinkConf, 2, 1);
                KafkaProducer<byte[], byte[]> producer = producer();
                ToKafka out = new ToKafka(producer);
                Reader reader = new Reader()) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
            RetentionLoopJob.build(env, config);
            JobID job = flink.submit(env, "it-crash");

            gen.produceDays(out, 0, 16);
            // two weeks of daily window ends are committed; the next are in flight when a TM dies
            awaitTrue(
                    () -> reader.poll() && reader.outputs.windows().size() >= 14,
                    Duration.ofMinutes(3));
            flink.killTaskManager(0);
            flink.startTaskManager();
            gen.produceDays(out, 16, DAYS);
            out.heartbeat(START + DAYS * DAY + Duration.ofHours(1).toMillis());

            Map<Long, Long> expected =
                    gen.expectation.expected(config.lifecycleRules(), START + DAYS * DAY);
            long expectedTotal = expected.values().stream().mapToLong(Long::longValue).sum();
            long maturable =
                    expected.entrySet().stream()
                            // the final heartbeat brings the watermark to the end - 1 ms
                            .filter(e -> e.getKey() + 8 * DAY < START + DAYS * DAY)
                            .mapToLong(Map.Entry::getValue)
                            .sum();
            awaitTrue(
                    () ->
                            reader.poll()
                                    && reader.outputs.snapshots.size() >= expectedTotal
                                    && reader.outputs.deadLetters.size() >= gen.bad
                                    && reader.outputs.decisions.size() >= expectedTotal
                                    && reader.outputs.outcomes.size() >= maturable,
                    Duration.ofMinutes(3));
            // anything emitted twice would arrive with the same or a later checkpoint
            Thread.sleep(2000);
            reader.poll();
            flink.cancel(job);

            reader.outputs.assertExactlyOnce(
                    gen, config, expected, maturable, START + DAYS * DAY, TestModels.tiny(1));
        }
    }

    /** The generator's records to the events topic, flushed at every heartbeat. */
    private record ToKafka(KafkaProducer<byte[], byte[]> producer)
            implements EventGenerator.Out, AutoCloseable {
        static final TestEventWriter TOPIC = new TestEventWriter("crash-events", PARTITIONS);

        @Override
        public void send(String user, long t, byte[] value) {
            TOPIC.send(producer, user, t, value);
        }

        @Override
        public void heartbeat(long t) {
            TOPIC.heartbeat(producer, t);
            producer.flush();
        }

        @Override
        public void close() {}
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = kafka.clientProperties();
        p.put("acks", "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** A read_committed consumer of the graph's output topics. */
    static final class Reader implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final GraphOutputs outputs = new GraphOutputs();

        Reader() {
            Properties p = kafka.clientProperties();
            p.put("isolation.level", "read_committed");
            p.put("auto.offset.reset", "earliest");
            p.put("group.id", "it-reader");
            consumer =
                    new KafkaConsumer<>(
                            p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(
                    List.of("crash-snapshots", "crash-dlq", "crash-decisions", "crash-outcomes"));
        }

        boolean poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                switch (r.topic()) {
                    case "crash-snapshots" -> outputs.snapshot(r.value());
                    case "crash-dlq" -> outputs.deadLetter(r.value());
                    case "crash-decisions" -> outputs.decision(r.value());
                    default -> outputs.outcome(r.value());
                }
            }
            return true;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
