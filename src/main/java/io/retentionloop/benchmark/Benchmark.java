package io.retentionloop.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.agent.DecisionJson;
import io.retentionloop.agent.OutcomeJson;
import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.events.Ingested;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.JobEnvironment;
import io.retentionloop.job.RetentionLoopJob;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.lifecycle.Features;
import io.retentionloop.local.FlinkRest;
import io.retentionloop.local.LocalFlink;
import io.retentionloop.local.LocalModel;
import io.retentionloop.security.Secret;
import io.retentionloop.security.Signer;
import io.retentionloop.simulate.WorldConfig;
import io.retentionloop.value.ModelRef;
import io.retentionloop.value.ScoredWindowJson;
import io.retentionloop.value.model.ClvModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Measures the job against a bare Flink keyed job on the same events in the same process: a fixed
 * event set from the simulator, the real graph through {@link RetentionLoopJob#defineWorkflow}
 * (RocksDB, exactly-once checkpoints, the job's parser and JSON writers; sinks that encode and
 * drop) and {@link BareKeyedJob}, run interleaved ({@code bare, idle, learned, bare, ...}) on one
 * MiniCluster at parallelism 1, each to the last event. Figures are medians with min and max, and
 * ratios against the bare job of the same round, since this machine is shared and noisy. Also the
 * value model's scoring against its network alone, at the configured batch size.
 */
public final class Benchmark {
    /** The scenarios a run can include. */
    public static final List<String> SCENARIOS = List.of("bare", "idle", "learned");

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

    /** One job run to its last event. */
    record Run(
            String scenario,
            int round,
            long events,
            double seconds,
            double cpuSeconds,
            long checkpointP50Ms,
            long checkpointMaxMs,
            long checkpoints,
            Map<String, Double> cpuByThread) {
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

    /** Runs everything and writes {@code report.json} under the output directory; returns it. */
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
                                Path.of("target", "models"));
        config =
                JobConfig.load(
                        opt.config(),
                        concat(overrides, "value.model-uri=" + model.toAbsolutePath().toUri()));

        List<Run> runs = new ArrayList<>();
        Configuration flinkConf = flinkConf(opt.out());
        try (LocalFlink flink = LocalFlink.start(flinkConf, 1, 4)) {
            for (int round = 1; round <= opt.repeat(); round++) {
                for (String scenario : opt.scenarios()) {
                    Run r = runOnce(flink, flinkConf, config, scenario, round, events, stats);
                    runs.add(r);
                    say.accept(
                            String.format(
                                    "round %d %-8s %,10.0f events/s  %6.1f CPU s per M events"
                                            + "  checkpoints p50 %d ms, max %d ms",
                                    round,
                                    scenario,
                                    r.eventsPerSecond(),
                                    r.cpuSecondsPerMillion(),
                                    r.checkpointP50Ms(),
                                    r.checkpointMaxMs()));
                    say.accept("        CPU s by thread: " + topThreads(r, 6));
                }
            }
        }
        ObjectNode report = report(config, stats, runs, scoring(model, config.value().batchSize()));
        Path file = opt.out().resolve("report.json");
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), report);
        say.accept("report: " + file);
        return report;
    }

    private Run runOnce(
            LocalFlink flink,
            Configuration flinkConf,
            JobConfig config,
            String scenario,
            int round,
            Path events,
            EventFile.Stats stats)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
        FileSource<Ingested> source =
                FileSource.forRecordStreamFormat(
                                new EventFileFormat(config.eventRules()),
                                new org.apache.flink.core.fs.Path(events.toUri()))
                        // unbounded: the end of the file is no end of event time (a bounded
                        // source's final watermark would close every user's windows to expiry)
                        .monitorContinuously(Duration.ofMillis(100))
                        .build();
        List<String> counters;
        if (scenario.equals("bare")) {
            BareKeyedJob.define(env, config, source);
            counters = List.of(BareKeyedJob.COUNTER);
        } else {
            JobConfig c =
                    scenario.equals("idle")
                            ? JobConfig.load(
                                    opt.config(),
                                    concat(
                                            concat(opt.overrides(), "job.parallelism=1"),
                                            "value.model-uri=" + config.value().modelUri(),
                                            "learner.updates-per-transition=0"))
                            : config;
            JobEnvironment.configure(env, c);
            RetentionLoopJob.defineWorkflow(env, c, sources(source), sinks(c));
            counters = List.of("eventsAccepted", "duplicatesDropped", "lateEvents");
        }
        var os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        InProcessCounters.clear();
        ThreadCpu threads = ThreadCpu.start();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        JobID job = flink.submit(env, "benchmark-" + scenario);
        FlinkRest rest = new FlinkRest(flink.restAddress());
        int polls = 0;
        while (InProcessCounters.sum(counters) < stats.validEvents()) {
            if (++polls % 50 == 0 && flink.status(job).isGloballyTerminalState()) {
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
                throw new IllegalStateException(
                        "benchmark job " + scenario + " ended " + flink.status(job) + ": " + cause);
            }
            Thread.sleep(20);
        }
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        Map<String, Double> cpuByThread = threads.secondsByGroup();
        JsonNode summary = rest.get("/jobs/" + job + "/checkpoints").path("summary");
        JsonNode e2e = summary.path("end_to_end_duration");
        long completed =
                rest.get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong();
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
                cpuByThread);
    }

    private RetentionLoopJob.Sources sources(FileSource<Ingested> events) throws IOException {
        Path empty = opt.out().resolve("empty");
        if (!Files.exists(empty)) {
            Files.createFile(empty);
        }
        return new RetentionLoopJob.Sources(
                events, none(empty, ModelRef.class), none(empty, PolicySnapshot.class));
    }

    /** A bounded source of no records: no model announcements, no policies from outside. */
    private static <T> FileSource<T> none(Path empty, Class<T> type) {
        return FileSource.forRecordStreamFormat(
                        new org.apache.flink.connector.file.src.reader.SimpleStreamFormat<T>() {
                            @Override
                            public Reader<T> createReader(
                                    Configuration config,
                                    org.apache.flink.core.fs.FSDataInputStream in) {
                                return new Reader<>() {
                                    @Override
                                    public T read() {
                                        return null;
                                    }

                                    @Override
                                    public void close() throws IOException {
                                        in.close();
                                    }
                                };
                            }

                            @Override
                            public TypeInformation<T> getProducedType() {
                                return TypeInformation.of(type);
                            }
                        },
                        new org.apache.flink.core.fs.Path(empty.toUri()))
                .build();
    }

    private static RetentionLoopJob.Sinks sinks(JobConfig config) {
        DecisionJson decisions = new DecisionJson(config.catalogue());
        Signer signer = new Signer(Secret.random());
        return new RetentionLoopJob.Sinks(
                new DiscardingSink<>(DeadLetterJson::toJson),
                new DiscardingSink<>(ScoredWindowJson::toJson),
                new DiscardingSink<>(decisions::toJson),
                new DiscardingSink<>(decisions::toJson),
                new DiscardingSink<>(OutcomeJson::toJson),
                new DiscardingSink<>(s -> s.toBytes(signer)));
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
        return new double[] {median(scorer), median(network)};
    }

    private ObjectNode report(
            JobConfig config, EventFile.Stats stats, List<Run> runs, double[] scoring) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode r = m.createObjectNode();
        r.put("date", Instant.now().toString());
        r.put("users", opt.users());
        r.put("days", opt.days());
        r.put("seed", opt.seed());
        r.put("repeat", opt.repeat());
        r.put("records", stats.records());
        r.put("events", stats.validEvents());
        r.put("users_with_events", stats.users());
        r.put("parallelism", 1);
        r.put("checkpoint_interval_ms", config.job().checkpointInterval().toMillis());
        r.put("cores", Runtime.getRuntime().availableProcessors());
        putMedian(r, "bare_events_per_s", runs, "bare", Run::eventsPerSecond);
        putMedian(r, "graph_events_per_s", runs, "idle", Run::eventsPerSecond);
        putMedian(r, "graph_learner_on_events_per_s", runs, "learned", Run::eventsPerSecond);
        putRatio(r, "graph_to_bare_ratio", runs, "idle", "bare");
        putRatio(r, "graph_learner_on_to_bare_ratio", runs, "learned", "bare");
        putRatio(r, "learner_on_to_off_ratio", runs, "learned", "idle");
        ObjectNode cpu = r.putObject("cpu_s_per_million_events");
        for (String s : opt.scenarios()) {
            double[] v = values(runs, s, Run::cpuSecondsPerMillion);
            cpu.put(s, median(v));
        }
        ObjectNode cp = r.putObject("checkpoint_duration_ms");
        for (String s : opt.scenarios()) {
            ObjectNode c = cp.putObject(s);
            c.put("p50", median(values(runs, s, x -> x.checkpointP50Ms())));
            c.put("max", Arrays.stream(values(runs, s, x -> x.checkpointMaxMs())).max().orElse(-1));
        }
        r.put("scoring_batch_size", config.value().batchSize());
        r.put("scorer_rows_per_s", scoring[0]);
        r.put("network_rows_per_s", scoring[1]);
        r.put("scorer_to_network_ratio", scoring[0] / scoring[1]);
        ArrayNode all = r.putArray("runs");
        for (Run run : runs) {
            ObjectNode n = all.addObject();
            n.put("scenario", run.scenario());
            n.put("round", run.round());
            n.put("events_per_s", run.eventsPerSecond());
            n.put("seconds", run.seconds());
            n.put("cpu_s_per_million_events", run.cpuSecondsPerMillion());
            n.put("checkpoints", run.checkpoints());
            n.put("checkpoint_p50_ms", run.checkpointP50Ms());
            n.put("checkpoint_max_ms", run.checkpointMaxMs());
            ObjectNode threads = n.putObject("cpu_s_by_thread");
            run.cpuByThread().entrySet().stream()
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .forEach(e -> threads.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
        }
        return r;
    }

    private static void putMedian(
            ObjectNode r,
            String key,
            List<Run> runs,
            String scenario,
            java.util.function.ToDoubleFunction<Run> f) {
        double[] v = values(runs, scenario, f);
        if (v.length == 0) {
            return;
        }
        r.put(key, median(v));
        r.put(key + "_min", Arrays.stream(v).min().orElseThrow());
        r.put(key + "_max", Arrays.stream(v).max().orElseThrow());
    }

    /** Median over rounds of {@code a}'s events/s over {@code b}'s in the same round. */
    private static void putRatio(ObjectNode r, String key, List<Run> runs, String a, String b) {
        List<Double> ratios = new ArrayList<>();
        for (Run x : runs) {
            if (!x.scenario().equals(a)) {
                continue;
            }
            for (Run y : runs) {
                if (y.scenario().equals(b) && y.round() == x.round()) {
                    ratios.add(x.eventsPerSecond() / y.eventsPerSecond());
                }
            }
        }
        if (!ratios.isEmpty()) {
            r.put(key, median(ratios.stream().mapToDouble(Double::doubleValue).toArray()));
        }
    }

    private static double[] values(
            List<Run> runs, String scenario, java.util.function.ToDoubleFunction<Run> f) {
        return runs.stream().filter(x -> x.scenario().equals(scenario)).mapToDouble(f).toArray();
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static Configuration flinkConf(Path out) {
        Configuration c = new Configuration();
        c.setString("state.backend.type", "rocksdb");
        c.setString("state.backend.incremental", "true");
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
                InProcessCounters.Factory.class.getName());
        return c;
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T> list, T... more) {
        List<T> all = new ArrayList<>(list);
        all.addAll(List.of(more));
        return all;
    }
}
