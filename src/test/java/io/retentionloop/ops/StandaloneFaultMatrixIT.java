package io.retentionloop.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.TestEventWriter;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.security.Secret;
import io.retentionloop.security.Signer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A fault matrix on a real standalone cluster (JobManager and TaskManager JVMs, RocksDB,
 * exactly-once Kafka sinks) in one run: a TaskManager killed with {@code kill -9} three times, the
 * Kafka broker restarted, and the last TaskManager down for longer than the sinks' transaction
 * timeout before a new one takes over. Afterwards what a read_committed reader sees must be every
 * window snapshot, decision, intervention and outcome exactly once, and the learner's policy
 * versions must go on rising without a repeat.
 */
class StandaloneFaultMatrixIT {
    static final long DAY = 86_400_000L;
    static final long START = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();
    static final int PARTITIONS = StandaloneClusterIT.PARTITIONS;
    static final int DAYS = 35;
    static final String SIGNING_KEY = "fault-matrix-signing-key";
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(15);

    @Test
    void everyOutputIsExactlyOnceAndTheLearnerGoesOnThroughKillsABrokerRestartAndALongOutage()
            throws Exception {
        Path dir = StandaloneCluster.ROOT.resolve("target/standalone-fault-matrix-it");
        StandaloneClusterIT.deleteRecursively(dir);
        Files.createDirectories(dir);
        Path jar = JobJar.ensureBuilt(dir);
        Path keyFile = dir.resolve("signing.key");
        Files.writeString(keyFile, SIGNING_KEY + "\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
                StandaloneCluster cluster = StandaloneCluster.prepare(dir)) {
            cluster.startSession("taskmanager-1", Duration.ofSeconds(120));
            ClusterRest rest = new ClusterRest(cluster.restUrl());
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "job",
                                    "--set",
                                    "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                                    "--set",
                                    "kafka.transactional-id-prefix=it-faults",
                                    "--set",
                                    "kafka.transaction-timeout="
                                            + TRANSACTION_TIMEOUT.toSeconds()
                                            + "s",
                                    "--set",
                                    "security.signing-key=${file:" + keyFile + "}",
                                    "--set",
                                    "job.checkpoint-interval=1s",
                                    "--set",
                                    "job.start-from=earliest",
                                    "--set",
                                    "agent.horizon=7d",
                                    "--set",
                                    "learner.updates-per-transition=1",
                                    "--set",
                                    "learner.publish-every=10",
                                    "--set",
                                    "learner.batch-size=16",
                                    "--set",
                                    "learner.gate-tolerance=1000",
                                    "--set",
                                    "topics.events=" + StandaloneClusterIT.EVENTS));
            for (String setting : TestEventWriter.SETTINGS) {
                args.add("--set");
                args.add(setting);
            }
            args.addAll(StandaloneClusterIT.modelSettings());
            JobConfig config =
                    JobConfig.load(null, args.stream().filter(a -> a.contains("=")).toList());
            LifecycleRules rules = config.lifecycleRules();
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.createTopics(
                                TopicsCommand.topics(config.topics(), PARTITIONS, (short) 1)
                                        .values())
                        .all()
                        .get();
            }
            String job = rest.run(rest.upload(jar), 1, null, args);
            StandaloneClusterIT.Generator gen =
                    new StandaloneClusterIT.Generator(new SplittableRandom(9));
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka);
                    Reader reader = new Reader(kafka, config)) {
                gen.produceDays(producer, 0, 8);
                await(
                        () -> reader.poll() && reader.windows.size() >= 7,
                        "the first week's windows");

                // kill -9 of a TaskManager, twice, a new one taking over each time
                cluster.killTaskManager("taskmanager-1");
                cluster.startTaskManager("taskmanager-2");
                gen.produceDays(producer, 8, 15);
                await(() -> reader.poll() && reader.windows.size() >= 14, "after the first kill");
                rest.awaitAllTasksRunning(job, Duration.ofSeconds(90));
                cluster.killTaskManager("taskmanager-2");
                cluster.startTaskManager("taskmanager-3");
                gen.produceDays(producer, 15, 22);
                await(() -> reader.poll() && reader.windows.size() >= 21, "after the second kill");

                // the broker restarts while the job writes
                kafka.restart();
                gen.produceDays(producer, 22, 29);
                await(
                        // windows end every day (a seventh of the users each)
                        () ->
                                reader.poll()
                                        && reader.windows.size() >= 28
                                        && reader.maxPolicyVersion() > 0,
                        "after the broker restart, with a policy published");
                long versionBefore = reader.maxPolicyVersion();

                // the third kill: down longer than the transaction timeout, events arriving
                rest.awaitAllTasksRunning(job, Duration.ofSeconds(90));
                cluster.killTaskManager("taskmanager-3");
                gen.produceDays(producer, 29, DAYS);
                Thread.sleep(TRANSACTION_TIMEOUT.plusSeconds(10).toMillis());
                cluster.startTaskManager("taskmanager-4");
                gen.finalHeartbeat(producer, START + DAYS * DAY + Duration.ofHours(1).toMillis());

                Map<Long, Long> expected =
                        new TreeMap<>(gen.expectation.expected(rules, START + DAYS * DAY));
                expected.values().removeIf(n -> n == 0);
                long total = expected.values().stream().mapToLong(Long::longValue).sum();
                long maturable =
                        expected.entrySet().stream()
                                // maturing at w + H + lateness needs the watermark there;
                                // the final heartbeat brings it to the end - 1 ms
                                .filter(e -> e.getKey() + 8 * DAY < START + DAYS * DAY)
                                .mapToLong(Map.Entry::getValue)
                                .sum();
                await(
                        () ->
                                reader.poll()
                                        && reader.snapshots.size() >= total
                                        && reader.decisions.size() >= total
                                        && reader.outcomes.size() >= maturable,
                        () ->
                                String.format(
                                        "every output after the outage: snapshots %d, decisions"
                                                + " %d of %d; outcomes %d of %d; windows %s,"
                                                + " expected %s",
                                        reader.snapshots.size(),
                                        reader.decisions.size(),
                                        total,
                                        reader.outcomes.size(),
                                        maturable,
                                        reader.windows,
                                        expected));
                // the learner trains in its own time (learner.compute-share), after the outputs
                await(
                        () -> reader.poll() && reader.maxPolicyVersion() > versionBefore,
                        "a policy version after the outage");
                Thread.sleep(4000); // anything emitted twice commits with a later checkpoint
                reader.poll();
                assertThat(rest.jobState(job)).isEqualTo("RUNNING");

                assertThat(reader.windows).isEqualTo(expected);
                assertThat(reader.snapshots).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
                assertThat(reader.snapshots).hasSize((int) total);
                assertThat(reader.decisions).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
                assertThat(reader.decisions).hasSize((int) total);
                assertThat(reader.interventions)
                        .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
                assertThat(reader.interventions.keySet()).isEqualTo(reader.actionable());
                assertThat(reader.outcomes).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
                assertThat(reader.outcomes).hasSize((int) maturable);
                assertThat(reader.decisions.keySet()).containsAll(reader.outcomes.keySet());
                // the learner went on: each version published once, rising, also after the faults
                assertThat(reader.policyVersions).doesNotHaveDuplicates();
                assertThat(reader.policyVersions).isSorted();
                assertThat(versionBefore).isPositive();
                assertThat(reader.maxPolicyVersion()).isGreaterThan(versionBefore);
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws Exception {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 3 min: " + what.get());
            }
            Thread.sleep(300);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties p = kafka.clientProperties();
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("delivery.timeout.ms", "120000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A read_committed reader of every output, counting each record by its id. */
    static final class Reader implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final JobConfig.Topics topics;
        final Signer signer = new Signer(Secret.of(SIGNING_KEY));
        final ObjectMapper json = new ObjectMapper();
        final Map<String, Integer> snapshots = new HashMap<>();
        final Map<Long, Long> windows = new TreeMap<>();
        final Map<String, Integer> decisions = new HashMap<>();
        final Map<String, String> actions = new HashMap<>();
        final Map<String, Integer> interventions = new HashMap<>();
        final Map<String, Integer> outcomes = new HashMap<>();
        final List<Long> policyVersions = new ArrayList<>();

        Reader(EmbeddedKafka kafka, JobConfig config) {
            topics = config.topics();
            Properties p = kafka.clientProperties();
            p.put("isolation.level", "read_committed");
            p.put("auto.offset.reset", "earliest");
            p.put("group.id", "fault-matrix-reader");
            consumer =
                    new KafkaConsumer<>(
                            p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(
                    List.of(
                            topics.windowSnapshots(),
                            topics.decisions(),
                            topics.interventions(),
                            topics.outcomes(),
                            topics.policy()));
        }

        boolean poll() {
            try {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    String topic = r.topic();
                    if (topic.equals(topics.policy())) {
                        policyVersions.add(PolicySnapshot.fromBytes(r.value(), signer).version);
                        continue;
                    }
                    JsonNode n = json.readTree(r.value());
                    if (topic.equals(topics.windowSnapshots())) {
                        long end = Instant.parse(n.get("window_end").asText()).toEpochMilli();
                        if (snapshots.merge(n.get("user_id").asText() + "@" + end, 1, Integer::sum)
                                == 1) {
                            windows.merge(end, 1L, Long::sum);
                        }
                    } else if (topic.equals(topics.decisions())) {
                        String id = n.get("decision_id").asText();
                        decisions.merge(id, 1, Integer::sum);
                        actions.put(id, n.get("action").asText());
                    } else if (topic.equals(topics.interventions())) {
                        interventions.merge(n.get("decision_id").asText(), 1, Integer::sum);
                    } else {
                        outcomes.merge(n.get("decision_id").asText(), 1, Integer::sum);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return true;
        }

        java.util.Set<String> actionable() {
            java.util.Set<String> ids = new java.util.HashSet<>();
            actions.forEach(
                    (id, a) -> {
                        if (!a.equals("none")) {
                            ids.add(id);
                        }
                    });
            return ids;
        }

        long maxPolicyVersion() {
            return policyVersions.stream().mapToLong(Long::longValue).max().orElse(0);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
