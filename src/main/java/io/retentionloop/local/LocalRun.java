package io.retentionloop.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.retentionloop.job.Home;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.KafkaIO;
import io.retentionloop.job.RetentionLoopJob;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.simulate.RecordKind;
import io.retentionloop.simulate.SimSink;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The embedded default: a real Kafka broker in this JVM, the simulator producing into it, and the
 * {@code retention-loop} job on a local MiniCluster with RocksDB, checkpoints, the web UI and the
 * Prometheus endpoint. Ends with a summary checked against what was produced.
 */
public final class LocalRun {
    private static final long DAY = 86_400_000L;

    /** What to run. */
    public record Options(
            int users,
            int days,
            long seed,
            Instant start,
            Path world,
            Path config,
            List<String> overrides,
            Path flinkConf,
            int partitions,
            Path out,
            Duration timeout,
            String policy) {}

    private final Options opt;
    private final Map<String, Long> produced = new TreeMap<>();

    /**
     * The world's expected purchases over the model's horizon, for tracked users at window ends.
     */
    private final Map<String, Double> truth = new java.util.HashMap<>();

    private ClosedLoop loop;
    private io.retentionloop.security.Secret heartbeatKey;

    private final AtomicLong producedTotal = new AtomicLong();

    public LocalRun(Options opt) {
        this.opt = opt;
    }

    /** Runs the whole thing; returns the process exit code (0 when every check passed). */
    public int run() throws Exception {
        Files.createDirectories(opt.out());
        // every run starts from a clean broker and no checkpoints: a previous (perhaps killed)
        // run's Kafka log would carry another cluster id and old events
        deleteRecursively(opt.out().resolve("checkpoints"));
        WorldConfig world = WorldConfig.load(opt.world());
        long t0 = System.nanoTime();
        Path model =
                LocalModel.ensure(
                        opt.world(),
                        JobConfig.load(opt.config(), opt.overrides()),
                        opt.seed(),
                        opt.start(),
                        Home.resolve("target/models"));
        say("starting Kafka (KRaft, in-process)");
        try (EmbeddedKafka kafka = EmbeddedKafka.startEmpty(opt.out().resolve("kafka"))) {
            List<String> overrides = new ArrayList<>();
            overrides.add("kafka.bootstrap-servers=" + kafka.bootstrapServers());
            overrides.add("value.model-uri=" + model.toAbsolutePath().toUri());
            // the oracle acts from here (it needs the world's latent state); the job logs "none"
            overrides.add(
                    "agent.policy=" + (opt.policy().equals("oracle") ? "none" : opt.policy()));
            // the simulator moves event time on with signed heartbeats to every partition
            overrides.addAll(SimulatedTime.settings());
            overrides.add("job.checkpoint-interval=2s");
            overrides.add("job.start-from=earliest");
            // simulated history carries old timestamps, which a finite retention deletes at once
            overrides.addAll(JobConfig.retentionForever());
            // a simulated week passes in seconds: the learner may use a whole core, and the run
            // waits for it to finish the updates a week earned before the next window closes
            // (awaitLearner), as a real week would allow
            overrides.add("learner.compute-share=1");
            overrides.add("learner.max-backlog=" + Integer.MAX_VALUE);
            overrides.addAll(opt.overrides());
            JobConfig config = JobConfig.load(opt.config(), overrides);
            long step = config.lifecycleRules().windowPhaseStep().toMillis();
            if (step % DAY != 0) {
                throw new IllegalArgumentException(
                        "lifecycle.window-phase-step must be whole days (or 0s) in a simulation,"
                                + " which lives day by day");
            }
            JobConfig.Topics t = config.topics();
            kafka.createTopics(config, opt.partitions());
            say("Kafka at " + kafka.bootstrapServers());

            Configuration flinkConf = flinkConf(config);
            try (LocalFlink flink = LocalFlink.start(flinkConf, 1, config.job().parallelism())) {
                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
                RetentionLoopJob.build(env, config);
                JobID job = flink.submit(env, config.job().name());
                URI rest = flink.restAddress();
                say(
                        "job "
                                + job
                                + " running; web UI "
                                + rest
                                + ", Prometheus metrics on localhost:"
                                + flinkConf.getString("metrics.reporter.prom.port", "-"));
                return runJob(world, kafka, config, flink, job, rest, t0);
            }
        }
    }

    private int runJob(
            WorldConfig world,
            EmbeddedKafka kafka,
            JobConfig config,
            LocalFlink flink,
            JobID job,
            URI rest,
            long t0)
            throws Exception {
        JobConfig.Topics t = config.topics();
        try (TopicTally tally =
                new TopicTally(
                        kafka.clientProperties(),
                        t.windowSnapshots(),
                        t.deadLetters(),
                        t.decisions(),
                        t.outcomes(),
                        config.catalogue(),
                        this::tracked)) {
            SnapshotExpectation expectation = new SnapshotExpectation(opt.start().toEpochMilli());
            long simEnd =
                    simulate(
                            world,
                            kafka,
                            config,
                            expectation,
                            tally,
                            () -> flink.miniCluster().triggerCheckpoint(job));
            Map<Long, Long> expected = expectation.expected(config.lifecycleRules(), simEnd);
            long expectedTotal = expected.values().stream().mapToLong(Long::longValue).sum();
            say("simulation done: " + producedTotal.get() + " records; waiting for the job");
            waitForSnapshots(tally, expectedTotal, config.lifecycleRules(), simEnd);
            if (flink.status(job).isGloballyTerminalState()) {
                throw new IllegalStateException("job ended early: " + flink.status(job));
            }
            Map<String, Double> metrics = awaitAccounted(new FlinkRest(rest), job, tally);
            RunSummary summary =
                    RunSummary.of(
                            opt,
                            produced,
                            tally,
                            metrics,
                            expected,
                            expectation.users(),
                            truth,
                            loop,
                            (System.nanoTime() - t0) / 1e9);
            say("stopping the job");
            flink.cancel(job);
            return summary.report(opt.out().resolve("summary.json"));
        } finally {
            flink.cancel(job);
        }
    }

    private Configuration flinkConf(JobConfig config) {
        Configuration c =
                Files.isDirectory(opt.flinkConf())
                        ? GlobalConfiguration.loadConfiguration(opt.flinkConf().toString())
                        : new Configuration();
        // processes, memory and addresses of a real cluster do not apply inside this JVM
        for (String key : c.keySet()) {
            if (key.startsWith("jobmanager.")
                    || key.startsWith("taskmanager.")
                    || key.startsWith("env.")) {
                c.removeKey(key);
            }
        }
        // everything this JVM listens on stays on loopback: RPC, the blob server (which follows
        // jobmanager.bind-host and otherwise takes the wildcard address), the task manager's data
        // port, the REST API and the metrics reporter (metrics.reporter.prom.host of the file)
        c.setString("jobmanager.bind-host", "localhost");
        c.setString("jobmanager.rpc.address", "localhost");
        c.setString("taskmanager.bind-host", "localhost");
        c.setString("taskmanager.host", "localhost");
        c.setString("rest.bind-address", "localhost");
        c.setString("rest.address", "localhost");
        String dir = opt.out().toAbsolutePath().toUri().toString();
        c.setString("execution.checkpointing.dir", dir + "checkpoints");
        c.setString("execution.checkpointing.savepoint-dir", dir + "savepoints");
        c.setString("rest.bind-port", c.getString("rest.port", "8081") + "-8099");
        c.setString("metrics.fetcher.update-interval", "500");
        // the learner's lockstep reads its metrics in this process (LearnerProgress)
        c.setString(
                "metrics.reporter.inprocess.factory.class",
                io.retentionloop.ops.metrics.InProcessMetrics.Factory.class.getName());
        c.setString("taskmanager.numberOfTaskSlots", String.valueOf(config.job().parallelism()));
        return c;
    }

    /** Produces every simulated day into the events topic, with heartbeats at each day end. */
    private long simulate(
            WorldConfig world,
            EmbeddedKafka kafka,
            JobConfig config,
            SnapshotExpectation expectation,
            TopicTally tally,
            Supplier<CompletableFuture<?>> checkpoint)
            throws Exception {
        Properties p = kafka.clientProperties();
        p.put("acks", "all");
        p.put("linger.ms", "20");
        p.put("batch.size", String.valueOf(256 * 1024));
        p.put("compression.type", "lz4");
        p.put("max.request.size", String.valueOf(4 * 1024 * 1024));
        String topic = config.topics().events();
        heartbeatKey = config.heartbeatKey();
        Simulator sim = new Simulator(world, opt.users(), opt.seed(), opt.start());
        loop = new ClosedLoop(sim, config, opt.policy(), opt.start().toEpochMilli(), opt.days());
        long lastReport = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            SimSink sink =
                    new SimSink() {
                        @Override
                        public void record(
                                String key,
                                byte[] value,
                                long time,
                                RecordKind kind,
                                String badReason) {
                            byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
                            producer.send(new ProducerRecord<>(topic, null, time, k, value));
                            produced.merge(
                                    kind == RecordKind.BAD ? "bad:" + badReason : kind.name(),
                                    1L,
                                    Long::sum);
                            producedTotal.incrementAndGet();
                            if (kind == RecordKind.VALID) {
                                expectation.validEvent(key, time);
                            }
                        }

                        @Override
                        public void endOfDay(int day, long dayEnd) {
                            heartbeat(producer, topic, dayEnd - 1);
                            if (config.lifecycleRules().anyWindowEndsAt(dayEnd)) {
                                recordTruth(sim, config.lifecycleRules(), dayEnd);
                            }
                        }
                    };
            for (int day = 0; day < opt.days(); day++) {
                sim.simulateDay(day, sink);
                long dayEnd = opt.start().toEpochMilli() + (day + 1) * DAY;
                if (config.lifecycleRules().anyWindowEndsAt(dayEnd)) {
                    if (opt.policy().equals("learned")) {
                        LearnerProgress.awaitCaughtUp(opt.timeout());
                    }
                    // close the window now (nothing earlier will come), wait for the job's
                    // decisions, and let the world react before it lives another day
                    heartbeat(
                            producer,
                            topic,
                            dayEnd + config.watermarks().maxOutOfOrderness().toMillis());
                    producer.flush();
                    long expected = expectation.expectedAt(config.lifecycleRules(), dayEnd);
                    loop.react(
                            dayEnd,
                            tally.awaitDecisions(dayEnd, expected, opt.timeout(), checkpoint));
                }
                if (System.nanoTime() - lastReport > 2_000_000_000L || day == opt.days() - 1) {
                    lastReport = System.nanoTime();
                    say(
                            String.format(
                                    "day %d/%d  produced %,d  window snapshots read %,d"
                                            + "  dead letters read %,d",
                                    day + 1,
                                    opt.days(),
                                    producedTotal.get(),
                                    tally.snapshots(),
                                    tally.deadLetters()));
                }
            }
            long simEnd = opt.start().toEpochMilli() + opt.days() * DAY;
            // one heartbeat past the out-of-orderness bound closes every window ending by simEnd
            heartbeat(producer, topic, simEnd + config.watermarks().maxOutOfOrderness().toMillis());
            producer.flush();
            return simEnd;
        }
    }

    /** About 2,000 users whose predictions are compared with the world's truth. */
    private boolean tracked(String userId) {
        return Math.floorMod(userId.hashCode(), Math.max(1, opt.users() / 2000)) == 0;
    }

    private void recordTruth(Simulator sim, LifecycleRules rules, long windowEnd) {
        for (int i = 0; i < sim.users(); i++) {
            String user = sim.userId(i);
            if (tracked(user) && rules.windowEndFor(user, windowEnd - 1) == windowEnd) {
                truth.put(
                        user + "@" + windowEnd,
                        sim.expectedPurchases(user, windowEnd, LocalModel.HORIZON_DAYS));
            }
        }
    }

    private void heartbeat(KafkaProducer<byte[], byte[]> producer, String topic, long time) {
        KafkaIO.sendHeartbeats(producer, topic, opt.partitions(), time, heartbeatKey);
    }

    private void waitForSnapshots(
            TopicTally tally, long expectedTotal, LifecycleRules rules, long simEnd)
            throws InterruptedException {
        long deadline = System.nanoTime() + opt.timeout().toNanos();
        // the last window end of some user at or before the end
        long lastWindow = simEnd;
        for (int i = 0; i < rules.windowMillis() / DAY && !rules.anyWindowEndsAt(lastWindow); i++) {
            lastWindow -= DAY;
        }
        long lastReport = 0;
        while (System.nanoTime() < deadline) {
            if (tally.snapshots() >= expectedTotal && tally.latestWindowEnd() >= lastWindow) {
                return;
            }
            if (System.nanoTime() - lastReport > 2_000_000_000L) {
                lastReport = System.nanoTime();
                say(
                        String.format(
                                "window snapshots %,d of %,d expected, latest window %s",
                                tally.snapshots(),
                                expectedTotal,
                                tally.latestWindowEnd() == Long.MIN_VALUE
                                        ? "-"
                                        : Instant.ofEpochMilli(tally.latestWindowEnd())));
            }
            Thread.sleep(200);
        }
        say("timed out after " + opt.timeout() + " waiting for window snapshots");
    }

    /**
     * Waits until every produced record is accounted for (accepted, dead-lettered as read from the
     * committed topic, or dropped as a duplicate): the last days' output commits with later
     * checkpoints. Gives up after the timeout; the summary's check then fails.
     */
    private Map<String, Double> awaitAccounted(FlinkRest rest, JobID job, TopicTally tally)
            throws Exception {
        long deadline = System.nanoTime() + opt.timeout().toNanos();
        Map<String, Double> metrics = stableMetrics(rest, job);
        while (System.nanoTime() < deadline) {
            long accounted =
                    (long) FlinkRest.total(metrics, ".eventsAccepted")
                            + (long) FlinkRest.total(metrics, ".duplicatesDropped")
                            + tally.deadLetters();
            if (accounted >= producedTotal.get()) {
                return metrics;
            }
            Thread.sleep(1000);
            metrics = stableMetrics(rest, job);
        }
        say("timed out waiting for every produced record to be accounted for");
        return metrics;
    }

    /** The job's counters, read until two reads agree (the REST metrics lag a little). */
    private static Map<String, Double> stableMetrics(FlinkRest rest, JobID job) throws Exception {
        List<String> wanted =
                List.of(
                        ".eventsValid",
                        ".heartbeats",
                        ".deadLettered",
                        ".eventsAccepted",
                        ".duplicatesDropped",
                        ".lateEvents",
                        ".windowSnapshots",
                        ".usersExpired",
                        ".users",
                        ".usersByStage",
                        ".windowsScored");
        Map<String, Double> previous = Map.of();
        for (int i = 0; i < 30; i++) {
            Map<String, Double> now = rest.sumMetrics(job.toString(), wanted);
            if (!now.isEmpty() && now.equals(previous)) {
                return now;
            }
            previous = now;
            Thread.sleep(1000);
        }
        return previous;
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void say(String message) {
        System.out.println("[local] " + message);
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
