package io.retentionloop.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's page, from a made-up {@code report.json}. */
class ReportHtmlTest {
    @Test
    void showsTheRunsAndTheGoals() {
        ObjectNode report = new ObjectMapper().createObjectNode();
        report.put("date", "<today>").put("users", 1000).put("days", 7).put("events", 50_000);
        report.put("repeat", 2).put("cores", 2).put("bare_events_per_s", 120_000.0);
        report.put("graph_to_bare_ratio", 0.42).put("state_bytes_per_user", 800.0);
        for (int round = 1; round <= 2; round++) {
            for (String s : List.of("bare", "idle")) {
                report.withArray("runs")
                        .addObject()
                        .put("scenario", s)
                        .put("round", round)
                        .put("events_per_s", s.equals("bare") ? 120_000.0 : 50_000.0);
            }
        }
        String html = ReportHtml.render(report, List.of("bare", "idle"));
        assertThat(html.split("<svg", -1)).hasSize(3);
        assertThat(html)
                .contains("&lt;today&gt;: 1,000 users", "<div class='table'><table>")
                .contains("<td>graph_to_bare_ratio</td>", "≥ 0.500", "not measured")
                .contains("viewBox=", "max-width:100%");
    }
}
