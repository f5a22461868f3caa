package io.retentionloop.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.retentionloop.report.HtmlPage;
import io.retentionloop.report.SvgChart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's {@code report.html}: events/s per scenario and round against the bare job, and
 * the key figures against the goals of the issue that made performance a measured property. One
 * self-contained page (inline SVG, no scripts), written from {@code report.json}.
 */
final class ReportHtml {
    /**
     * A figure's goal; {@code atLeast} false means the figure must stay at or below it; {@code
     * label} names it under its bar.
     */
    record Goal(String key, String label, double target, boolean atLeast) {
        /** Measured over goal, inverted for an upper bound: 1 or more means the goal is met. */
        double progress(double measured) {
            return atLeast ? measured / target : target / measured;
        }
    }

    static final List<Goal> GOALS =
            List.of(
                    new Goal("graph_to_bare_ratio", "graph / bare", 0.5, true),
                    new Goal("scorer_to_network_ratio", "scorer / network", 0.5, true),
                    new Goal("state_bytes_per_user", "bytes / user", 1024, false),
                    new Goal("learner_on_to_off_ratio", "learner on / off", 0.9, true));

    private ReportHtml() {}

    static String render(JsonNode report, List<String> scenarios) {
        HtmlPage page = new HtmlPage("Benchmark");
        page.paragraph(
                        String.format(
                                Locale.ROOT,
                                "%s: %,d users x %d days, %,d events, %d round(s),"
                                        + " parallelism 1, %d cores.",
                                report.path("date").asText(),
                                report.path("users").asInt(),
                                report.path("days").asInt(),
                                report.path("events").asLong(),
                                report.path("repeat").asInt(),
                                report.path("cores").asInt()))
                .charts(throughput(report, scenarios))
                .heading("Goals");
        List<List<String>> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Double> progress = new ArrayList<>();
        for (Goal g : GOALS) {
            JsonNode v = report.get(g.key());
            boolean measured = v != null && v.isNumber() && !Double.isNaN(v.asDouble());
            rows.add(
                    List.of(
                            g.key(),
                            measured ? fmt(v.asDouble()) : "not measured",
                            (g.atLeast() ? "≥ " : "≤ ") + fmt(g.target()),
                            !measured ? "" : g.progress(v.asDouble()) >= 1 ? "yes" : "no"));
            if (measured) {
                names.add(g.label());
                progress.add(g.progress(v.asDouble()));
            }
        }
        page.table(List.of("figure", "measured", "goal", "met"), rows);
        if (!names.isEmpty()) {
            page.charts(
                            new SvgChart(
                                            "Key figures against their goals",
                                            "figure",
                                            "share of goal (1 = met)")
                                    .bars(
                                            "measured / goal",
                                            names,
                                            progress.stream()
                                                    .mapToDouble(Double::doubleValue)
                                                    .toArray())
                                    .level("goal", 1))
                    .paragraph(
                            "Share of goal: measured over goal for a lower bound, goal over"
                                    + " measured for an upper bound (state bytes per user), so 1"
                                    + " or more means met.");
        }
        return page.render();
    }

    /** Events/s of every run, one group of bars per round, the bare job's median dashed. */
    private static SvgChart throughput(JsonNode report, List<String> scenarios) {
        int rounds = report.path("repeat").asInt();
        List<String> categories = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            categories.add("round " + i);
        }
        SvgChart chart = new SvgChart("Events per second", "round", "events/s");
        for (String s : scenarios) {
            double[] v = new double[rounds];
            Arrays.fill(v, Double.NaN);
            for (JsonNode run : report.path("runs")) {
                if (run.path("scenario").asText().equals(s)) {
                    v[run.path("round").asInt() - 1] = run.path("events_per_s").asDouble();
                }
            }
            chart.bars(s, categories, v);
        }
        if (report.has("bare_events_per_s")) {
            chart.level("bare, median", report.get("bare_events_per_s").asDouble());
        }
        return chart;
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100
                ? String.format(Locale.ROOT, "%,.0f", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }
}
