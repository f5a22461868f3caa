package io.retentionloop.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.job.Home;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.RetentionLoopJob;
import io.retentionloop.lifecycle.Features;
import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.local.FlinkRest;
import io.retentionloop.local.LocalFlink;
import io.retentionloop.local.LocalModel;
import io.retentionloop.ops.metrics.InProcessMetrics;
import io.retentionloop.simulate.WorldConfig;
import io.retentionloop.value.model.ClvModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Measures the job against a bare Flink keyed job on the same events in the same process: a fixed
 * event set from the simulator, the real graph through {@link RetentionLoopJob#defineWorkflow}
 * (RocksDB, exactly-once checkpoints, the job's parser and JSON writers; sinks that encode and
 * drop) and {@link BareKeyedJob}, run interleaved ({@code bare, idle, learned, bare, ...}) on one
 * MiniCluster at parallelism 1, each to the last event. Figures are medians with min and max, and
 * ratios against the bare job of the same round, since this machine is shared and noisy. At the end
 * of the last idle run a canonical savepoint gives the keyed state per user, and the idle graph is
 * restored from it (and from a retained checkpoint) to time the restore. Also the value model's
 * scoring against its network alone, at the configured batch size.
 */
public final class Benchmark {
    /** The scenarios a run can include. */
    public static final List<String> SCENARIOS =
            List.of("bare", "idle", "learned", "kafka-bare", "kafka-idle");

    /** What to run. */
    public record Options(
            Path world,
            int users,
            int days,
            long seed,
            Instant start,
            int repeat,
            List<String> scenarios,
            Path out,
            Path model,
            Path config,
            List<String> overrides) {}

    /**
     * One job run to its last event; {@code snapshots} is what it left to restore from (only the
     * last idle run leaves any, else null).
     */
    record Run(
            String scenario,
            int round,
            long events,
            double seconds,
            double cpuSeconds,
            long checkpointP50Ms,
            long checkpointMaxMs,
            long checkpoints,
            long checkpointsFailed,
            long checkpointsRefusedAtStart,
            Map<String, Double> cpuByThread,
            long windowSnapshots,
            double windowEndBusySeconds,
            double windowEndSnapshotsPerS,
            double windowEndSnapshotsPeakPerS,
            Restore.Snapshots snapshots) {
        double eventsPerSecond() {
            return events / seconds;
        }

        double cpuSecondsPerMillion() {
            return cpuSeconds * 1e6 / events;
        }
    }

    private final Options opt;
    private final Consumer<String> say;

    public Benchmark(Options opt, Consumer<String> say) {
        for (String s : opt.scenarios()) {
            if (!SCENARIOS.contains(s)) {
                throw new IllegalArgumentException(
                        "--scenarios: unknown scenario '" + s + "' (one of " + SCENARIOS + ")");
            }
        }
        if (opt.users() <= 0 || opt.days() <= 0 || opt.repeat() <= 0) {
            throw new IllegalArgumentException("--users, --days and --repeat must be > 0");
        }
        this.opt = opt;
        this.say = say;
    }

    /**
     * Runs everything and writes {@code report.json} and {@code report.html} under the output
     * directory; returns the report.
     */
    public JsonNode run() throws Exception {
        List<String> overrides = new ArrayList<>(opt.overrides());
        overrides.add(0, "job.parallelism=1");
        JobConfig config = JobConfig.load(opt.config(), overrides);
        Files.createDirectories(opt.out());
        Path events = opt.out().resolve("events.bin");
        say.accept(
                String.format(
                        "simulating %,d users x %d days (seed %d) into %s",
                        opt.users(), opt.days(), opt.seed(), events));
        EventFile.Stats stats =
                EventFile.write(
                        events,
                        WorldConfig.load(opt.world()),
                        opt.users(),
                        opt.days(),
                        opt.seed(),
                        opt.start(),
                        config.eventRules());
        say.accept(
                String.format(
                        "%,d records, %,d valid events, %,d users",
                        stats.records(), stats.validEvents(), stats.users()));
        Path model =
                opt.model() != null
                        ? opt.model()
                        : LocalModel.ensure(
                                opt.world(),
                                config,
                                opt.seed(),
                                opt.start(),
                                Home.resolve("target/models"));
        List<String> withModel =
                concat(overrides, "value.model-uri=" + model.toAbsolutePath().toUri());
        config = JobConfig.load(opt.config(), withModel);
        ScenarioJobs jobs =
                new ScenarioJobs(
                        config,
                        JobConfig.load(
                                opt.config(),
                                concat(withModel, "learner.updates-per-transition=0")),
                        events,
                        opt.out());

        List<Run> runs = new ArrayList<>();
        BenchmarkReport.StateFigures state = null;
        Configuration flinkConf = flinkConf(opt.out());
        EmbeddedKafka kafka = null;
        double kafkaLoadSeconds = Double.NaN;
        if (opt.scenarios().stream().anyMatch(s -> s.startsWith("kafka-"))) {
            kafka = EmbeddedKafka.startEmpty(opt.out().resolve("kafka"));
            try {
                kafkaLoadSeconds = load(kafka, config, events, stats);
            } catch (Exception e) {
                kafka.close();
                throw e;
            }
            List<String> idleOverrides = concat(withModel, "learner.updates-per-transition=0");
            jobs.useKafka(
                    kafka.bootstrapServers(),
                    more -> {
                        List<String> all = new ArrayList<>(idleOverrides);
                        all.addAll(more);
                        return JobConfig.load(opt.config(), all);
                    });
        }
        try (EmbeddedKafka broker = kafka;
                LocalFlink flink = LocalFlink.start(flinkConf, 1, 4)) {
            Restore.Snapshots snapshots = null;
            for (int round = 1; round <= opt.repeat(); round++) {
                for (String scenario : opt.scenarios()) {
                    boolean capture = round == opt.repeat() && scenario.equals("idle");
                    Run r = runOnce(flink, flinkConf, jobs, scenario, round, stats, capture);
                    snapshots = r.snapshots() != null ? r.snapshots() : snapshots;
                    runs.add(r);
                    say(r);
                }
            }
            if (snapshots != null) {
                state = measureState(flink, flinkConf, jobs, snapshots);
            }
        }
        ObjectNode report =
                BenchmarkReport.json(
                        opt,
                        config,
                        stats,
                        runs,
                        scoring(model, config.value().batchSize()),
                        state);
        if (!Double.isNaN(kafkaLoadSeconds)) {
            report.put("kafka_load_seconds", kafkaLoadSeconds);
        }
        Path file = opt.out().resolve("report.json");
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), report);
        Path html = opt.out().resolve("report.html");
        Files.writeString(html, ReportHtml.render(report, opt.scenarios()));
        say.accept("report: " + file + ", " + html);
        return report;
    }

    /**
     * Creates the job's topics (one partition, records kept forever: the history is old) and writes
     * every record of the event file to the events topic; returns the seconds it took.
     */
    private double load(EmbeddedKafka kafka, JobConfig config, Path events, EventFile.Stats stats)
            throws Exception {
        JobConfig topics = JobConfig.load(opt.config(), JobConfig.retentionForever());
        kafka.createTopics(topics, 1);
        long t0 = System.nanoTime();
        java.util.Properties p = kafka.clientProperties();
        p.put("acks", "1");
        p.put("linger.ms", "20");
        p.put("batch.size", String.valueOf(512 * 1024));
        p.put("compression.type", "lz4");
        String topic = config.topics().events();
        try (var producer =
                new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                        p,
                        new org.apache.kafka.common.serialization.ByteArraySerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            EventFile.forEach(
                    events,
                    (time, value) ->
                            producer.send(
                                    new org.apache.kafka.clients.producer.ProducerRecord<>(
                                            topic, null, time, null, value)));
            producer.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        say.accept(
                String.format(
                        "wrote %,d records to the embedded broker's %s topic in %.1f s",
                        stats.records(), topic, seconds));
        return seconds;
    }

    private void say(Run r) {
        say.accept(
                String.format(
                        "round %d %-8s %,10.0f events/s  %6.1f CPU s per M events"
                                + "  checkpoints p50 %d ms, max %d ms, %d failed"
                                + " (%d not triggered while tasks deployed)",
                        r.round(),
                        r.scenario(),
                        r.eventsPerSecond(),
                        r.cpuSecondsPerMillion(),
                        r.checkpointP50Ms(),
                        r.checkpointMaxMs(),
                        r.checkpointsFailed(),
                        r.checkpointsRefusedAtStart()));
        if (!r.scenario().equals("bare")) {
            say.accept(
                    String.format(
                            "        %,d window snapshots, %,.0f/s over %.1f s of window ends"
                                    + " (peak %,.0f in one second)",
                            r.windowSnapshots(),
                            r.windowEndSnapshotsPerS(),
                            r.windowEndBusySeconds(),
                            r.windowEndSnapshotsPeakPerS()));
        }
        say.accept("        CPU s by thread: " + topThreads(r, 6));
    }

    /**
     * Sizes the savepoint of the last idle run and times the idle graph's restore from it and from
     * the retained checkpoint, and its start without state.
     */
    private BenchmarkReport.StateFigures measureState(
            LocalFlink flink,
            Configuration flinkConf,
            ScenarioJobs jobs,
            Restore.Snapshots snapshots)
            throws Exception {
        StateSize size = StateSize.read(snapshots.savepoint());
        say.accept(
                String.format(
                        "savepoint %s: %,d bytes of keyed state %s, %,d users in state;"
                                + " %,d bytes of operator state %s",
                        snapshots.savepoint(),
                        size.keyedBytes(),
                        size.keyedBytesByUid(),
                        snapshots.usersInState(),
                        size.operatorBytes(),
                        size.operatorBytesByUid()));
        // the same graph started without state too: what of a restore is the job's start alone
        String[] paths = {snapshots.savepoint(), snapshots.checkpoint(), null};
        double[] seconds = new double[paths.length];
        for (int i = 0; i < paths.length; i++) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
            jobs.define(env, "idle");
            seconds[i] = Restore.secondsToRunning(flink, env, "benchmark-restore", paths[i]);
            say.accept(
                    String.format(
                            "%s in %.1f s",
                            paths[i] == null
                                    ? "started without state"
                                    : "restored from " + paths[i],
                            seconds[i]));
        }
        return new BenchmarkReport.StateFigures(
                snapshots.savepoint(),
                size,
                snapshots.usersInState(),
                seconds[0],
                seconds[1],
                seconds[2]);
    }

    /**
     * Runs {@code scenario} to its last event; with {@code capture}, also takes a savepoint and a
     * retained checkpoint of it before cancelling.
     */
    private Run runOnce(
            LocalFlink flink,
            Configuration flinkConf,
            ScenarioJobs jobs,
            String scenario,
            int round,
            EventFile.Stats stats,
            boolean capture)
            throws Exception {
        Configuration jobConf = new Configuration(flinkConf);
        if (capture) {
            jobConf.setString(
                    "execution.checkpointing.externalized-checkpoint-retention",
                    "RETAIN_ON_CANCELLATION");
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(jobConf);
        List<String> counters = jobs.define(env, scenario);
        var os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        InProcessMetrics.clear();
        SnapshotRate snapshots = new SnapshotRate();
        ThreadCpu threads = ThreadCpu.start();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        JobID job = flink.submit(env, "benchmark-" + scenario);
        FlinkRest rest = new FlinkRest(flink.restAddress());
        int polls = 0;
        // checkpoints Flink declines to trigger while tasks still deploy are not failures of a
        // running job: counted apart, until every task runs
        long refusedAtStart = -1;
        while (InProcessMetrics.sum(counters) < stats.validEvents()) {
            if (++polls % 50 == 0 && flink.status(job).isGloballyTerminalState()) {
                throw failed(flink, job, scenario);
            }
            if (refusedAtStart < 0 && allTasksRunning(rest, job)) {
                refusedAtStart = failedCheckpoints(rest, job);
            }
            snapshots.sample(System.nanoTime(), InProcessMetrics.sum(SNAPSHOT_COUNTER));
            Thread.sleep(20);
        }
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        Map<String, Double> cpuByThread = threads.secondsByGroup();
        // window ends the last events trigger come just after them: follow the snapshot counter
        // for a second and then until it has been still for 300 ms (at most 3 s), outside the
        // timed run
        long still = t1;
        long seen = InProcessMetrics.sum(SNAPSHOT_COUNTER);
        while ((System.nanoTime() - t1 < 1e9 || System.nanoTime() - still < 300_000_000L)
                && System.nanoTime() - t1 < 3e9) {
            Thread.sleep(20);
            long n = InProcessMetrics.sum(SNAPSHOT_COUNTER);
            if (n != seen) {
                seen = n;
                still = System.nanoTime();
            }
            snapshots.sample(System.nanoTime(), n);
        }
        snapshots.last(System.nanoTime(), InProcessMetrics.sum(SNAPSHOT_COUNTER));
        JsonNode checkpoints = rest.get("/jobs/" + job + "/checkpoints");
        long failedTotal = checkpoints.path("counts").path("failed").asLong();
        refusedAtStart = Math.max(0, refusedAtStart);
        JsonNode e2e = checkpoints.path("summary").path("end_to_end_duration");
        long completed = checkpoints.path("counts").path("completed").asLong();
        Restore.Snapshots taken =
                capture ? Restore.take(flink, job, opt.out().resolve("savepoints")) : null;
        flink.cancel(job);
        while (!flink.status(job).isGloballyTerminalState()) {
            Thread.sleep(50);
        }
        return new Run(
                scenario,
                round,
                stats.validEvents(),
                (t1 - t0) / 1e9,
                (cpu1 - cpu0) / 1e9,
                e2e.path("p50").asLong(-1),
                e2e.path("max").asLong(-1),
                completed,
                failedTotal - refusedAtStart,
                refusedAtStart,
                cpuByThread,
                snapshots.snapshots(),
                snapshots.busySeconds(),
                snapshots.perSecond(),
                snapshots.peakPerSecond(),
                taken);
    }

    private static boolean allTasksRunning(FlinkRest rest, JobID job) throws Exception {
        JsonNode vertices = rest.get("/jobs/" + job).path("vertices");
        if (vertices.isEmpty()) {
            return false;
        }
        for (JsonNode v : vertices) {
            // a source of no records may have finished already
            String status = v.path("status").asText();
            if (!status.equals("RUNNING") && !status.equals("FINISHED")) {
                return false;
            }
        }
        return true;
    }

    private static long failedCheckpoints(FlinkRest rest, JobID job) throws Exception {
        return rest.get("/jobs/" + job + "/checkpoints").path("counts").path("failed").asLong();
    }

    /** The lifecycle's counter of window snapshots emitted (absent in the bare job: 0). */
    private static final List<String> SNAPSHOT_COUNTER = List.of("windowSnapshots");

    private IllegalStateException failed(LocalFlink flink, JobID job, String scenario)
            throws Exception {
        Throwable cause =
                flink.miniCluster()
                        .requestJobResult(job)
                        .get()
                        .getSerializedThrowable()
                        .map(t -> t.deserializeError(getClass().getClassLoader()))
                        .orElse(null);
        while (cause != null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return new IllegalStateException(
                "benchmark job " + scenario + " ended " + flink.status(job) + ": " + cause);
    }

    /** The {@code n} threads groups that took the most CPU in a run, for the console. */
    private static String topThreads(Run r, int n) {
        StringBuilder b = new StringBuilder();
        r.cpuByThread().entrySet().stream()
                .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .limit(n)
                .forEach(
                        e ->
                                b.append(b.length() == 0 ? "" : ", ")
                                        .append(e.getKey())
                                        .append(String.format(" %.1f", e.getValue())));
        return b.toString();
    }

    /** The model's scoring against its network alone, rows per second at batch {@code batch}. */
    static double[] scoring(Path modelFile, int batch) throws IOException {
        ClvModel model = ClvModel.load(modelFile);
        SplittableRandom rnd = new SplittableRandom(1);
        List<double[]> rows = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            double[] f = new double[Features.SIZE];
            for (int j = 0; j < f.length; j++) {
                f[j] = rnd.nextInt(10);
            }
            rows.add(f);
        }
        float[] flat = new float[batch * Features.SIZE];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) rnd.nextDouble();
        }
        // alternating rounds, the first a warm-up; medians of the rest
        int rounds = 7;
        double[] scorer = new double[rounds - 1];
        double[] network = new double[rounds - 1];
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            for (int n = 0; n < 200; n++) {
                model.predict(rows, model.horizonDays());
            }
            long t1 = System.nanoTime();
            for (int n = 0; n < 200; n++) {
                model.networkOutput(flat, batch);
            }
            long t2 = System.nanoTime();
            if (round > 0) {
                scorer[round - 1] = 200.0 * batch / ((t1 - t0) / 1e9);
                network[round - 1] = 200.0 * batch / ((t2 - t1) / 1e9);
            }
        }
        return new double[] {BenchmarkReport.median(scorer), BenchmarkReport.median(network)};
    }

    /** Managed memory of one slot of the shipped TaskManager, in MB. */
    static final int SLOT_MANAGED_MB = 650;

    private static Configuration flinkConf(Path out) {
        Configuration c = new Configuration();
        c.setString("state.backend.type", "rocksdb");
        c.setString("state.backend.incremental", "true");
        // RocksDB as a slot of the shipped TaskManager has it (conf/config.yaml: 4096m with a
        // managed fraction of 0.4 over 2 slots, about 650 MB a slot; a MiniCluster would give its
        // 4 slots 32 MB each) and with its background threads
        c.setString("taskmanager.memory.managed.size", (4 * SLOT_MANAGED_MB) + "m");
        c.setString("state.backend.rocksdb.thread.num", "2");
        c.setString("execution.checkpointing.dir", out.resolve("checkpoints").toUri().toString());
        c.setString("restart-strategy.type", "none");
        c.setString("rest.bind-address", "localhost");
        c.setString("rest.address", "localhost");
        c.setString("rest.bind-port", "0");
        c.setString("jobmanager.bind-host", "localhost");
        c.setString("taskmanager.bind-host", "localhost");
        c.setString("taskmanager.host", "localhost");
        c.setString(
                "metrics.reporter.benchmark.factory.class",
                InProcessMetrics.Factory.class.getName());
        return c;
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T> list, T... more) {
        List<T> all = new ArrayList<>(list);
        all.addAll(List.of(more));
        return all;
    }
}
