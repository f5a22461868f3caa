package io.retentionloop.learner.ope;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

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
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td.l{text-align:left}")
                .append("pre{background:#f7f7f7;padding:1em;overflow:auto}")
                .append(".better{color:#070}.worse{color:#a00}</style></head><body>\n<h1>")
                .append(esc(title))
                .append("</h1>\n");
        for (String n : notes) {
            h.append("<p>").append(esc(n)).append("</p>\n");
        }
        sections.forEach(
                (key, sec) ->
                        h.append("<h2>")
                                .append(esc(sec.heading))
                                .append("</h2>\n")
                                .append(chart(sec))
                                .append(table(sec)));
        ObjectNode settings = root.deepCopy();
        settings.remove("title");
        h.append("<h2>Settings and data</h2>\n<pre>")
                .append(esc(settings.toPrettyString()))
                .append("</pre>\n</body></html>\n");
        return h.toString();
    }

    private static String table(Section sec) {
        StringBuilder t = new StringBuilder("<table><tr><th>policy</th><th>estimator</th>");
        t.append("<th>estimate</th><th>se</th><th>CI low</th><th>CI high</th><th>ESS</th>");
        t.append(sec.differences ? "<th>verdict</th>" : "<th>actual</th>").append("</tr>\n");
        sec.rows.forEach(
                (name, es) ->
                        es.forEach(
                                (est, e) -> {
                                    t.append("<tr><td class=\"l\">")
                                            .append(esc(name))
                                            .append("</td><td class=\"l\">")
                                            .append(esc(est))
                                            .append("</td>")
                                            .append(cell(e.estimate()))
                                            .append(cell(e.se()))
                                            .append(cell(e.ciLow()))
                                            .append(cell(e.ciHigh()))
                                            .append(
                                                    String.format(
                                                            Locale.ROOT, "<td>%.0f</td>", e.ess()));
                                    if (sec.differences) {
                                        String v = verdict(e);
                                        t.append("<td class=\"l ")
                                                .append(v.equals("not separated") ? "" : v)
                                                .append("\">")
                                                .append(v)
                                                .append("</td>");
                                    } else {
                                        Double ref = sec.reference.get(name);
                                        t.append(ref == null ? "<td></td>" : cell(ref));
                                    }
                                    t.append("</tr>\n");
                                }));
        return t.append("</table>\n").toString();
    }

    private static String cell(double v) {
        return String.format(Locale.ROOT, "<td>%.4f</td>", v);
    }

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1"};

    /** Horizontal bars per policy and estimator, whiskers for the interval, ◆ for the truth. */
    private static String chart(Section sec) {
        Map<String, Map<String, Estimate>> rows = sec.rows;
        Map<String, Double> truth = sec.reference;
        double lo = 0;
        double hi = 0;
        int bars = 0;
        List<String> estimators = new ArrayList<>();
        for (Map<String, Estimate> es : rows.values()) {
            for (Map.Entry<String, Estimate> e : es.entrySet()) {
                lo = Math.min(lo, Math.min(e.getValue().ciLow(), e.getValue().estimate()));
                hi = Math.max(hi, Math.max(e.getValue().ciHigh(), e.getValue().estimate()));
                bars++;
                if (!estimators.contains(e.getKey())) {
                    estimators.add(e.getKey());
                }
            }
        }
        for (double t : truth.values()) {
            lo = Math.min(lo, t);
            hi = Math.max(hi, t);
        }
        if (hi - lo <= 0) {
            hi = lo + 1;
        }
        double pad = (hi - lo) * 0.05;
        lo -= lo < 0 ? pad : 0;
        hi += pad;
        int labelW = 260;
        int plotW = 560;
        int barH = 14;
        int groupGap = 10;
        int top = 30;
        int height = top + bars * barH + rows.size() * groupGap + 30;
        double fLo = lo;
        double scale = plotW / (hi - lo);
        DoubleUnaryOperator x = v -> labelW + (v - fLo) * scale;
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                                + "font-family=\"sans-serif\" font-size=\"11\">\n",
                        labelW + plotW + 40,
                        height));
        for (int i = 0; i < estimators.size(); i++) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<rect x=\"%d\" y=\"8\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                                    + "<text x=\"%d\" y=\"17\">%s</text>\n",
                            labelW + i * 80,
                            COLOURS[i % COLOURS.length],
                            labelW + i * 80 + 14,
                            esc(estimators.get(i))));
        }
        if (!truth.isEmpty()) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%d\" y=\"17\">◆ actual</text>\n",
                            labelW + estimators.size() * 80));
        }
        double zero = x.applyAsDouble(0);
        int y = top;
        for (Map.Entry<String, Map<String, Estimate>> row : rows.entrySet()) {
            int groupTop = y;
            for (Map.Entry<String, Estimate> e : row.getValue().entrySet()) {
                Estimate est = e.getValue();
                String colour = COLOURS[estimators.indexOf(e.getKey()) % COLOURS.length];
                double xv = x.applyAsDouble(est.estimate());
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" opacity=\"0.8\">"
                                        + "<title>%s %s: %.4f [%.4f, %.4f]</title></rect>\n",
                                Math.min(zero, xv),
                                y + 1,
                                Math.abs(xv - zero),
                                barH - 2,
                                colour,
                                esc(row.getKey()),
                                esc(e.getKey()),
                                est.estimate(),
                                est.ciLow(),
                                est.ciHigh()));
                double xl = x.applyAsDouble(est.ciLow());
                double xh = x.applyAsDouble(est.ciHigh());
                double ym = y + barH / 2.0;
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#000\" "
                                        + "fill=\"none\"/>\n",
                                xl,
                                ym,
                                xh,
                                xl,
                                ym - 4,
                                ym + 4,
                                xh,
                                ym - 4,
                                ym + 4));
                y += barH;
            }
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                            labelW - 8,
                            (groupTop + y) / 2.0 + 4,
                            esc(row.getKey())));
            Double t = truth.get(row.getKey());
            if (t != null) {
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#c00\">◆</text>\n",
                                x.applyAsDouble(t),
                                (groupTop + y) / 2.0 + 4));
            }
            y += groupGap;
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#666\"/>\n",
                        zero,
                        top - 4,
                        zero,
                        y));
        // round tick steps (1, 2 or 5 × 10^k), about five of them
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : 5 * mag;
        for (double v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
                            x.applyAsDouble(v),
                            y + 14,
                            BigDecimal.valueOf(Math.abs(v) < step / 2 ? 0 : v)
                                    .round(new MathContext(6))
                                    .stripTrailingZeros()
                                    .toPlainString()));
        }
        return s.append("</svg>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
