package io.retentionloop.value.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.report.HtmlPage;
import io.retentionloop.report.SvgChart;
import io.retentionloop.value.data.CustomerSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an evaluation as {@code report.json} (the figures, per model) and {@code report.html} (the
 * same table and the charts a person reads: predicted vs actual by calibration frequency,
 * cumulative repeat transactions by week, spend by decile, gain curve).
 */
public final class ClvReport {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ClvReport() {}

    public static void write(ClvEvaluation.Result r, String source, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        root.put("source", source);
        root.put("protocol", r.settings().protocol().id());
        root.put("calibration_end", r.settings().calibrationEnd().toString());
        root.put("holdout_end", r.settings().holdoutEnd().toString());
        root.put("holdout_weeks", r.holdoutWeeks());
        root.put("customers_evaluated", r.customers().size());
        ObjectNode models = root.putObject("models");
        r.metrics().forEach((name, m) -> m.forEach(models.putObject(name)::put));
        ObjectNode bg = root.putObject("bgnbd_parameters");
        bg.put("r", r.bgnbd().r());
        bg.put("alpha", r.bgnbd().alpha());
        bg.put("a", r.bgnbd().a());
        bg.put("b", r.bgnbd().b());
        ObjectNode gg = root.putObject("gamma_gamma_parameters");
        gg.put("p", r.gammaGamma().p());
        gg.put("q", r.gammaGamma().q());
        gg.put("gamma", r.gammaGamma().gamma());
        root.put("dl4j_model_version", r.model().version());
        root.set("dl4j_training", JSON.valueToTree(r.model().metadata().training()));
        JSON.writeValue(dir.resolve("report.json").toFile(), root);
        Files.writeString(dir.resolve("report.html"), html(r, source));
    }

    static String html(ClvEvaluation.Result r, String source) {
        List<String> keys = List.copyOf(r.metrics().values().iterator().next().keySet());
        List<String> header = new ArrayList<>(List.of("model"));
        header.addAll(keys);
        List<List<String>> rows = new ArrayList<>();
        r.metrics()
                .forEach(
                        (name, m) -> {
                            List<String> row = new ArrayList<>(List.of(name));
                            keys.forEach(
                                    k -> row.add(String.format(Locale.ROOT, "%.4g", m.get(k))));
                            rows.add(row);
                        });
        return new HtmlPage("Value model evaluation")
                .paragraph(
                        String.format(
                                Locale.ROOT,
                                "%s, protocol %s, calibration through %s, holdout through %s"
                                        + " (%.1f weeks), %d customers evaluated.",
                                source,
                                r.settings().protocol().id(),
                                r.settings().calibrationEnd(),
                                r.settings().holdoutEnd(),
                                r.holdoutWeeks(),
                                r.customers().size()))
                .table(header, rows)
                .charts(byFrequency(r), cumulative(r))
                .charts(deciles(r), gain(r))
                .render();
    }

    private static SvgChart byFrequency(ClvEvaluation.Result r) {
        int bins = 8;
        double[] x = new double[bins];
        double[] actual = new double[bins];
        double[] count = new double[bins];
        for (int i = 0; i < bins; i++) {
            x[i] = i;
        }
        List<CustomerSummary> c = r.customers();
        SvgChart chart =
                new SvgChart(
                        "Holdout transactions by calibration repeat purchases",
                        "repeat purchase days in calibration (7 = 7+)",
                        "mean holdout transactions");
        for (int i = 0; i < c.size(); i++) {
            int b = Math.min(bins - 1, c.get(i).repeatPurchaseDays());
            actual[b] += c.get(i).holdoutPurchaseDays();
            count[b]++;
        }
        chart.line("actual", x, mean(actual, count));
        for (Map.Entry<String, ClvEvaluation.Predictions> e : r.predictions().entrySet()) {
            if (e.getKey().equals("bgnbd_gamma_gamma")) {
                continue; // same transactions as bgnbd
            }
            double[] sum = new double[bins];
            for (int i = 0; i < c.size(); i++) {
                sum[Math.min(bins - 1, c.get(i).repeatPurchaseDays())] +=
                        e.getValue().transactions()[i];
            }
            chart.line(e.getKey(), x, mean(sum, count));
        }
        return chart;
    }

    private static SvgChart cumulative(ClvEvaluation.Result r) {
        SvgChart chart =
                new SvgChart(
                        "Cumulative repeat transactions in the holdout", "week", "transactions");
        r.cumulativeByWeek()
                .forEach(
                        (name, v) -> {
                            double[] x = new double[v.length];
                            for (int i = 0; i < v.length; i++) {
                                x[i] = i + 1;
                            }
                            chart.line(name, x, v);
                        });
        return chart;
    }

    private static SvgChart deciles(ClvEvaluation.Result r) {
        ClvEvaluation.Predictions p = r.predictions().get("dl4j");
        double[] actual =
                r.customers().stream().mapToDouble(CustomerSummary::holdoutSpend).toArray();
        Integer[] order = order(p.spend());
        int n = order.length;
        double[] x = new double[10];
        double[] pred = new double[10];
        double[] act = new double[10];
        double[] count = new double[10];
        for (int rank = 0; rank < n; rank++) {
            int d = Math.min(9, rank * 10 / n);
            pred[d] += p.spend()[order[rank]];
            act[d] += actual[order[rank]];
            count[d]++;
        }
        for (int i = 0; i < 10; i++) {
            x[i] = i + 1;
        }
        return new SvgChart(
                        "Holdout spend by predicted decile (dl4j)",
                        "decile (1 = lowest)",
                        "mean spend")
                .line("actual", x, mean(act, count))
                .line("dl4j predicted", x, mean(pred, count));
    }

    private static SvgChart gain(ClvEvaluation.Result r) {
        double[] actual =
                r.customers().stream().mapToDouble(CustomerSummary::holdoutSpend).toArray();
        double total = Arrays.stream(actual).sum();
        SvgChart chart =
                new SvgChart(
                        "Gain curve of holdout spend",
                        "share of customers, highest predicted first",
                        "share of spend");
        int points = 50;
        for (Map.Entry<String, ClvEvaluation.Predictions> e : r.predictions().entrySet()) {
            Integer[] order = order(e.getValue().spend());
            double[] x = new double[points + 1];
            double[] y = new double[points + 1];
            double cum = 0;
            int next = 1;
            for (int rank = 0; rank < order.length; rank++) {
                cum += actual[order[order.length - 1 - rank]];
                if ((rank + 1) * points >= next * order.length) {
                    x[next] = next / (double) points;
                    y[next] = cum / total;
                    next++;
                }
            }
            chart.line(e.getKey(), x, y);
        }
        return chart.reference("random", new double[] {0, 1}, new double[] {0, 1});
    }

    private static Integer[] order(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
        return idx;
    }

    private static double[] mean(double[] sum, double[] count) {
        double[] m = new double[sum.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = count[i] > 0 ? sum[i] / count[i] : 0;
        }
        return m;
    }
}
