package io.retentionloop.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.job.HostileRecords;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.TestEventWriter;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.lifecycle.WindowSnapshotJson;
import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.local.SnapshotExpectation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shaded job jar on a real standalone cluster: JobManager and TaskManager are separate JVMs
 * started like jobs/cluster-up.sh starts them, the jar goes in over REST like jobs/submit.sh sends
 * it, against a Kafka broker in this JVM. The job is stopped with a savepoint, restored at another
 * parallelism, and its TaskManager is killed with SIGKILL and replaced; a read_committed reader
 * must see every window snapshot exactly once, and per-user features must carry on across all of
 * it. Cluster logs stay in target/standalone-cluster-it/log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    static final long DAY = 86_400_000L;
    static final long START = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();
    static final int PARTITIONS = 4;
    static final int USERS = 200;
    static final int DAYS = 28;
    static final String EVENTS = "sc-events";
    static final String SNAPSHOTS = "sc-snapshots";
    static final String DLQ = "sc-dlq";

    Path dir;
    EmbeddedKafka kafka;
    StandaloneCluster cluster;
    ClusterRest rest;
    KafkaProducer<byte[], byte[]> producer;
    Reader reader;
    Generator gen;
    String jarId;
    String job;
    List<String> appArgs;
    LifecycleRules rules;

    /** The job running after the savepoint, rescale and kill of the test before. */
    String running;

    @BeforeAll
    void startClusterAndSubmit() throws Exception {
        dir = StandaloneCluster.ROOT.resolve("target/standalone-cluster-it");
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Path jar = JobJar.ensureBuilt(dir);
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        cluster = StandaloneCluster.prepare(dir);
        cluster.startSession("taskmanager-1", Duration.ofSeconds(120));
        rest = new ClusterRest(cluster.restUrl());

        appArgs =
                new ArrayList<>(
                        List.of(
                                "job",
                                "--set",
                                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                                "--set",
                                "kafka.transactional-id-prefix=it-standalone",
                                "--set",
                                "job.checkpoint-interval=1s",
                                "--set",
                                "job.start-from=earliest",
                                "--set",
                                "lifecycle.expire-after=14d",
                                "--set",
                                "lifecycle.state-ttl=30d",
                                "--set",
                                "topics.events=" + EVENTS,
                                "--set",
                                "topics.dead-letters=" + DLQ,
                                "--set",
                                "topics.window-snapshots=" + SNAPSHOTS));
        for (String setting : TestEventWriter.SETTINGS) {
            appArgs.add("--set");
            appArgs.add(setting);
        }
        appArgs.addAll(modelSettings());
        JobConfig config =
                JobConfig.load(null, appArgs.stream().filter(a -> a.contains("=")).toList());
        rules = config.lifecycleRules();
        // every topic the graph uses, as jobs/cluster-up.sh creates them (topics command)
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(
                            TopicsCommand.topics(config.topics(), PARTITIONS, (short) 1).values())
                    .all()
                    .get();
        }
        jarId = rest.upload(jar);
        job = rest.run(jarId, 1, null, withParallelism(1));
        producer = producer();
        reader = new Reader(kafka.bootstrapServers());
        gen = new Generator(new SplittableRandom(5));

        // two weeks of events: the first window (day 7) closes and commits
        gen.produceDays(producer, 0, 14);
        awaitTrue(
                () -> reader.poll() && reader.windows().size() >= 1,
                Duration.ofSeconds(90),
                "first window committed");
    }

    @AfterAll
    void stop() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void jobMetricsAreOnTheTaskManagersPrometheusEndpoint() throws Exception {
        int port = cluster.prometheusPort("taskmanager-1");
        // the reporter exports what the TaskManager's metric registry has; counters arrive first
        String[] body = new String[1];
        awaitTrue(
                () -> {
                    body[0] = scrape(port);
                    return body[0].contains("_usersByStage{") && body[0].contains("_deadLettered{");
                },
                Duration.ofSeconds(30),
                "job metrics on :" + port);
        String metrics = body[0];
        String ours =
                metrics.lines()
                        .filter(l -> l.startsWith("flink_taskmanager_job_task_operator_"))
                        .filter(l -> !l.contains("_Kafka") && !l.contains("_KafkaSource"))
                        .reduce("", (a, b) -> a + b + "\n");
        for (String name : List.of("eventsAccepted", "windowSnapshots", "users")) {
            assertThat(value(metrics, "flink_taskmanager_job_task_operator_" + name, ""))
                    .as("%s in\n%s", name, ours)
                    .isPositive();
        }
        for (String reason : List.of("malformed_json", "negative_amount")) {
            assertThat(
                            value(
                                    metrics,
                                    "flink_taskmanager_job_task_operator_reason_deadLettered",
                                    "reason=\"" + reason + "\""))
                    .as("deadLettered{reason=%s} in\n%s", reason, ours)
                    .isPositive();
        }
        // every metric the job registers for operators reaches the endpoint (values depend on
        // how far the run is; presence is what a dashboard needs)
        for (String name :
                List.of(
                        "lateEvents",
                        "duplicatesDropped",
                        "windowsScored",
                        "scoringBatchSize",
                        "inferenceLatencyMicros",
                        "modelsLoaded",
                        "modelsRejected",
                        "gpuInUse",
                        "decisions",
                        "action_decisionsByAction",
                        "decisionsExplored",
                        "controlGroupDecisions",
                        "budgetDenied",
                        "budgetSpentToday",
                        "budgetPrice",
                        "epsilon",
                        "rewardsMatured",
                        "policyVersion",
                        "tdLoss",
                        "updates",
                        "replaySize",
                        "estimatedPolicyValue",
                        "policiesPublished",
                        "policiesHeldBack")) {
            assertThat(metrics)
                    .as("metric %s", name)
                    .contains("flink_taskmanager_job_task_operator_" + name);
        }
        assertThat(value(metrics, "flink_taskmanager_job_task_operator_modelsLoaded", ""))
                .isPositive();
        assertThat(metrics)
                .contains("flink_taskmanager_job_task_operator_stage_usersByStage{")
                .contains("stage=\"active\"")
                .contains("operator_name=\"user_lifecycle\"")
                .contains("job_name=\"retention_loop\"");
    }

    @Test
    @Order(2)
    void noSnapshotIsDuplicatedOrLostAcrossSavepointRescaleAndTaskManagerKill() throws Exception {
        // stop with a savepoint (only possible once every task runs), then events arrive while
        // the job is down
        rest.awaitAllTasksRunning(job, Duration.ofSeconds(60));
        String savepoint =
                rest.stopWithSavepoint(
                        job, dir.resolve("savepoints").toUri().toString(), Duration.ofSeconds(90));
        awaitTrue(() -> state(job).equals("FINISHED"), Duration.ofSeconds(30), "job stopped");
        assertThat(Path.of(URI.create(savepoint)).resolve("_metadata")).exists();
        gen.produceDays(producer, 14, 21);

        // restore at parallelism 2 (the state is redistributed over two key-group ranges)
        String restored = rest.run(jarId, 2, savepoint, withParallelism(2));
        rest.awaitAllTasksRunning(restored, Duration.ofSeconds(60));
        for (JsonNode v : rest.get("/jobs/" + restored).get("vertices")) {
            if (v.get("name").asText().startsWith("user-lifecycle")) {
                assertThat(v.get("parallelism").asInt()).isEqualTo(2);
            }
        }
        long week2 = START + 14 * DAY;
        awaitTrue(
                () -> reader.poll() && reader.windows().containsKey(week2),
                Duration.ofSeconds(60),
                "window of day 14 after the restore");

        // kill -9 the TaskManager while the job runs; a new one takes over
        gen.produceDays(producer, 21, 24);
        cluster.killTaskManager("taskmanager-1");
        cluster.startTaskManager("taskmanager-2");
        gen.produceDays(producer, 24, DAYS);
        gen.finalHeartbeat(producer, START + DAYS * DAY + Duration.ofHours(1).toMillis());

        Map<Long, Long> expected =
                new TreeMap<>(gen.expectation.expected(rules, START + DAYS * DAY));
        expected.values().removeIf(n -> n == 0);
        long expectedTotal = expected.values().stream().mapToLong(Long::longValue).sum();
        awaitTrue(
                () ->
                        reader.poll()
                                && reader.snapshots.size() >= expectedTotal
                                && reader.decisions.size() >= expectedTotal,
                Duration.ofSeconds(120),
                "all " + expectedTotal + " snapshots after the TaskManager kill");
        assertThat(state(restored)).isEqualTo("RUNNING");
        running = restored;
        // anything emitted twice would be committed with a later checkpoint
        Thread.sleep(3000);
        reader.poll();

        Map<String, Integer> perSnapshot = new HashMap<>();
        for (WindowSnapshot s : reader.snapshots) {
            perSnapshot.merge(s.userId + "@" + Instant.ofEpochMilli(s.windowEnd), 1, Integer::sum);
        }
        assertThat(perSnapshot).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        assertThat(reader.windows()).isEqualTo(expected);
        // one decision per scored window and no intervention twice or lost, across the savepoint,
        // the rescale and the kill
        assertThat(reader.decisions).hasSize((int) expectedTotal);
        assertThat(reader.decisions).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        assertThat(reader.interventions).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        assertThat(reader.interventions.keySet())
                .isEqualTo(
                        reader.decisions.keySet().stream()
                                .filter(id -> !reader.actions.get(id).equals("none"))
                                .collect(java.util.stream.Collectors.toSet()));
        for (long w : expected.keySet()) {
            Set<String> emitted = new TreeSet<>();
            reader.snapshots.stream()
                    .filter(s -> s.windowEnd == w)
                    .forEach(s -> emitted.add(s.userId));
            assertThat(emitted)
                    .as("users at window end %s", Instant.ofEpochMilli(w))
                    .isEqualTo(gen.expectation.liveUsers(rules, w));
        }

        // per-user state went on counting through the savepoint, the rescale and the crash
        long lastWindow = START + DAYS * DAY;
        List<WindowSnapshot> last =
                reader.snapshots.stream().filter(s -> s.windowEnd == lastWindow).toList();
        assertThat(last).isNotEmpty();
        for (WindowSnapshot s : last) {
            long purchases =
                    gen.purchaseTimes.getOrDefault(s.userId, List.of()).stream()
                            .filter(t -> t < lastWindow)
                            .count();
            assertThat(s.feature("purchases")).as(s.userId).isEqualTo((double) purchases);
        }
        assertThat(last.stream().mapToDouble(s -> s.feature("purchases")).max().orElse(0))
                .isGreaterThan(1);
    }

    @Test
    @Order(3)
    void hostileRecordsSentOneAtATimeCauseNoRestartNoLostTaskManagerAndNoIntervention()
            throws Exception {
        assertThat(running).as("the job of the test before").isNotNull();
        long restartsBefore = restarts(running);
        int taskManagers = rest.get("/taskmanagers").get("taskmanagers").size();
        reader.poll();
        int decisionsBefore = reader.decisions.size();
        int interventionsBefore = reader.interventions.size();
        long now = System.currentTimeMillis();
        long t = START + (DAYS - 1) * DAY;
        Map<String, DeadLetterReason> hostile = HostileRecords.events(now, t);
        List<byte[]> events = new ArrayList<>();
        hostile.keySet().forEach(h -> events.add(h.getBytes(StandardCharsets.UTF_8)));
        events.add(HostileRecords.utf16Event(t));
        byte[] key = "control".getBytes(StandardCharsets.UTF_8);
        // one at a time, each given a checkpoint (1 s) to act before the next
        for (byte[] e : events) {
            producer.send(new ProducerRecord<>(EVENTS, 0, now + 3_000_000, null, e)).get();
            Thread.sleep(1500);
        }
        for (byte[] m : HostileRecords.unsignedModels()) {
            producer.send(new ProducerRecord<>("models", 0, now, key, m)).get();
            Thread.sleep(1500);
        }
        for (byte[] p : HostileRecords.unsignedPolicies()) {
            producer.send(new ProducerRecord<>("policy", 0, now, key, p)).get();
            Thread.sleep(1500);
        }
        List<io.retentionloop.events.DeadLetter> letters = new ArrayList<>();
        Properties p = kafka.clientProperties();
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("group.id", "standalone-it-dlq");
        try (KafkaConsumer<byte[], byte[]> dlq =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            dlq.subscribe(List.of(DLQ));
            awaitTrue(
                    () -> {
                        dlq.poll(Duration.ofMillis(300))
                                .forEach(
                                        r ->
                                                letters.add(
                                                        io.retentionloop.events.DeadLetterJson
                                                                .fromJson(r.value())));
                        return hostile.keySet().stream()
                                .allMatch(h -> letters.stream().anyMatch(d -> d.payload.equals(h)));
                    },
                    Duration.ofSeconds(60),
                    "every hostile event dead-lettered");
        }
        Thread.sleep(3000);
        reader.poll();
        for (Map.Entry<String, DeadLetterReason> h : hostile.entrySet()) {
            assertThat(letters)
                    .as(h.getKey())
                    .filteredOn(d -> d.payload.equals(h.getKey()))
                    .singleElement()
                    .extracting(d -> d.reason)
                    .isEqualTo(h.getValue());
        }
        assertThat(state(running)).isEqualTo("RUNNING");
        assertThat(restarts(running)).isEqualTo(restartsBefore);
        assertThat(rest.get("/taskmanagers").get("taskmanagers").size()).isEqualTo(taskManagers);
        // no window closed early, nothing decided or sent because of them
        assertThat(reader.decisions).hasSize(decisionsBefore);
        assertThat(reader.interventions).hasSize(interventionsBefore);
        assertThat(reader.decisions.keySet()).noneMatch(id -> id.startsWith("attacker"));
    }

    private long restarts(String jobId) throws Exception {
        for (JsonNode m : rest.get("/jobs/" + jobId + "/metrics?get=numRestarts")) {
            return m.get("value").asLong();
        }
        throw new AssertionError("no numRestarts metric for " + jobId);
    }

    /**
     * The value scorer needs a trained model file; the value package's test helper trains a tiny
     * one. Looked up by name so that this test runs on graphs with and without a scorer.
     */
    static List<String> modelSettings() throws Exception {
        String defaults =
                Files.readString(StandaloneCluster.ROOT.resolve("conf/retention-loop.yaml"));
        if (!defaults.contains("model-uri:")) {
            return List.of();
        }
        Path model =
                (Path)
                        Class.forName("io.retentionloop.value.TestModels")
                                .getMethod("tiny", long.class)
                                .invoke(null, 1L);
        return List.of("--set", "value.model-uri=" + model.toUri());
    }

    private List<String> withParallelism(int parallelism) {
        List<String> args = new ArrayList<>(appArgs);
        args.addAll(List.of("--set", "job.parallelism=" + parallelism));
        return args;
    }

    private String state(String jobId) {
        try {
            return rest.jobState(jobId);
        } catch (Exception e) {
            return "UNKNOWN";
        }
    }

    private static String scrape(int port) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://localhost:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    /** Sum of a Prometheus metric's samples whose labels contain {@code label}. */
    static double value(String exposition, String name, String label) {
        return exposition
                .lines()
                .filter(l -> l.startsWith(name + "{") && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = kafka.clientProperties();
        p.put("acks", "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Polls {@code condition}; on timeout fails with the tails of the cluster's logs. */
    private void awaitTrue(BooleanSupplier condition, Duration timeout, String what)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        what + ": not within " + timeout + "\n" + cluster.logTails());
            }
            Thread.sleep(250);
        }
    }

    static void deleteRecursively(Path p) throws Exception {
        if (Files.exists(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** Deterministic events: views and purchases, 1% malformed, 1% negative, 2% duplicates. */
    static final class Generator {
        final SplittableRandom rnd;
        final SnapshotExpectation expectation = new SnapshotExpectation(START);
        final Map<String, List<Long>> purchaseTimes = new HashMap<>();
        final TestEventWriter out = new TestEventWriter(EVENTS, PARTITIONS);

        Generator(SplittableRandom rnd) {
            this.rnd = rnd;
        }

        void produceDays(KafkaProducer<byte[], byte[]> producer, int fromDay, int toDay) {
            for (int day = fromDay; day < toDay; day++) {
                int active = Math.min(USERS, 40 + day * 15);
                for (int i = 0; i < 100; i++) {
                    int u = rnd.nextInt(active);
                    if (u % 7 == 3 && day > 8) {
                        continue; // these users fall silent and expire (expire-after 14d)
                    }
                    String user = String.format("u%04d", u);
                    long t = START + day * DAY + (long) i * (DAY / 100) + rnd.nextInt(1000);
                    boolean purchase = rnd.nextInt(4) == 0;
                    double roll = rnd.nextDouble();
                    byte[] value;
                    if (roll < 0.01) {
                        value = "{\"event_id\":\"broken".getBytes(StandardCharsets.UTF_8);
                    } else if (roll < 0.02) {
                        value = out.json(user, "purchase", t, -3.0);
                    } else {
                        value = out.json(user, purchase ? "purchase" : "view", t, 12.5);
                        expectation.validEvent(user, t);
                        if (purchase) {
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

    /** A read_committed consumer of the snapshot topic, as any downstream reader would be. */
    static final class Reader implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final List<WindowSnapshot> snapshots = new ArrayList<>();

        Reader(String bootstrap) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("isolation.level", "read_committed");
            p.put("auto.offset.reset", "earliest");
            p.put("group.id", "standalone-it-reader");
            consumer =
                    new KafkaConsumer<>(
                            p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(SNAPSHOTS, "decisions", "interventions"));
        }

        /** decision_id → action, per topic, with every arrival counted. */
        final Map<String, Integer> decisions = new HashMap<>();

        final Map<String, Integer> interventions = new HashMap<>();
        final Map<String, String> actions = new HashMap<>();
        private final com.fasterxml.jackson.databind.ObjectMapper json =
                new com.fasterxml.jackson.databind.ObjectMapper();

        boolean poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                if (r.topic().equals(SNAPSHOTS)) {
                    snapshots.add(WindowSnapshotJson.fromJson(r.value()));
                    continue;
                }
                try {
                    var d = json.readTree(r.value());
                    String id = d.get("decision_id").asText();
                    (r.topic().equals("decisions") ? decisions : interventions)
                            .merge(id, 1, Integer::sum);
                    actions.put(id, d.get("action").asText());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
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
