package io.retentionloop.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.value.TestModels;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark runs end to end on a tiny world and writes its report. A benchmark, not a timed
 * test: no speed is asserted, only that every figure was measured.
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
                                        List.of("bare", "idle", "learned"),
                                        out,
                                        TestModels.tiny(1),
                                        null,
                                        List.of()),
                                lines::add)
                        .run();
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
                        "scorer_to_network_ratio")) {
            assertThat(report.get(key).asDouble()).as(key).isPositive();
        }
        assertThat(report.get("cpu_s_per_million_events").get("bare").asDouble()).isPositive();
        assertThat(report.get("runs")).hasSize(3);
        assertThat(lines).anyMatch(l -> l.startsWith("round 1 learned"));
    }
}
