package io.retentionloop.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small self-contained SVG charts for the HTML reports (no scripts, no external files), so a report
 * opens anywhere and can be attached to a ticket: lines, or grouped bars with dashed reference
 * levels.
 */
public final class SvgChart {
    private static final String[] COLOURS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"
    };
    private static final int W = 560;
    private static final int H = 320;
    private static final int L = 60;
    private static final int R = 150;
    private static final int T = 30;
    private static final int B = 45;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, double[][]> lines = new LinkedHashMap<>();
    private final Map<String, Boolean> dashed = new LinkedHashMap<>();
    private final List<String> categories = new ArrayList<>();
    private final Map<String, double[]> bars = new LinkedHashMap<>();
    private final Map<String, Double> levels = new LinkedHashMap<>();

    public SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A series of points {@code {x, y}}, drawn as a line with markers. */
    public SvgChart line(String name, double[] x, double[] y) {
        double[][] pts = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            pts[i] = new double[] {x[i], y[i]};
        }
        lines.put(name, pts);
        dashed.put(name, false);
        return this;
    }

    /** A reference line (e.g. the diagonal of a gain chart), drawn dashed. */
    public SvgChart reference(String name, double[] x, double[] y) {
        line(name, x, y);
        dashed.put(name, true);
        return this;
    }

    /**
     * Grouped bars instead of lines: one group per category along the x axis, one bar per series in
     * each group, {@code values[i]} belonging to {@code categories.get(i)} (NaN: no bar).
     */
    public SvgChart bars(String name, List<String> categories, double[] values) {
        if (values.length != categories.size()) {
            throw new IllegalArgumentException(name + ": one value per category");
        }
        if (this.categories.isEmpty()) {
            this.categories.addAll(categories);
        } else if (!this.categories.equals(categories)) {
            throw new IllegalArgumentException(name + ": the categories of the other bars");
        }
        bars.put(name, values.clone());
        return this;
    }

    /** A horizontal reference (a goal, a baseline) across a bar chart, drawn dashed. */
    public SvgChart level(String name, double y) {
        levels.put(name, y);
        return this;
    }

    public String render() {
        if (!bars.isEmpty()) {
            return renderBars();
        }
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        double minY = 0;
        for (double[][] pts : lines.values()) {
            for (double[] p : pts) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
                minY = Math.min(minY, p[1]);
            }
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        if (maxY == minY) {
            maxY = minY + 1;
        }
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='11'>%n",
                        W,
                        H));
        s.append(
                String.format(
                        Locale.ROOT,
                        "<text x='%d' y='18' font-size='13' font-weight='bold'>%s</text>%n",
                        L,
                        esc(title)));
        int pw = W - L - R;
        int ph = H - T - B;
        s.append(
                String.format(
                        Locale.ROOT,
                        "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>%n",
                        L,
                        T,
                        pw,
                        ph));
        for (int i = 0; i <= 4; i++) {
            double yv = minY + (maxY - minY) * i / 4;
            double py = T + ph - ph * i / 4.0;
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#eee'/>%n",
                            L,
                            L + pw,
                            py,
                            py));
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='%d' y='%.1f' text-anchor='end'>%s</text>%n",
                            L - 4,
                            py + 4,
                            fmt(yv)));
            double xv = minX + (maxX - minX) * i / 4;
            double px = L + pw * i / 4.0;
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>%n",
                            px,
                            T + ph + 15,
                            fmt(xv)));
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "<text x='%d' y='%d' text-anchor='middle'>%s</text>%n",
                        L + pw / 2,
                        H - 8,
                        esc(xLabel)));
        s.append(
                String.format(
                        Locale.ROOT,
                        "<text x='14' y='%d' text-anchor='middle' transform='rotate(-90 14 %d)'>%s</text>%n",
                        T + ph / 2,
                        T + ph / 2,
                        esc(yLabel)));
        int i = 0;
        for (Map.Entry<String, double[][]> e : lines.entrySet()) {
            String colour = dashed.get(e.getKey()) ? "#888" : COLOURS[i++ % COLOURS.length];
            List<String> pts = new ArrayList<>();
            for (double[] p : e.getValue()) {
                double px = L + pw * (p[0] - minX) / (maxX - minX);
                double py = T + ph - ph * (p[1] - minY) / (maxY - minY);
                pts.add(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
            }
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<polyline fill='none' stroke='%s' stroke-width='2' %s points='%s'/>%n",
                            colour,
                            dashed.get(e.getKey()) ? "stroke-dasharray='4 3'" : "",
                            String.join(" ", pts)));
            int ly = T + 12 + 16 * (i + (dashed.get(e.getKey()) ? lines.size() : 0));
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='%s' stroke-width='2'/>%n",
                            L + pw + 10,
                            L + pw + 28,
                            ly - 4,
                            ly - 4,
                            colour));
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='%d' y='%d'>%s</text>%n",
                            L + pw + 32,
                            ly,
                            esc(e.getKey())));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private String renderBars() {
        double maxY = 0;
        for (double[] v : bars.values()) {
            for (double y : v) {
                if (!Double.isNaN(y)) {
                    maxY = Math.max(maxY, y);
                }
            }
        }
        for (double y : levels.values()) {
            maxY = Math.max(maxY, y);
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.05;
        int pw = W - L - R;
        int ph = H - T - B;
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='11'>%n",
                        W,
                        H));
        s.append(
                String.format(
                        Locale.ROOT,
                        "<text x='%d' y='18' font-size='13' font-weight='bold'>%s</text>%n",
                        L,
                        esc(title)));
        s.append(
                String.format(
                        Locale.ROOT,
                        "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>%n",
                        L,
                        T,
                        pw,
                        ph));
        for (int i = 0; i <= 4; i++) {
            double py = T + ph - ph * i / 4.0;
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#eee'/>%n"
                                    + "<text x='%d' y='%.1f' text-anchor='end'>%s</text>%n",
                            L,
                            L + pw,
                            py,
                            py,
                            L - 4,
                            py + 4,
                            i == 0 ? "0" : fmt(maxY * i / 4)));
        }
        double group = (double) pw / categories.size();
        double bar = group * 0.8 / bars.size();
        int series = 0;
        for (Map.Entry<String, double[]> e : bars.entrySet()) {
            String colour = COLOURS[series % COLOURS.length];
            for (int c = 0; c < categories.size(); c++) {
                double y = e.getValue()[c];
                if (Double.isNaN(y)) {
                    continue;
                }
                double h = ph * y / maxY;
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>"
                                        + "<title>%s %s: %s</title></rect>%n",
                                L + group * c + group * 0.1 + bar * series,
                                T + ph - h,
                                bar - 1,
                                h,
                                colour,
                                esc(categories.get(c)),
                                esc(e.getKey()),
                                fmt(y)));
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<text x='%.1f' y='%.1f' text-anchor='middle' font-size='9'>%s</text>%n",
                                L + group * c + group * 0.1 + bar * series + bar / 2,
                                T + ph - h - 3,
                                fmt(y)));
            }
            legend(s, series++, colour, false, e.getKey(), pw);
        }
        for (int c = 0; c < categories.size(); c++) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>%n",
                            L + group * (c + 0.5),
                            T + ph + 15,
                            esc(categories.get(c))));
        }
        for (Map.Entry<String, Double> e : levels.entrySet()) {
            double py = T + ph - ph * e.getValue() / maxY;
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#888' stroke-width='2' stroke-dasharray='4 3'/>%n",
                            L,
                            L + pw,
                            py,
                            py));
            legend(s, series++, "#888", true, e.getKey(), pw);
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "<text x='%d' y='%d' text-anchor='middle'>%s</text>%n",
                        L + pw / 2,
                        H - 8,
                        esc(xLabel)));
        s.append(
                String.format(
                        Locale.ROOT,
                        "<text x='14' y='%d' text-anchor='middle' transform='rotate(-90 14 %d)'>%s</text>%n",
                        T + ph / 2,
                        T + ph / 2,
                        esc(yLabel)));
        return s.append("</svg>\n").toString();
    }

    private static void legend(
            StringBuilder s, int row, String colour, boolean dashed, String name, int pw) {
        int ly = T + 12 + 16 * row;
        s.append(
                String.format(
                        Locale.ROOT,
                        "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='%s' stroke-width='%d' %s/>%n"
                                + "<text x='%d' y='%d'>%s</text>%n",
                        L + pw + 10,
                        L + pw + 28,
                        ly - 4,
                        ly - 4,
                        colour,
                        dashed ? 2 : 8,
                        dashed ? "stroke-dasharray='4 3'" : "",
                        L + pw + 32,
                        ly,
                        esc(name)));
    }

    private static String fmt(double v) {
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return Math.abs(v) >= 10
                ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
