package io.retentionloop.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.value.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark runs end to end on a tiny world and writes its report (JSON and HTML), including
 * the savepoint size and restore of the last idle run. A benchmark, not a timed test: no speed is
 * asserted, only that every figure was measured.
 */
class BenchmarkIT {
    @TempDir Path out;

    @Test
    void everyScenarioRunsToItsLastEventAndTheReportHoldsEveryFigure() throws Exception {
        List<String> lines = new ArrayList<>();
        JsonNode report =
                new Benchmark(
                                new Benchmark.Options(
                                        Path.of("conf/world.yaml"),
                                        300,
                                        21,
                                        7,
                                        Instant.parse("2025-01-02T00:00:00Z"),
                                        1,
                                        List.of(
                                                "bare",
                                                "idle",
                                                "learned",
                                                "kafka-bare",
                                                "kafka-idle"),
                                        out,
                                        TestModels.tiny(1),
                                        null,
                                        List.of()),
                                lines::add)
                        .run();
        lines.forEach(System.out::println); // what the benchmark printed, for a failure's report
        JsonNode written = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(written.get("graph_to_bare_ratio").asDouble())
                .isEqualTo(report.get("graph_to_bare_ratio").asDouble());
        assertThat(report.get("events").asLong()).isPositive();
        assertThat(report.get("events").asLong()).isLessThan(report.get("records").asLong());
        for (String key :
                List.of(
                        "bare_events_per_s",
                        "graph_events_per_s",
                        "graph_learner_on_events_per_s",
                        "graph_to_bare_ratio",
                        "learner_on_to_off_ratio",
                        "scorer_rows_per_s",
                        "network_rows_per_s",
                        "scorer_to_network_ratio",
                        // Kafka to Kafka, through the embedded broker
                        "kafka_bare_events_per_s",
                        "kafka_graph_events_per_s",
                        "kafka_graph_to_bare_ratio",
                        "kafka_bare_to_bare_ratio",
                        "kafka_graph_to_graph_ratio",
                        "kafka_load_seconds")) {
            assertThat(report.get(key).asDouble()).as(key).isPositive();
        }
        assertThat(report.get("cpu_s_per_million_events").get("bare").asDouble()).isPositive();
        assertThat(report.get("runs")).hasSize(5);

        // the last idle run's savepoint, its restore, and the lifecycle's window-end rate
        assertThat(report.get("users_in_state").asLong())
                .isPositive()
                .isLessThanOrEqualTo(report.get("users_with_events").asLong());
        assertThat(report.get("state_bytes_per_user").asDouble()).isPositive();
        JsonNode byOperator = report.get("state_bytes_by_operator");
        assertThat(byOperator.get("user-lifecycle").asLong()).isPositive();
        long sum = 0;
        for (JsonNode bytes : byOperator) {
            sum += bytes.asLong();
        }
        assertThat(sum).isEqualTo(report.get("state_keyed_bytes").asLong());
        assertThat(report.get("state_bytes_per_user").asDouble())
                .isEqualTo((double) sum / report.get("users_in_state").asLong());
        assertThat(report.get("restore_seconds").asDouble()).isPositive();
        assertThat(report.get("restore_seconds_checkpoint").asDouble()).isPositive();
        assertThat(report.get("start_seconds_without_state").asDouble()).isPositive();
        // a run this small can read its whole file before the first periodic watermark, and the
        // finished file split takes its watermark with it: no window need end (SnapshotRateTest
        // covers the figure itself)
        assertThat(report.get("window_end_snapshots_per_s").asDouble()).isNotNegative();
        assertThat(report.get("window_end_snapshots_peak_per_s").asDouble()).isNotNegative();
        assertThat(lines).anyMatch(l -> l.startsWith("restored from"));

        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<svg", "graph_to_bare_ratio", "state_bytes_per_user");
        assertThat(lines).anyMatch(l -> l.startsWith("round 1 learned"));
        assertThat(lines).anyMatch(l -> l.startsWith("round 1 kafka-idle"));
        assertThat(lines).anyMatch(l -> l.startsWith("wrote ") && l.contains("embedded broker"));
    }
}
