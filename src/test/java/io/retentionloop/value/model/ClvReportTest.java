package io.retentionloop.value.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.value.data.CustomerSummary;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The value model's report page, from a small made-up evaluation. */
class ClvReportTest {
    private static ClvEvaluation.Result result(ClvEvaluation.Protocol protocol) {
        List<CustomerSummary> customers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            customers.add(
                    new CustomerSummary("u" + i, i % 9, 10, 30, 12, 20, i % 4, 15.0 * (i % 5)));
        }
        double[] tx = new double[20];
        double[] spend = new double[20];
        double[] p = new double[20];
        for (int i = 0; i < 20; i++) {
            tx[i] = 0.2 * i;
            spend[i] = 3.0 * i;
            p[i] = 0.5;
        }
        Map<String, ClvEvaluation.Predictions> predictions = new LinkedHashMap<>();
        predictions.put("dl4j", new ClvEvaluation.Predictions(tx, spend, p));
        predictions.put("bgnbd", new ClvEvaluation.Predictions(tx, spend, p));
        predictions.put("bgnbd_gamma_gamma", new ClvEvaluation.Predictions(tx, spend, p));
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        predictions.keySet().forEach(k -> metrics.put(k, Map.of("mae_spend", 1.25, "gini", 0.4)));
        Map<String, double[]> cumulative = new LinkedHashMap<>();
        cumulative.put("actual", new double[] {1, 3, 4, 7});
        cumulative.put("dl4j", new double[] {1.5, 2.5, 4.5, 6});
        return new ClvEvaluation.Result(
                new ClvEvaluation.Settings(
                        LocalDate.of(1997, 9, 30),
                        LocalDate.of(1998, 6, 30),
                        protocol,
                        7,
                        null,
                        28),
                customers,
                predictions,
                metrics,
                null,
                null,
                null,
                cumulative,
                4);
    }

    @Test
    void protocolsAreSpelledAsOnTheCommandLine() {
        assertThat(ClvEvaluation.Protocol.CROSS_SECTIONAL.id()).isEqualTo("cross-sectional");
        assertThat(ClvEvaluation.Protocol.TEMPORAL.id()).isEqualTo("temporal");
        String html = ClvReport.html(result(ClvEvaluation.Protocol.CROSS_SECTIONAL), "cdnow.csv");
        assertThat(html).contains("protocol cross-sectional").doesNotContain("cross_sectional");
    }

    @Test
    void thePageHasItsTableAndCharts() {
        String html = ClvReport.html(result(ClvEvaluation.Protocol.TEMPORAL), "cdnow.csv");
        assertThat(html.split("<svg", -1)).hasSize(5);
        assertThat(html)
                .contains(
                        "<div class='table'><table>",
                        "Gain curve",
                        "Cumulative repeat transactions")
                .contains("decile", "viewBox=");
        for (String svg : html.split("<svg")) {
            if (svg.contains("Cumulative repeat transactions") || svg.contains("decile")) {
                assertThat(svg).containsPattern("class='x-tick'[^>]*>\\d+<");
                assertThat(svg).doesNotContainPattern("class='x-tick'[^>]*>[^<]*\\.");
            }
        }
    }
}
