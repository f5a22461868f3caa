package io.retentionloop.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.local.LocalFlink;
import io.retentionloop.local.SnapshotExpectation;
import io.retentionloop.value.ScoredWindow;
import io.retentionloop.value.ScoredWindowJson;
import io.retentionloop.value.TestModels;
import java.nio.charset.StandardCharsets;
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

        Generator gen = new Generator(new SplittableRandom(11));
        try (LocalFlink flink = LocalFlink.start(flinkConf, 2, 1);
                KafkaProducer<byte[], byte[]> producer = producer();
                Reader reader = new Reader()) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
            RetentionLoopJob.build(env, config);
            JobID job = flink.submit(env, "it-crash");

            gen.produceDays(producer, 0, 16);
            // two weeks of daily window ends are committed; the next are in flight when a TM dies
            awaitTrue(() -> reader.poll() && reader.windows().size() >= 14, Duration.ofMinutes(3));
            flink.killTaskManager(0);
            flink.startTaskManager();
            gen.produceDays(producer, 16, DAYS);
            gen.finalHeartbeat(producer, START + DAYS * DAY + Duration.ofHours(1).toMillis());

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
                                    && reader.snapshots.size() >= expectedTotal
                                    && reader.deadLetters.size() >= gen.bad
                                    && reader.decisions.size() >= expectedTotal
                                    && reader.outcomes.size() >= maturable,
                    Duration.ofMinutes(3));
            // anything emitted twice would arrive with the same or a later checkpoint
            Thread.sleep(2000);
            reader.poll();
            flink.cancel(job);

            Map<String, Integer> perSnapshot = new HashMap<>();
            for (WindowSnapshot s : reader.snapshots) {
                perSnapshot.merge(s.userId + "@" + s.windowEnd, 1, Integer::sum);
            }
            assertThat(perSnapshot.values()).allMatch(n -> n == 1);
            for (long w : expected.keySet()) {
                java.util.Set<String> emitted = new java.util.TreeSet<>();
                reader.snapshots.stream()
                        .filter(s -> s.windowEnd == w)
                        .forEach(s -> emitted.add(s.userId));
                java.util.Set<String> live = gen.expectation.liveUsers(config.lifecycleRules(), w);
                java.util.Set<String> extra = new java.util.TreeSet<>(emitted);
                extra.removeAll(live);
                java.util.Set<String> missing = new java.util.TreeSet<>(live);
                missing.removeAll(emitted);
                StringBuilder why = new StringBuilder();
                extra.forEach(
                        u ->
                                why.append(u)
                                        .append(" extra, days ")
                                        .append(gen.expectation.activeDays(u))
                                        .append('\n'));
                missing.forEach(
                        u ->
                                why.append(u)
                                        .append(" missing, days ")
                                        .append(gen.expectation.activeDays(u))
                                        .append('\n'));
                assertThat(emitted)
                        .as("window %s\n%s", Instant.ofEpochMilli(w), why)
                        .isEqualTo(live);
            }
            assertThat(reader.windows()).isEqualTo(expected);
            assertThat(reader.snapshots).hasSize((int) expectedTotal);

            Map<String, Integer> perLetter = new HashMap<>();
            for (DeadLetter d : reader.deadLetters) {
                perLetter.merge(d.sourcePartition + "/" + d.sourceOffset, 1, Integer::sum);
            }
            assertThat(perLetter.values()).allMatch(n -> n == 1);
            assertThat(reader.deadLetters).hasSize(gen.bad);
            assertThat(reader.deadLetters)
                    .extracting(d -> d.reason)
                    .containsOnly(
                            DeadLetterReason.MALFORMED_JSON, DeadLetterReason.NEGATIVE_AMOUNT);

            // one decision per scored window, none twice, none lost, control group never treated
            Map<String, Integer> perDecision = new HashMap<>();
            for (var d : reader.decisions) {
                perDecision.merge(d.get("decision_id").asText(), 1, Integer::sum);
                if (d.get("control_group").asBoolean()) {
                    assertThat(d.get("action").asText()).isEqualTo("none");
                }
                assertThat(d.get("propensity").asDouble()).isGreaterThan(0);
            }
            assertThat(perDecision.values()).allMatch(n -> n == 1);
            assertThat(perDecision).hasSize((int) expectedTotal);
            // rewards of decisions whose horizon (7 d + 1 d lateness) ended by day 35, each once
            Map<String, Integer> perOutcome = new HashMap<>();
            reader.outcomes.forEach(
                    o -> perOutcome.merge(o.get("decision_id").asText(), 1, Integer::sum));
            assertThat(perOutcome.values()).allMatch(n -> n == 1);
            assertThat(perOutcome.keySet()).isSubsetOf(perDecision.keySet());
            assertThat((long) perOutcome.size()).isEqualTo(maturable);

            // train/serve parity: replaying the same events offline through the lifecycle code and
            // scoring them with the same model file gives what the stream emitted
            io.retentionloop.lifecycle.UserLifecycle offline =
                    new io.retentionloop.lifecycle.UserLifecycle(config.lifecycleRules());
            Map<String, WindowSnapshot> replayed = new HashMap<>();
            gen.history.forEach(
                    (u, events) ->
                            offline.replay(
                                    u,
                                    events,
                                    START + DAYS * DAY,
                                    s -> replayed.put(s.userId + "@" + s.windowEnd, s)));
            io.retentionloop.value.model.ClvModel model =
                    io.retentionloop.value.model.ClvModel.load(TestModels.tiny(1));
            List<double[]> features = new ArrayList<>();
            for (ScoredWindow s : reader.scored) {
                WindowSnapshot o = replayed.get(s.snapshot.userId + "@" + s.snapshot.windowEnd);
                assertThat(o).as("offline snapshot of %s", s.snapshot).isEqualTo(s.snapshot);
                features.add(o.features);
            }
            var offlineScores = model.predict(features, model.horizonDays());
            for (int i = 0; i < offlineScores.length; i++) {
                assertThat(reader.scored.get(i).expectedPurchases)
                        .isCloseTo(
                                offlineScores[i].expectedPurchases(),
                                org.assertj.core.data.Percentage.withPercentage(1e-3));
            }

            // the features survived the crash: a user's purchase count is exact
            String user = gen.purchases.keySet().iterator().next();
            WindowSnapshot last =
                    reader.snapshots.stream()
                            .filter(s -> s.userId.equals(user))
                            .max((a, b) -> Long.compare(a.windowEnd, b.windowEnd))
                            .orElseThrow();
            long purchasesBefore =
                    gen.purchaseTimes.get(user).stream().filter(t -> t < last.windowEnd).count();
            assertThat(last.feature("purchases")).isEqualTo((double) purchasesBefore);
        }
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

    /** Deterministic events: views and purchases, 1% malformed, 1% negative, 2% duplicates. */
    static final class Generator {
        final SplittableRandom rnd;
        final SnapshotExpectation expectation = new SnapshotExpectation(START);
        final Map<String, Integer> purchases = new TreeMap<>();
        final Map<String, List<Long>> purchaseTimes = new HashMap<>();

        /** Every valid event per user, in the order produced (event time). */
        final Map<String, List<io.retentionloop.events.Event>> history = new TreeMap<>();

        int bad;
        final TestEventWriter out = new TestEventWriter("crash-events", PARTITIONS);

        Generator(SplittableRandom rnd) {
            this.rnd = rnd;
        }

        void produceDays(KafkaProducer<byte[], byte[]> producer, int fromDay, int toDay) {
            for (int day = fromDay; day < toDay; day++) {
                // users arrive over the first weeks and some go quiet, so expiry is exercised
                int active = Math.min(USERS, 60 + day * 20);
                for (int i = 0; i < 120; i++) {
                    int u = rnd.nextInt(active);
                    if (u % 7 == 3 && day > 10) {
                        continue; // these users fall silent after day 10 and expire
                    }
                    String user = String.format("u%04d", u);
                    long t = START + day * DAY + (long) i * (DAY / 120) + rnd.nextInt(1000);
                    boolean purchase = rnd.nextInt(5) == 0;
                    double roll = rnd.nextDouble();
                    byte[] value;
                    if (roll < 0.01) {
                        value = "{\"event_id\":\"broken".getBytes(StandardCharsets.UTF_8);
                        bad++;
                    } else if (roll < 0.02) {
                        value = out.json(user, "purchase", t, -3.0);
                        bad++;
                    } else {
                        value = out.json(user, purchase ? "purchase" : "view", t, 12.5);
                        expectation.validEvent(user, t);
                        history.computeIfAbsent(user, k -> new ArrayList<>())
                                .add(
                                        new io.retentionloop.events.Event(
                                                out.lastEventId(),
                                                user,
                                                purchase
                                                        ? io.retentionloop.events.EventType.PURCHASE
                                                        : io.retentionloop.events.EventType.VIEW,
                                                t,
                                                purchase ? 12.5 : 0));
                        if (purchase) {
                            purchases.merge(user, 1, Integer::sum);
                            purchaseTimes.computeIfAbsent(user, k -> new ArrayList<>()).add(t);
                        }
                    }
                    out.send(producer, user, t, value);
                    if (roll > 0.98) {
                        out.send(producer, user, t + 1000, value); // a duplicate
                    }
                }
                out.heartbeat(producer, START + (day + 1) * DAY - 1);
            }
            producer.flush();
        }

        void finalHeartbeat(KafkaProducer<byte[], byte[]> producer, long t) {
            out.heartbeat(producer, t);
            producer.flush();
        }
    }

    /** A read_committed consumer of the snapshot and dead-letter topics. */
    static final class Reader implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final List<WindowSnapshot> snapshots = new ArrayList<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();
        final List<ScoredWindow> scored = new ArrayList<>();
        final List<com.fasterxml.jackson.databind.JsonNode> decisions = new ArrayList<>();
        final List<com.fasterxml.jackson.databind.JsonNode> outcomes = new ArrayList<>();
        final com.fasterxml.jackson.databind.ObjectMapper json =
                new com.fasterxml.jackson.databind.ObjectMapper();

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
                if (r.topic().equals("crash-snapshots")) {
                    ScoredWindow s = ScoredWindowJson.fromJson(r.value());
                    assertThat(s.expectedPurchases).isNotNegative();
                    assertThat(s.modelVersion).startsWith("clv-");
                    snapshots.add(s.snapshot);
                    scored.add(s);
                } else if (r.topic().equals("crash-dlq")) {
                    deadLetters.add(DeadLetterJson.fromJson(r.value()));
                } else {
                    try {
                        (r.topic().equals("crash-decisions") ? decisions : outcomes)
                                .add(json.readTree(r.value()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            return true;
        }

        Map<Long, Long> windows() {
            Map<Long, Long> w = new TreeMap<>();
            snapshots.forEach(s -> w.merge(s.windowEnd, 1L, Long::sum));
            return w;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
