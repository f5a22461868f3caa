package io.retentionloop.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventRules;
import io.retentionloop.job.Home;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.RetentionLoopJob;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.local.LocalFlink;
import io.retentionloop.local.SimulatedHistories;
import io.retentionloop.simulate.RecordKind;
import io.retentionloop.simulate.SimSink;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import io.retentionloop.value.ScoredWindowJson;
import io.retentionloop.value.model.ClvModel;
import io.retentionloop.value.model.ClvTrainer;
import io.retentionloop.value.model.Example;
import io.retentionloop.value.model.TrainingExamples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Makes the savepoint a release keeps for restore-compatibility tests: trains a small value model,
 * starts a Kafka broker in this JVM, simulates a small world (deterministic under its seed) into
 * it, runs the real {@code retention-loop} job on a MiniCluster until every window of the run is
 * closed, stops the job with a savepoint (canonical format) and writes next to it a {@code
 * manifest.json} with what a restore test needs: the job settings, the world's parameters, the end
 * offset of every input topic and each user's state as of the last window.
 */
@Command(
        name = "make-compat-savepoint",
        mixinStandardHelpOptions = true,
        description = {
            "Run the real job on a small simulated world and keep its savepoint for"
                    + " restore-compatibility tests (savepoints/README.md)."
        })
public final class CompatSavepoint implements Callable<Integer> {
    static final long DAY = 86_400_000L;
    static final String MANIFEST = "manifest.json";
    static final String MODEL_FILE = "clv.model";
    static final String SAVEPOINT_DIR = "savepoint";

    @Option(
            names = "--out",
            required = true,
            description = "Directory to write (e.g. savepoints/release-0.1.0); must not exist.")
    Path out;

    @Option(names = "--users", defaultValue = "300", description = "Users (${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--days",
            defaultValue = "42",
            description = "Days simulated before the savepoint, whole windows (${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", defaultValue = "11", description = "World seed (${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start",
            defaultValue = "2025-01-02",
            description = "First day, UTC; a window start (${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(
            names = "--world",
            defaultValue = Home.DEFAULT + "/conf/world.yaml",
            description = "World definition (${DEFAULT-VALUE}).")
    Path world;

    @Option(
            names = "--flink-conf",
            defaultValue = Home.DEFAULT + "/conf",
            description = "Directory with Flink's config.yaml (${DEFAULT-VALUE}).")
    Path flinkConf;

    @Option(names = "--release", required = true, description = "Release that writes it.")
    String release;

    @Option(names = "--commit", defaultValue = "unknown", description = "Git commit of the build.")
    String commit;

    @Option(
            names = "--timeout",
            defaultValue = "5min",
            description = "Give up after (${DEFAULT-VALUE}).")
    String timeout;

    static final int PARTITIONS = 2;

    /** Job settings of the run; the restore test uses the same. */
    static final List<String> JOB_SETTINGS =
            List.of("job.parallelism=2", "job.checkpoint-interval=2s", "job.start-from=earliest");

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " exists; remove it to make a new savepoint");
        }
        Instant begin = start.atStartOfDay(ZoneOffset.UTC).toInstant();
        JobConfig defaults = JobConfig.load(null, JOB_SETTINGS);
        LifecycleRules rules = defaults.lifecycleRules();
        if (rules.windowEndFor(begin.toEpochMilli() - 1) != begin.toEpochMilli()
                || days * DAY % rules.windowMillis() != 0) {
            throw new IllegalArgumentException(
                    "--start must be a window start and --days whole windows");
        }
        Path tmp = Files.createTempDirectory("compat-savepoint");
        Files.createDirectories(out);
        Path model = out.resolve(MODEL_FILE);
        say("training a small value model (seed " + seed + ") into " + model);
        ClvModel clv = trainModel(WorldConfig.load(world), seed, begin);
        clv.save(model);

        say("starting Kafka (KRaft, in-process)");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"))) {
            List<String> settings = new ArrayList<>(JOB_SETTINGS);
            settings.add("kafka.bootstrap-servers=" + kafka.bootstrapServers());
            settings.add("value.model-uri=" + model.toAbsolutePath().toUri());
            settings.addAll(io.retentionloop.local.SimulatedTime.settings());
            // the kept savepoints hold users on the common grid, every window end awaited at once
            settings.add("lifecycle.window-phase-step=0s");
            JobConfig config = JobConfig.load(null, settings);
            kafka.createTopics(config.topics(), PARTITIONS);

            Simulator sim = new Simulator(WorldConfig.load(world), users, seed, begin);
            Feed feed = new Feed(kafka, config);
            feed.days(sim, 0, days, true);
            long end = begin.toEpochMilli() + days * DAY;
            feed.close(end);
            say(
                    String.format(
                            "%d users, %d days: %,d records into %s",
                            users, days, feed.produced, config.topics().events()));

            Configuration conf = flinkConf(flinkConf, tmp);
            try (LocalFlink flink = LocalFlink.start(conf, 1, config.job().parallelism())) {
                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.getExecutionEnvironment(conf);
                RetentionLoopJob.build(env, config);
                JobID job = flink.submit(env, config.job().name());
                say(
                        "job "
                                + job
                                + " running; waiting for every window up to "
                                + Instant.ofEpochMilli(end));
                Duration limit = org.apache.flink.util.TimeUtils.parseDuration(timeout);
                Map<String, WindowSnapshot> last =
                        awaitWindow(kafka, config, end, feed.liveAt(rules, end), limit);
                awaitDecisions(kafka, config, end, last.size(), limit);
                say("stopping with a savepoint");
                String location =
                        flink.miniCluster()
                                .stopWithSavepoint(
                                        job,
                                        tmp.resolve("savepoints").toUri().toString(),
                                        false,
                                        SavepointFormatType.CANONICAL)
                                .get(limit.toMillis(), TimeUnit.MILLISECONDS);
                Path savepoint = Path.of(java.net.URI.create(location));
                Files.move(savepoint, out.resolve(SAVEPOINT_DIR));
                writeManifest(kafka, config, begin, end, clv, last);
            }
        }
        long bytes;
        try (Stream<Path> files = Files.walk(out)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        say(String.format("kept %s (%,d bytes)", out, bytes));
        System.out.println(out.resolve(SAVEPOINT_DIR));
        return 0;
    }

    /** A small value model, trained like the tests' (other users of the same world). */
    static ClvModel trainModel(WorldConfig world, long seed, Instant start) {
        Map<String, List<Event>> history =
                SimulatedHistories.simulate(
                        world, 400, 84, seed + 1_000_003L, start, EventRules.DEFAULTS);
        long s = start.toEpochMilli();
        List<Example> examples =
                TrainingExamples.build(
                        history,
                        new UserLifecycle(LifecycleRules.DEFAULTS),
                        List.of(s + 28 * DAY, s + 42 * DAY, s + 56 * DAY),
                        c -> c + 28 * DAY);
        return new ClvTrainer(new ClvTrainer.Options(seed, 8, 5, 2, 256, 1e-2, 1e-5))
                .train(examples, 28, "compat-" + seed);
    }

    /**
     * Produces simulated days into the events topic with a heartbeat to every partition at each day
     * end, and remembers which users were seen and their valid purchases.
     */
    static final class Feed implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final long maxOutOfOrderness;
        private final io.retentionloop.security.Secret heartbeatKey;
        private final ObjectMapper json = new ObjectMapper();
        final Map<String, Long> firstSeen = new HashMap<>();
        final Map<String, List<Long>> purchases = new HashMap<>();
        long produced;

        Feed(EmbeddedKafka kafka, JobConfig config) {
            Properties p = kafka.clientProperties();
            p.put("acks", "all");
            p.put("enable.idempotence", "true");
            p.put("linger.ms", "20");
            this.producer =
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            this.topic = config.topics().events();
            this.maxOutOfOrderness = config.watermarks().maxOutOfOrderness().toMillis();
            this.heartbeatKey = config.heartbeatKey();
        }

        /** Simulates days {@code [from, to)}; only produces them when {@code send}. */
        void days(Simulator sim, int from, int to, boolean send) {
            SimSink sink =
                    new SimSink() {
                        @Override
                        public void record(
                                String key,
                                byte[] value,
                                long time,
                                RecordKind kind,
                                String badReason) {
                            if (!send) {
                                return;
                            }
                            byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
                            producer.send(new ProducerRecord<>(topic, null, time, k, value));
                            produced++;
                            if (kind == RecordKind.VALID) {
                                remember(key, time, value);
                            }
                        }

                        @Override
                        public void endOfDay(int day, long dayEnd) {
                            if (send) {
                                heartbeat(dayEnd - 1);
                            }
                        }
                    };
            for (int day = from; day < to; day++) {
                sim.simulateDay(day, sink);
            }
        }

        private void remember(String user, long time, byte[] value) {
            firstSeen.merge(user, time, Math::min);
            try {
                JsonNode n = json.readTree(value);
                if ("purchase".equals(n.path("type").asText())) {
                    purchases.computeIfAbsent(user, u -> new ArrayList<>()).add(time);
                }
            } catch (IOException e) {
                throw new IllegalStateException("a valid event that is not JSON", e);
            }
        }

        /**
         * One heartbeat past the out-of-orderness bound: every window ending by {@code end} closes.
         */
        void close(long end) {
            heartbeat(end + maxOutOfOrderness);
            producer.flush();
        }

        void heartbeat(long time) {
            int partitions = producer.partitionsFor(topic).size();
            io.retentionloop.job.KafkaIO.sendHeartbeats(
                    producer, topic, partitions, time, heartbeatKey);
            produced += partitions;
        }

        /** Users seen before {@code windowEnd}: those with a snapshot there. */
        Set<String> liveAt(LifecycleRules rules, long windowEnd) {
            Set<String> live = new java.util.TreeSet<>();
            firstSeen.forEach(
                    (u, t) -> {
                        if (rules.windowEndFor(u, t) <= windowEnd) {
                            live.add(u);
                        }
                    });
            return live;
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    /** Reads window snapshots until every live user's snapshot at {@code windowEnd} is there. */
    static Map<String, WindowSnapshot> awaitWindow(
            EmbeddedKafka kafka,
            JobConfig config,
            long windowEnd,
            Set<String> expected,
            Duration limit)
            throws InterruptedException {
        Map<String, WindowSnapshot> at = new TreeMap<>();
        readUntil(
                kafka,
                config.topics().windowSnapshots(),
                limit,
                r -> {
                    WindowSnapshot s = ScoredWindowJson.fromJson(r.value()).snapshot;
                    if (s.windowEnd == windowEnd) {
                        at.put(s.userId, s);
                    }
                    return at.keySet().containsAll(expected);
                },
                "snapshots of " + expected.size() + " users at " + Instant.ofEpochMilli(windowEnd));
        return at;
    }

    /** Reads the decision log until {@code n} decisions at {@code windowEnd} are committed. */
    static void awaitDecisions(
            EmbeddedKafka kafka, JobConfig config, long windowEnd, int n, Duration limit)
            throws InterruptedException {
        String end = "\"window_end\":\"" + Instant.ofEpochMilli(windowEnd) + "\"";
        Set<String> seen = new java.util.HashSet<>();
        readUntil(
                kafka,
                config.topics().decisions(),
                limit,
                r -> {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    if (v.contains(end)) {
                        seen.add(new String(r.key(), StandardCharsets.UTF_8));
                    }
                    return seen.size() >= n;
                },
                n + " decisions at " + Instant.ofEpochMilli(windowEnd));
    }

    /** Reads a topic from the start (read_committed) until {@code done} says so. */
    static void readUntil(
            EmbeddedKafka kafka,
            String topic,
            Duration limit,
            Predicate<ConsumerRecord<byte[], byte[]>> done,
            String what)
            throws InterruptedException {
        Properties p = kafka.clientProperties();
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("group.id", "compat-savepoint-" + System.nanoTime());
        long deadline = System.nanoTime() + limit.toNanos();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (done.test(r)) {
                        return;
                    }
                }
            }
        }
        throw new IllegalStateException("timed out waiting for " + what + " on " + topic);
    }

    /** End offsets of every partition of {@code topic}. */
    static List<Long> endOffsets(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            int n =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions()
                            .size();
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int i = 0; i < n; i++) {
                specs.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            var offsets = admin.listOffsets(specs).all().get();
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(offsets.get(new TopicPartition(topic, i)).offset());
            }
            return out;
        }
    }

    private void writeManifest(
            EmbeddedKafka kafka,
            JobConfig config,
            Instant begin,
            long end,
            ClvModel clv,
            Map<String, WindowSnapshot> last)
            throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("release", release);
        root.put("commit", commit);
        root.put("flink", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        root.put("created", Instant.now().toString());
        root.put(
                "command",
                String.format(
                        "jobs/make-compat-savepoint.sh --out %s --users %d --days %d --seed %d"
                                + " --start %s",
                        out, users, days, seed, start));
        root.put("savepoint", SAVEPOINT_DIR);
        root.put("format", "canonical");
        ObjectNode mod = root.putObject("model");
        mod.put("file", MODEL_FILE);
        mod.put("version", clv.version());
        mod.put("sha256", ClvModel.sha256(Files.readAllBytes(out.resolve(MODEL_FILE))));
        ObjectNode w = root.putObject("world");
        w.put("file", world.toString());
        w.put("users", users);
        w.put("seed", seed);
        w.put("start", begin.toString());
        w.put("days", days);
        ArrayNode js = root.putArray("job_settings");
        JOB_SETTINGS.forEach(js::add);
        root.put("last_window_end", Instant.ofEpochMilli(end).toString());
        ObjectNode topics = root.putObject("input_topic_end_offsets");
        for (String t :
                List.of(
                        config.topics().events(),
                        config.topics().models(),
                        config.topics().policy())) {
            ArrayNode a = topics.putArray(t);
            endOffsets(kafka, t).forEach(a::add);
        }
        ObjectNode u = root.putObject("users_at_last_window");
        for (WindowSnapshot s : last.values()) {
            ObjectNode n = u.putObject(s.userId);
            n.put("stage", s.stage.name().toLowerCase(java.util.Locale.ROOT));
            n.put("purchases", (long) s.feature("purchases"));
            n.put("tenure_days", s.feature("tenure_days"));
        }
        m.writeValue(out.resolve(MANIFEST).toFile(), root);
    }

    /** conf/config.yaml without what only applies to separate processes; dirs under {@code tmp}. */
    static Configuration flinkConf(Path confDir, Path tmp) {
        Configuration c =
                Files.isDirectory(confDir)
                        ? GlobalConfiguration.loadConfiguration(confDir.toString())
                        : new Configuration();
        for (String key : c.keySet()) {
            if (key.startsWith("jobmanager.")
                    || key.startsWith("taskmanager.")
                    || key.startsWith("env.")
                    || key.startsWith("metrics.reporter")) {
                c.removeKey(key);
            }
        }
        c.setString("execution.checkpointing.dir", tmp.resolve("checkpoints").toUri().toString());
        c.setString(
                "execution.checkpointing.savepoint-dir",
                tmp.resolve("savepoints").toUri().toString());
        c.setString("rest.bind-port", "0");
        return c;
    }

    private static void say(String message) {
        System.out.println("[make-compat-savepoint] " + message);
    }
}
