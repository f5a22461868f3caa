package io.retentionloop.learner.ope;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.report.HtmlPage;
import io.retentionloop.report.SvgChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An off-policy evaluation report: per policy, estimator → estimate with interval; per comparison
 * (policy − baseline, paired), the same. Written as {@code report.json}, a self-contained {@code
 * report.html} (table and inline SVG bar chart with interval whiskers, no scripts) and a short text
 * summary.
 */
public final class OpeReport {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String title;
    private final ObjectNode root = JSON.createObjectNode();
    private final Map<String, Section> sections = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    public OpeReport(String title) {
        this.title = title;
        root.put("title", title);
    }

    /** Free-form top-level fields (settings, data description, actual means) for the JSON. */
    public ObjectNode json() {
        return root;
    }

    /**
     * A group of rows (policies, or paired differences) under one JSON key and one HTML heading.
     * Rows map estimator name to estimate; references are known true values drawn as markers.
     */
    public static final class Section {
        private final String heading;
        private final boolean differences;
        private final Map<String, Map<String, Estimate>> rows = new LinkedHashMap<>();
        private final Map<String, Double> reference = new LinkedHashMap<>();

        private Section(String heading, boolean differences) {
            this.heading = heading;
            this.differences = differences;
        }

        /** Adds a row: a policy (or a difference) and its estimates by estimator. */
        public Section add(String name, Map<String, Estimate> byEstimator) {
            rows.put(name, byEstimator);
            return this;
        }

        /** A known true value for a row (e.g. an arm's actual mean). */
        public Section reference(String name, double value) {
            reference.put(name, value);
            return this;
        }

        public Map<String, Map<String, Estimate>> rows() {
            return rows;
        }
    }

    /** The section of policy values under JSON key {@code key}, created on first use. */
    public Section values(String key, String heading) {
        return sections.computeIfAbsent(key, k -> new Section(heading, false));
    }

    /** The section of paired differences under JSON key {@code key}, created on first use. */
    public Section differences(String key, String heading) {
        return sections.computeIfAbsent(key, k -> new Section(heading, true));
    }

    /** The section under {@code key}, or null. */
    public Section section(String key) {
        return sections.get(key);
    }

    /** A sentence for the summary and the HTML page. */
    public void addNote(String note) {
        notes.add(note);
    }

    /** The whole report as JSON. */
    public ObjectNode toJson() {
        ObjectNode out = root.deepCopy();
        sections.forEach(
                (key, sec) -> {
                    ObjectNode o = out.putObject(key);
                    sec.rows.forEach(
                            (name, es) ->
                                    o.set(
                                            name,
                                            estimates(
                                                    es, sec.differences, sec.reference.get(name))));
                });
        if (!notes.isEmpty()) {
            notes.forEach(out.putArray("notes")::add);
        }
        return out;
    }

    private static ObjectNode estimates(
            Map<String, Estimate> es, boolean difference, Double actual) {
        ObjectNode o = JSON.createObjectNode();
        es.forEach(
                (estimator, e) -> {
                    ObjectNode x = o.putObject(estimator);
                    x.put("estimate", e.estimate());
                    x.put("se", e.se());
                    x.put("ci_low", e.ciLow());
                    x.put("ci_high", e.ciHigh());
                    x.put("ess", e.ess());
                    x.put("n", e.n());
                    if (difference) {
                        x.put("verdict", verdict(e));
                    }
                    if (actual != null) {
                        x.put("covers_actual", e.covers(actual));
                    }
                });
        if (actual != null) {
            o.put("actual", actual);
        }
        return o;
    }

    /** "better", "worse" or "not separated" by the two-sided interval of a difference. */
    public static String verdict(Estimate difference) {
        if (difference.ciLow() > 0) {
            return "better";
        }
        if (difference.ciHigh() < 0) {
            return "worse";
        }
        return "not separated";
    }

    /** A short human-readable summary. */
    public String summary() {
        StringBuilder s = new StringBuilder(title).append('\n');
        sections.forEach(
                (key, sec) -> {
                    s.append('\n').append(sec.heading).append(":\n");
                    sec.rows.forEach(
                            (name, es) ->
                                    es.forEach(
                                            (est, e) -> s.append(summaryLine(sec, name, est, e))));
                });
        if (!notes.isEmpty()) {
            s.append('\n');
        }
        notes.forEach(n -> s.append(n).append('\n'));
        return s.toString();
    }

    private static String summaryLine(Section sec, String name, String est, Estimate e) {
        String tail;
        if (sec.differences) {
            tail = verdict(e);
        } else if (sec.reference.containsKey(name)) {
            double t = sec.reference.get(name);
            tail =
                    String.format(
                            Locale.ROOT,
                            "actual %.4f %s",
                            t,
                            e.covers(t) ? "covered" : "NOT covered");
        } else {
            tail = "";
        }
        return String.format(
                Locale.ROOT,
                "  %-36s %-5s %+10.4f  se %.4f  CI [%+.4f, %+.4f]  ess %6.0f  %s%n",
                name,
                est,
                e.estimate(),
                e.se(),
                e.ciLow(),
                e.ciHigh(),
                e.ess(),
                tail);
    }

    /** Writes {@code report.json} and {@code report.html} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("report.json").toFile(), toJson());
        Files.writeString(dir.resolve("report.html"), toHtml(), StandardCharsets.UTF_8);
    }

    /** A self-contained HTML page: notes, per section an SVG chart and a table, then settings. */
    public String toHtml() {
        HtmlPage page = new HtmlPage(title);
        notes.forEach(page::paragraph);
        sections.values()
                .forEach(
                        sec ->
                                page.heading(sec.heading)
                                        .charts(chart(sec))
                                        .table(header(sec), rows(sec)));
        ObjectNode settings = root.deepCopy();
        settings.remove("title");
        return page.heading("Settings and data").preformatted(settings.toPrettyString()).render();
    }

    private static List<String> header(Section sec) {
        return List.of(
                "policy",
                "estimator",
                "estimate",
                "se",
                "CI low",
                "CI high",
                "ESS",
                sec.differences ? "verdict" : "actual");
    }

    private static List<List<String>> rows(Section sec) {
        List<List<String>> out = new ArrayList<>();
        sec.rows.forEach(
                (name, es) ->
                        es.forEach(
                                (est, e) -> {
                                    List<String> row = new ArrayList<>();
                                    row.add(name);
                                    row.add(est);
                                    for (double v :
                                            new double[] {
                                                e.estimate(), e.se(), e.ciLow(), e.ciHigh()
                                            }) {
                                        row.add(String.format(Locale.ROOT, "%.4f", v));
                                    }
                                    row.add(String.format(Locale.ROOT, "%.0f", e.ess()));
                                    if (sec.differences) {
                                        row.add(verdict(e));
                                    } else {
                                        Double ref = sec.reference.get(name);
                                        row.add(
                                                ref == null
                                                        ? ""
                                                        : String.format(Locale.ROOT, "%.4f", ref));
                                    }
                                    out.add(row);
                                }));
        return out;
    }

    /**
     * Bars per row and estimator with whiskers for the interval, and ◆ for the known true value of
     * a row.
     */
    private static SvgChart chart(Section sec) {
        List<String> names = List.copyOf(sec.rows.keySet());
        List<String> estimators = new ArrayList<>();
        sec.rows
                .values()
                .forEach(
                        es ->
                                es.keySet().stream()
                                        .filter(k -> !estimators.contains(k))
                                        .forEach(estimators::add));
        SvgChart chart = new SvgChart("", sec.differences ? "difference" : "estimated value", "");
        for (String est : estimators) {
            double[] value = new double[names.size()];
            double[] low = new double[names.size()];
            double[] high = new double[names.size()];
            for (int i = 0; i < names.size(); i++) {
                Estimate e = sec.rows.get(names.get(i)).get(est);
                value[i] = e == null ? Double.NaN : e.estimate();
                low[i] = e == null ? Double.NaN : e.ciLow();
                high[i] = e == null ? Double.NaN : e.ciHigh();
            }
            chart.intervals(est, names, value, low, high);
        }
        if (!sec.reference.isEmpty()) {
            chart.markers(
                    "actual",
                    names,
                    names.stream()
                            .mapToDouble(n -> sec.reference.getOrDefault(n, Double.NaN))
                            .toArray());
        }
        return chart;
    }
}
