package io.retentionloop.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.events.EventJson;
import io.retentionloop.events.EventParser;
import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.local.FlinkRest;
import io.retentionloop.local.LocalFlink;
import io.retentionloop.local.SnapshotExpectation;
import io.retentionloop.security.Secret;
import io.retentionloop.security.Signer;
import io.retentionloop.value.ModelRef;
import io.retentionloop.value.ScoredWindow;
import io.retentionloop.value.ScoredWindowJson;
import io.retentionloop.value.TestModels;
import io.retentionloop.value.model.ClvModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The records that once stopped, corrupted or steered the job, sent one at a time into the real
 * graph (MiniCluster, RocksDB, exactly-once Kafka sinks, a real broker) between days of ordinary
 * traffic, followed by a seeded fuzz of 10,000 records over the events, models and policy topics.
 * The job runs with no restart strategy, so any exception a record causes fails it: it must still
 * be running at the end, every bad event dead-lettered once with its reason, no window closed
 * before its time, no decision for a user who only sent bad records, and a good model announcement
 * after the bad ones still served.
 */
class HostileInputIT {
    static final long DAY = 86_400_000L;
    static final long START = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();
    static final int PARTITIONS = 2;
    static final int DAYS = 21;
    static final int FUZZ = 10_000;
    static final String KEY = "hostile-it-signing-key";
    static final String EVENTS = "hostile-events";
    static final java.util.concurrent.atomic.AtomicInteger SEND_FAILURES =
            new java.util.concurrent.atomic.AtomicInteger();

    @TempDir Path dir;

    @Test
    void noSingleRecordOnAnyTopicStopsCorruptsOrSteersTheJob() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path first = Files.copy(TestModels.tiny(1), models.resolve("first.model"));
        Path second = Files.copy(TestModels.tiny(2), models.resolve("second.model"));
        Path outside = Files.copy(TestModels.tiny(3), dir.resolve("outside.model"));
        List<String> settings =
                new ArrayList<>(
                        List.of(
                                "kafka.transactional-id-prefix=it-hostile",
                                "job.checkpoint-interval=500ms",
                                "job.start-from=earliest",
                                "job.parallelism=2",
                                "agent.horizon=7d",
                                "value.model-uri=" + first.toUri(),
                                "security.signing-key=" + KEY,
                                "topics.events=" + EVENTS,
                                "topics.dead-letters=hostile-dlq",
                                "topics.window-snapshots=hostile-snapshots",
                                "topics.models=hostile-models",
                                "topics.decisions=hostile-decisions",
                                "topics.interventions=hostile-interventions",
                                "topics.outcomes=hostile-outcomes",
                                "topics.policy=hostile-policy"));
        settings.addAll(TestEventWriter.SETTINGS);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            settings.add("kafka.bootstrap-servers=" + kafka.bootstrapServers());
            JobConfig config = JobConfig.load(null, settings);
            kafka.createTopics(config.topics(), PARTITIONS);
            Configuration flinkConf = new Configuration();
            flinkConf.setString("state.backend.type", "rocksdb");
            flinkConf.setString(
                    "execution.checkpointing.dir", dir.resolve("cp").toUri().toString());
            // no restarts: an exception any record causes fails the job, and the test with it
            flinkConf.setString("restart-strategy.type", "none");
            flinkConf.setString("rest.bind-port", "0");
            flinkConf.setString("metrics.fetcher.update-interval", "200");

            Signer owner = new Signer(Secret.of(KEY));
            Traffic traffic = new Traffic();
            try (LocalFlink flink = LocalFlink.start(flinkConf, 1, 2);
                    KafkaProducer<byte[], byte[]> producer = producer(kafka);
                    Reader reader = new Reader(kafka)) {
                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
                RetentionLoopJob.build(env, config);
                JobID job = flink.submit(env, "it-hostile");

                traffic.days(producer, 0, 8);
                long now = System.currentTimeMillis();
                long later = now + Duration.ofMinutes(50).toMillis();
                long t = START + 8 * DAY;
                Map<String, DeadLetterReason> hostile = HostileRecords.events(now, t);
                for (Map.Entry<String, DeadLetterReason> h : hostile.entrySet()) {
                    send(producer, EVENTS, 0, later, h.getKey().getBytes(StandardCharsets.UTF_8));
                }
                // a heartbeat signed with the real key but a day ahead of the job's clock
                byte[] signedFuture =
                        EventJson.heartbeat(
                                now + DAY,
                                EventParser.heartbeatSignature(
                                        new Signer(Secret.of(TestEventWriter.HEARTBEAT_KEY)),
                                        EVENTS,
                                        1,
                                        now + DAY));
                send(producer, EVENTS, 1, later, signedFuture);
                byte[] utf16 = HostileRecords.utf16Event(t);
                send(producer, EVENTS, 1, later, utf16);
                int hostileEvents = hostile.size() + 2;

                // models: unsigned, signed but outside or unbounded, then a good one
                String sha2 = ClvModel.sha256(Files.readAllBytes(second));
                for (byte[] m : HostileRecords.unsignedModels()) {
                    send(producer, "hostile-models", 0, now, m);
                }
                send(
                        producer,
                        "hostile-models",
                        0,
                        now,
                        new ModelRef("zero", "file:///dev/zero", sha2, Long.MAX_VALUE)
                                .toJson(owner));
                send(
                        producer,
                        "hostile-models",
                        0,
                        now,
                        new ModelRef(
                                        "outside",
                                        outside.toUri().toString(),
                                        ClvModel.sha256(Files.readAllBytes(outside)),
                                        Long.MAX_VALUE - 1)
                                .toJson(owner));
                send(
                        producer,
                        "hostile-models",
                        0,
                        now,
                        new ModelRef("second", second.toUri().toString(), sha2, 1).toJson(owner));
                // policy: the right header with the wrong number of parameters, unsigned and
                // signed, and an attacker's well-formed network
                for (byte[] p : HostileRecords.unsignedPolicies()) {
                    send(producer, "hostile-policy", 0, now, p);
                }
                send(
                        producer,
                        "hostile-policy",
                        0,
                        now,
                        HostileRecords.wrongShapePolicy(999_999_998L).toBytes(owner));

                // a seeded fuzz over all three input topics
                Fuzz fuzz = new Fuzz(new SplittableRandom(26), config, owner, sha2);
                fuzz.send(producer, t);
                producer.flush();

                traffic.days(producer, 8, DAYS);
                traffic.out.heartbeat(
                        producer, START + DAYS * DAY + Duration.ofHours(2).toMillis());
                producer.flush();

                Map<Long, Long> expected =
                        traffic.expectation.expected(config.lifecycleRules(), START + DAYS * DAY);
                long legitWindows = expected.values().stream().mapToLong(Long::longValue).sum();
                long lastWindow =
                        expected.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
                long expectedLetters = hostileEvents + fuzz.rejectedEvents;
                awaitTrue(
                        () ->
                                reader.poll()
                                        && reader.snapshots.stream()
                                                .anyMatch(s -> s.snapshot.windowEnd == lastWindow)
                                        && reader.deadLetters.size() >= expectedLetters
                                        && flinkRunning(flink, job),
                        Duration.ofMinutes(4));
                Thread.sleep(2000);
                reader.poll();
                assertThat(flink.status(job)).isEqualTo(JobStatus.RUNNING);
                assertThat(SEND_FAILURES).hasValue(0);
                // the control sources run on their own: wait until they have read everything
                FlinkRest rest = new FlinkRest(flink.restAddress());
                List<String> counters =
                        List.of(
                                "modelAnnouncementsRejected",
                                "policySnapshotsRejected",
                                "modelsRejected",
                                "modelsLoaded",
                                "recordsFailed");
                java.util.concurrent.atomic.AtomicReference<Map<String, Double>> seen =
                        new java.util.concurrent.atomic.AtomicReference<>(Map.of());
                awaitTrue(
                        () -> {
                            try {
                                seen.set(rest.sumMetrics(job.toString(), counters));
                            } catch (Exception e) {
                                return false;
                            }
                            Map<String, Double> m = seen.get();
                            return FlinkRest.total(m, "modelAnnouncementsRejected")
                                                    + FlinkRest.total(m, "modelsRejected") / 2
                                            >= 4.0 + fuzz.models
                                    && FlinkRest.total(m, "policySnapshotsRejected")
                                            >= 3 + fuzz.policies;
                        },
                        Duration.ofMinutes(1));
                Map<String, Double> metrics = seen.get();
                flink.cancel(job);

                // every bad event is a dead letter exactly once, with its reason
                Map<String, Integer> perLetter = new HashMap<>();
                reader.deadLetters.forEach(
                        d ->
                                perLetter.merge(
                                        d.sourcePartition + "/" + d.sourceOffset, 1, Integer::sum));
                assertThat(perLetter.values()).allMatch(n -> n == 1);
                assertThat(reader.deadLetters).hasSize((int) expectedLetters);
                for (Map.Entry<String, DeadLetterReason> h : hostile.entrySet()) {
                    assertThat(reader.deadLetters)
                            .as(h.getKey())
                            .anyMatch(
                                    d -> d.payload.equals(h.getKey()) && d.reason == h.getValue());
                }
                assertThat(reader.deadLetters)
                        .filteredOn(d -> d.reason == DeadLetterReason.FAR_FUTURE)
                        .hasSize(3 + fuzz.farFuture);
                assertThat(reader.deadLetters).noneMatch(d -> d.reason == DeadLetterReason.LATE);
                assertThat(reader.deadLetters)
                        .noneMatch(d -> d.reason == DeadLetterReason.INTERNAL_ERROR);
                // no window closed before its time: the watermark was never pushed ahead
                assertThat(reader.snapshots).allMatch(s -> s.snapshot.windowEnd <= lastWindow);
                // no state, decision or intervention for a user who sent only bad records
                assertThat(reader.snapshots)
                        .noneMatch(s -> s.snapshot.userId.startsWith("attacker"));
                assertThat(reader.decisions)
                        .noneMatch(d -> d.get("user_id").asText().startsWith("attacker"));
                assertThat(reader.interventions)
                        .noneMatch(d -> d.get("user_id").asText().startsWith("attacker"));
                // ordinary users' windows are all there, each once: state is intact
                Map<String, Integer> perWindow = new HashMap<>();
                reader.snapshots.stream()
                        .filter(s -> s.snapshot.userId.startsWith("u0"))
                        .forEach(
                                s ->
                                        perWindow.merge(
                                                s.snapshot.userId + "@" + s.snapshot.windowEnd,
                                                1,
                                                Integer::sum));
                assertThat(perWindow.values()).allMatch(n -> n == 1);
                assertThat((long) perWindow.size()).isEqualTo(legitWindows);
                // the good announcement came after announcements with the highest sequences
                String v2 = ClvModel.load(second).version();
                assertThat(reader.snapshots)
                        .filteredOn(s -> s.snapshot.windowEnd == lastWindow)
                        .allMatch(s -> s.modelVersion.equals(v2));
                // only the learner's own policies were acted on
                assertThat(reader.decisions)
                        .allMatch(d -> d.get("policy_version").asLong() < 999_999_999L);
                // and every rejection was counted
                // each announcement is rejected by the source (signature) or, signed, by every
                // scorer subtask (location); the good one and the initial model are loaded
                double bySource = FlinkRest.total(metrics, "modelAnnouncementsRejected");
                double byScorer = FlinkRest.total(metrics, "modelsRejected") / 2;
                assertThat(bySource + byScorer).isEqualTo(4.0 + fuzz.models);
                assertThat(byScorer).isGreaterThanOrEqualTo(2);
                assertThat(FlinkRest.total(metrics, "policySnapshotsRejected"))
                        .isGreaterThanOrEqualTo(3 + fuzz.policies);
                assertThat(FlinkRest.total(metrics, "recordsFailed")).isZero();
            }
        }
    }

    private static boolean flinkRunning(LocalFlink flink, JobID job) {
        try {
            JobStatus s = flink.status(job);
            if (s.isGloballyTerminalState()) {
                throw new AssertionError("job ended " + s);
            }
            return true;
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            return false;
        }
    }

    static void send(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            int partition,
            long ts,
            byte[] value) {
        // the control topics are compacted: a record needs a key
        byte[] key = topic.equals(EVENTS) ? null : "control".getBytes(StandardCharsets.UTF_8);
        producer.send(
                new ProducerRecord<>(topic, partition, ts, key, value),
                (meta, e) -> {
                    if (e != null) {
                        SEND_FAILURES.incrementAndGet();
                    }
                });
    }

    static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties p = kafka.clientProperties();
        p.put("acks", "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** Ordinary users' views and purchases, with a signed heartbeat at every day's end. */
    static final class Traffic {
        final SplittableRandom rnd = new SplittableRandom(7);
        final SnapshotExpectation expectation = new SnapshotExpectation(START);
        final TestEventWriter out = new TestEventWriter(EVENTS, PARTITIONS);

        void days(KafkaProducer<byte[], byte[]> producer, int from, int to) {
            for (int day = from; day < to; day++) {
                for (int i = 0; i < 60; i++) {
                    String user = String.format("u%03d", rnd.nextInt(40));
                    long t = START + day * DAY + (long) i * (DAY / 60) + rnd.nextInt(1000);
                    boolean purchase = rnd.nextInt(5) == 0;
                    out.send(
                            producer,
                            user,
                            t,
                            out.json(user, purchase ? "purchase" : "view", t, 20));
                    expectation.validEvent(user, t);
                }
                out.heartbeat(producer, START + (day + 1) * DAY - 1);
            }
            producer.flush();
        }
    }

    /**
     * Random and mutated records for every input topic, reproducible by seed. Fuzzed events are of
     * users {@code fuzz-*} dated inside the traffic's time; what the job must make of each is what
     * {@link EventParser} makes of it here.
     */
    static final class Fuzz {
        final SplittableRandom rnd;
        final EventParser parser;
        final Signer owner;
        final String sha;
        int rejectedEvents;
        int farFuture;
        int models;
        int policies;

        Fuzz(SplittableRandom rnd, JobConfig config, Signer owner, String sha) {
            this.rnd = rnd;
            this.parser = new EventParser(config.eventRules());
            this.owner = owner;
            this.sha = sha;
        }

        void send(KafkaProducer<byte[], byte[]> producer, long t) {
            for (int n = 0; n < FUZZ; n++) {
                int kind = n % 5;
                if (kind < 3) {
                    int partition = n % PARTITIONS;
                    byte[] value;
                    io.retentionloop.events.Ingested parsed;
                    do {
                        // a mutation may leave a valid event at another time: keep only those
                        // inside the fuzz hour, so the ordinary traffic's clock is not moved
                        value = event(n, t);
                        parsed =
                                parser.parse(
                                        value,
                                        EVENTS,
                                        partition,
                                        0,
                                        t + 3_600_000,
                                        System.currentTimeMillis());
                    } while (parsed.event != null
                            && (parsed.event.eventTime < t
                                    || parsed.event.eventTime >= t + 3_600_000));
                    DeadLetter d = parsed.deadLetter;
                    if (d != null) {
                        rejectedEvents++;
                        farFuture += d.reason == DeadLetterReason.FAR_FUTURE ? 1 : 0;
                    }
                    HostileInputIT.send(producer, EVENTS, partition, t + 3_600_000, value);
                } else if (kind == 3) {
                    byte[] m =
                            mutate(
                                    new ModelRef("f" + n, "file:///dev/zero", sha, 1_000_000 + n)
                                            .toJson(owner));
                    models++;
                    HostileInputIT.send(producer, "hostile-models", 0, t, m);
                } else {
                    byte[] p =
                            mutate(
                                    HostileRecords.wrongShapePolicy(1_000_000_000L + n)
                                            .toBytes(owner));
                    policies++;
                    HostileInputIT.send(producer, "hostile-policy", 0, t, p);
                }
            }
        }

        /** A valid event of a fuzz user, or random bytes, mutated in a few bytes. */
        byte[] event(int n, long t) {
            if (rnd.nextInt(4) == 0) {
                byte[] b = new byte[rnd.nextInt(200)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            String json =
                    "{\"event_id\":\"f"
                            + n
                            + "\",\"user_id\":\"fuzz-"
                            + n
                            + "\",\"type\":\"purchase\",\"event_time\":"
                            + (t + rnd.nextInt(3_600_000))
                            + ",\"amount\":12.5,\"currency\":\"USD\"}";
            return mutate(json.getBytes(StandardCharsets.UTF_8));
        }

        /** Flips, replaces or drops a few bytes; most mutations break the record, some do not. */
        byte[] mutate(byte[] b) {
            byte[] out = b.clone();
            for (int k = 1 + rnd.nextInt(3); k > 0 && out.length > 0; k--) {
                int i = rnd.nextInt(out.length);
                switch (rnd.nextInt(3)) {
                    case 0 -> out[i] = (byte) rnd.nextInt(256);
                    case 1 -> out[i] ^= (byte) (1 << rnd.nextInt(8));
                    default ->
                            out =
                                    ByteBuffer.allocate(out.length - 1)
                                            .put(out, 0, i)
                                            .put(out, i + 1, out.length - i - 1)
                                            .array();
                }
            }
            return out;
        }
    }

    /** A read_committed consumer of the job's outputs. */
    static final class Reader implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final List<ScoredWindow> snapshots = new ArrayList<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();
        final List<JsonNode> decisions = new ArrayList<>();
        final List<JsonNode> interventions = new ArrayList<>();
        final ObjectMapper json = new ObjectMapper();

        Reader(EmbeddedKafka kafka) {
            Properties p = kafka.clientProperties();
            p.put("isolation.level", "read_committed");
            p.put("auto.offset.reset", "earliest");
            p.put("group.id", "it-hostile-reader");
            consumer =
                    new KafkaConsumer<>(
                            p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(
                    Set.of(
                            "hostile-snapshots",
                            "hostile-dlq",
                            "hostile-decisions",
                            "hostile-interventions"));
        }

        boolean poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                try {
                    switch (r.topic()) {
                        case "hostile-snapshots" ->
                                snapshots.add(ScoredWindowJson.fromJson(r.value()));
                        case "hostile-dlq" -> deadLetters.add(DeadLetterJson.fromJson(r.value()));
                        case "hostile-decisions" -> decisions.add(json.readTree(r.value()));
                        default -> interventions.add(json.readTree(r.value()));
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
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
