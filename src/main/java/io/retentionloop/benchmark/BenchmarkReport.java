package io.retentionloop.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.benchmark.Benchmark.Run;
import io.retentionloop.job.JobConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's {@code report.json}: medians with min and max over rounds, ratios taken round by
 * round, the state and restore figures of the last idle run, the scoring figures and every run.
 */
final class BenchmarkReport {
    /**
     * Savepoint size and restore times, measured once after the last idle run; the start of the
     * same graph without state as the yardstick of the restores.
     */
    record StateFigures(
            String savepoint,
            StateSize size,
            long usersInState,
            double restoreSeconds,
            double restoreSecondsCheckpoint,
            double startSecondsWithoutState) {
        double bytesPerUser() {
            return usersInState > 0 ? (double) size.keyedBytes() / usersInState : Double.NaN;
        }
    }

    private BenchmarkReport() {}

    static ObjectNode json(
            Benchmark.Options opt,
            JobConfig config,
            EventFile.Stats stats,
            List<Run> runs,
            double[] scoring,
            StateFigures state) {
        ObjectNode r = new ObjectMapper().createObjectNode();
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
        // Kafka to Kafka: the same jobs reading the embedded broker and (the graph) writing it
        // with exactly-once sinks, and what the connector costs against the file source
        putMedian(r, "kafka_bare_events_per_s", runs, "kafka-bare", Run::eventsPerSecond);
        putMedian(r, "kafka_graph_events_per_s", runs, "kafka-idle", Run::eventsPerSecond);
        putRatio(r, "kafka_graph_to_bare_ratio", runs, "kafka-idle", "bare");
        putRatio(r, "kafka_graph_to_kafka_bare_ratio", runs, "kafka-idle", "kafka-bare");
        putRatio(r, "kafka_bare_to_bare_ratio", runs, "kafka-bare", "bare");
        putRatio(r, "kafka_graph_to_graph_ratio", runs, "kafka-idle", "idle");
        ObjectNode cpu = r.putObject("cpu_s_per_million_events");
        for (String s : opt.scenarios()) {
            cpu.put(s, median(values(runs, s, Run::cpuSecondsPerMillion)));
        }
        ObjectNode cp = r.putObject("checkpoint_duration_ms");
        for (String s : opt.scenarios()) {
            ObjectNode c = cp.putObject(s);
            c.put("p50", median(values(runs, s, x -> x.checkpointP50Ms())));
            c.put("max", Arrays.stream(values(runs, s, x -> x.checkpointMaxMs())).max().orElse(-1));
            c.put(
                    "failed",
                    runs.stream()
                            .filter(x -> x.scenario().equals(s))
                            .mapToLong(Run::checkpointsFailed)
                            .sum());
            c.put(
                    "not_triggered_while_deploying",
                    runs.stream()
                            .filter(x -> x.scenario().equals(s))
                            .mapToLong(Run::checkpointsRefusedAtStart)
                            .sum());
        }
        putMedian(r, "window_end_snapshots_per_s", runs, "idle", Run::windowEndSnapshotsPerS);
        putMedian(
                r,
                "window_end_snapshots_peak_per_s",
                runs,
                "idle",
                Run::windowEndSnapshotsPeakPerS);
        if (state != null) {
            r.put("users_in_state", state.usersInState());
            r.put("state_bytes_per_user", state.bytesPerUser());
            r.put("state_keyed_bytes", state.size().keyedBytes());
            ObjectNode by = r.putObject("state_bytes_by_operator");
            state.size().keyedBytesByUid().forEach(by::put);
            r.put("state_operator_bytes", state.size().operatorBytes());
            ObjectNode op = r.putObject("state_operator_bytes_by_operator");
            state.size().operatorBytesByUid().forEach(op::put);
            r.put("savepoint", state.savepoint());
            r.put("restore_seconds", state.restoreSeconds());
            r.put("restore_seconds_checkpoint", state.restoreSecondsCheckpoint());
            r.put("start_seconds_without_state", state.startSecondsWithoutState());
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
            n.put("checkpoints_failed", run.checkpointsFailed());
            n.put("checkpoints_not_triggered_while_deploying", run.checkpointsRefusedAtStart());
            n.put("checkpoint_p50_ms", run.checkpointP50Ms());
            n.put("checkpoint_max_ms", run.checkpointMaxMs());
            if (!run.scenario().equals("bare")) {
                n.put("window_snapshots", run.windowSnapshots());
                n.put("window_end_busy_s", run.windowEndBusySeconds());
                n.put("window_end_snapshots_per_s", run.windowEndSnapshotsPerS());
                n.put("window_end_snapshots_peak_per_s", run.windowEndSnapshotsPeakPerS());
            }
            ObjectNode threads = n.putObject("cpu_s_by_thread");
            run.cpuByThread().entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> threads.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
        }
        return r;
    }

    private static void putMedian(
            ObjectNode r, String key, List<Run> runs, String scenario, ToDoubleFunction<Run> f) {
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

    private static double[] values(List<Run> runs, String scenario, ToDoubleFunction<Run> f) {
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
}
