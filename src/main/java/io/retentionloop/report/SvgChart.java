package io.retentionloop.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Small self-contained SVG charts for the HTML reports (no scripts, no external files), so a report
 * opens anywhere and can be attached to a ticket: lines, grouped bars with dashed reference levels,
 * or horizontal bars with interval whiskers. Every chart scales down to the width of its page, puts
 * its ticks on round numbers (whole numbers only when the data are whole numbers), and colours a
 * series by its name, so a series looks the same in every chart of every report.
 */
public final class SvgChart {
    /** Tableau 10: distinct hues that stay apart for the common forms of colour blindness. */
    private static final String[] PALETTE = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
    };

    private static final String REFERENCE = "#888";
    private static final String MARKER = "#c00";
    private static final int W = 560;
    private static final int H = 320;
    private static final int L = 60;
    private static final int R = 150;
    private static final int T = 30;
    private static final int B = 45;
    private static final int LABELS = 240;
    private static final int INTERVAL_PLOT = 460;
    private static final int BAR = 14;
    private static final int GAP = 10;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, double[][]> lines = new LinkedHashMap<>();
    private final Map<String, Boolean> dashed = new LinkedHashMap<>();
    private final List<String> categories = new ArrayList<>();
    private final Map<String, double[]> bars = new LinkedHashMap<>();
    private final Map<String, Double> levels = new LinkedHashMap<>();
    private final Map<String, double[][]> intervals = new LinkedHashMap<>();
    private final Map<String, double[]> markers = new LinkedHashMap<>();

    public SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A series of points {@code {x, y}}, drawn as a line with markers. */
    public SvgChart line(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(name + ": as many x as y values");
        }
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
        categories(name, categories, values);
        bars.put(name, values.clone());
        return this;
    }

    /** A horizontal reference (a goal, a baseline) across a bar chart, drawn dashed. */
    public SvgChart level(String name, double y) {
        levels.put(name, y);
        return this;
    }

    /**
     * Estimates with their intervals instead of lines: one group per category down the chart, one
     * horizontal bar per series in each group from zero to {@code values[i]}, with a whisker from
     * {@code low[i]} to {@code high[i]} (NaN value: no bar). Suits long category names, such as
     * policies or paired differences of policies.
     */
    public SvgChart intervals(
            String name, List<String> categories, double[] values, double[] low, double[] high) {
        categories(name, categories, values);
        if (low.length != values.length || high.length != values.length) {
            throw new IllegalArgumentException(name + ": one interval per value");
        }
        intervals.put(name, new double[][] {values.clone(), low.clone(), high.clone()});
        return this;
    }

    /**
     * Known values on an interval chart (e.g. the truth an interval should cover), drawn as ◆ in
     * the group of their category (NaN: none).
     */
    public SvgChart markers(String name, List<String> categories, double[] values) {
        categories(name, categories, values);
        markers.put(name, values.clone());
        return this;
    }

    private void categories(String name, List<String> categories, double[] values) {
        if (values.length != categories.size()) {
            throw new IllegalArgumentException(name + ": one value per category");
        }
        if (this.categories.isEmpty()) {
            this.categories.addAll(categories);
        } else if (!this.categories.equals(categories)) {
            throw new IllegalArgumentException(name + ": the categories of the other series");
        }
    }

    public String render() {
        if (!intervals.isEmpty()) {
            return renderIntervals();
        }
        if (!bars.isEmpty()) {
            return renderBars();
        }
        return renderLines();
    }

    /**
     * The colour of each name, chosen by the name alone: a stable hash of the name picks its colour
     * in the palette. When names in one chart pick the same colour, the first in alphabetical order
     * keeps it and the others take the next free ones, so names that do not collide keep their
     * colour whatever else is drawn with them.
     */
    static Map<String, String> colours(Collection<String> names) {
        Map<Integer, List<String>> claims = new TreeMap<>();
        for (String n : new TreeSet<>(names)) {
            claims.computeIfAbsent(
                            Math.floorMod(n.hashCode(), PALETTE.length), k -> new ArrayList<>())
                    .add(n);
        }
        boolean[] taken = new boolean[PALETTE.length];
        Map<String, Integer> slot = new TreeMap<>();
        claims.forEach(
                (s, ns) -> {
                    slot.put(ns.get(0), s);
                    taken[s] = true;
                });
        List<String> displaced = new ArrayList<>();
        claims.values().forEach(ns -> displaced.addAll(ns.subList(1, ns.size())));
        displaced.sort(null);
        for (String n : displaced) {
            int preferred = Math.floorMod(n.hashCode(), PALETTE.length);
            int s = preferred;
            for (int k = 1; k < PALETTE.length && taken[s]; k++) {
                s = (preferred + k) % PALETTE.length;
            }
            slot.put(n, s);
            taken[s] = true;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, PALETTE[slot.get(n)]);
        }
        return out;
    }

    private String renderLines() {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = 0;
        double maxY = 0;
        boolean wholeX = true;
        boolean wholeY = true;
        for (double[][] pts : lines.values()) {
            for (double[] p : pts) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
                wholeX &= Axis.whole(p[0]);
                wholeY &= Axis.whole(p[1]);
            }
        }
        if (lines.isEmpty() || lines.values().stream().allMatch(p -> p.length == 0)) {
            minX = 0;
            maxX = 1;
        }
        Axis x = Axis.over(minX, maxX, wholeX, false);
        Axis y = Axis.over(minY, maxY, wholeY, true);
        int pw = W - L - R;
        int ph = H - T - B;
        StringBuilder s = open(W, H);
        frame(s, L, pw, ph);
        yTicks(s, y, pw, ph);
        for (double v : x.ticks()) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text class='x-tick' x='%.1f' y='%d' text-anchor='middle'>%s</text>%n",
                            L + pw * x.fraction(v),
                            T + ph + 15,
                            x.label(v)));
        }
        axisLabels(s, L, pw, ph, W, H);
        List<String> solid = new ArrayList<>();
        dashed.forEach(
                (n, d) -> {
                    if (!d) {
                        solid.add(n);
                    }
                });
        Map<String, String> colour = colours(solid);
        int row = 0;
        for (Map.Entry<String, double[][]> e : lines.entrySet()) {
            boolean d = dashed.get(e.getKey());
            String c = d ? REFERENCE : colour.get(e.getKey());
            List<String> pts = new ArrayList<>();
            for (double[] p : e.getValue()) {
                pts.add(
                        String.format(
                                Locale.ROOT,
                                "%.1f,%.1f",
                                L + pw * x.fraction(p[0]),
                                T + ph - ph * y.fraction(p[1])));
            }
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<polyline fill='none' stroke='%s' stroke-width='2' %s points='%s'/>%n",
                            c,
                            d ? "stroke-dasharray='4 3'" : "",
                            String.join(" ", pts)));
            legend(s, L + pw, row++, c, d ? "dashed" : "line", e.getKey());
        }
        return s.append("</svg>\n").toString();
    }

    private String renderBars() {
        double minY = 0;
        double maxY = 0;
        boolean whole = true;
        for (double[] v : bars.values()) {
            for (double y : v) {
                if (!Double.isNaN(y)) {
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                    whole &= Axis.whole(y);
                }
            }
        }
        for (double y : levels.values()) {
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
            whole &= Axis.whole(y);
        }
        // headroom for the values printed above the bars
        Axis y = Axis.over(minY * 1.05, maxY * 1.05, whole, true);
        int pw = W - L - R;
        int ph = H - T - B;
        StringBuilder s = open(W, H);
        frame(s, L, pw, ph);
        yTicks(s, y, pw, ph);
        double group = (double) pw / categories.size();
        double bar = group * 0.8 / bars.size();
        double zero = T + ph - ph * y.fraction(0);
        Map<String, String> colour = colours(bars.keySet());
        int series = 0;
        for (Map.Entry<String, double[]> e : bars.entrySet()) {
            String c = colour.get(e.getKey());
            for (int i = 0; i < categories.size(); i++) {
                double v = e.getValue()[i];
                if (Double.isNaN(v)) {
                    continue;
                }
                double py = T + ph - ph * y.fraction(v);
                double left = L + group * i + group * 0.1 + bar * series;
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>"
                                        + "<title>%s %s: %s</title></rect>%n",
                                left,
                                Math.min(py, zero),
                                bar - 1,
                                Math.abs(zero - py),
                                c,
                                HtmlPage.esc(categories.get(i)),
                                HtmlPage.esc(e.getKey()),
                                fmt(v)));
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<text x='%.1f' y='%.1f' text-anchor='middle' font-size='9'>%s</text>%n",
                                left + bar / 2,
                                Math.min(py, zero) - 3,
                                fmt(v)));
            }
            legend(s, L + pw, series++, c, "bar", e.getKey());
        }
        for (int i = 0; i < categories.size(); i++) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>%n",
                            L + group * (i + 0.5),
                            T + ph + 15,
                            HtmlPage.esc(categories.get(i))));
        }
        for (Map.Entry<String, Double> e : levels.entrySet()) {
            double py = T + ph - ph * y.fraction(e.getValue());
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='%s' stroke-width='2'"
                                    + " stroke-dasharray='4 3'/>%n",
                            L,
                            L + pw,
                            py,
                            py,
                            REFERENCE));
            legend(s, L + pw, series++, REFERENCE, "dashed", e.getKey());
        }
        axisLabels(s, L, pw, ph, W, H);
        return s.append("</svg>\n").toString();
    }

    private String renderIntervals() {
        double lo = 0;
        double hi = 0;
        boolean whole = true;
        int bars = 0;
        List<Integer> groups = new ArrayList<>();
        for (int i = 0; i < categories.size(); i++) {
            int inGroup = 0;
            for (double[][] v : intervals.values()) {
                if (!Double.isNaN(v[0][i])) {
                    inGroup++;
                    for (double[] w : v) {
                        lo = Math.min(lo, w[i]);
                        hi = Math.max(hi, w[i]);
                        whole &= Axis.whole(w[i]);
                    }
                }
            }
            for (double[] m : markers.values()) {
                if (!Double.isNaN(m[i])) {
                    lo = Math.min(lo, m[i]);
                    hi = Math.max(hi, m[i]);
                    whole &= Axis.whole(m[i]);
                }
            }
            groups.add(inGroup);
            bars += inGroup;
        }
        Axis x = Axis.over(lo, hi, whole, true);
        int ph = bars * BAR + categories.size() * GAP;
        int width = LABELS + INTERVAL_PLOT + R;
        int height = T + ph + B;
        StringBuilder s = open(width, height);
        frame(s, LABELS, INTERVAL_PLOT, ph);
        for (double v : x.ticks()) {
            double px = LABELS + INTERVAL_PLOT * x.fraction(v);
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#eee'/>%n"
                                    + "<text class='x-tick' x='%.1f' y='%d' text-anchor='middle'>%s</text>%n",
                            px,
                            px,
                            T,
                            T + ph,
                            px,
                            T + ph + 15,
                            x.label(v)));
        }
        double zero = LABELS + INTERVAL_PLOT * x.fraction(0);
        Map<String, String> colour = colours(intervals.keySet());
        int y = T + GAP / 2;
        for (int i = 0; i < categories.size(); i++) {
            int top = y;
            for (Map.Entry<String, double[][]> e : intervals.entrySet()) {
                double[][] v = e.getValue();
                if (Double.isNaN(v[0][i])) {
                    continue;
                }
                double xv = LABELS + INTERVAL_PLOT * x.fraction(v[0][i]);
                double xl = LABELS + INTERVAL_PLOT * x.fraction(v[1][i]);
                double xh = LABELS + INTERVAL_PLOT * x.fraction(v[2][i]);
                double ym = y + BAR / 2.0;
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s'"
                                        + " opacity='0.8'><title>%s %s: %.4f [%.4f, %.4f]</title></rect>%n",
                                Math.min(zero, xv),
                                y + 1,
                                Math.abs(xv - zero),
                                BAR - 2,
                                colour.get(e.getKey()),
                                HtmlPage.esc(categories.get(i)),
                                HtmlPage.esc(e.getKey()),
                                v[0][i],
                                v[1][i],
                                v[2][i]));
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<path class='whisker' d='M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f'"
                                        + " stroke='#000' fill='none'/>%n",
                                xl,
                                ym,
                                xh,
                                xl,
                                ym - 4,
                                ym + 4,
                                xh,
                                ym - 4,
                                ym + 4));
                y += BAR;
            }
            double mid = (top + y) / 2.0 + 4;
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='%d' y='%.1f' text-anchor='end'>%s</text>%n",
                            LABELS - 8,
                            mid,
                            HtmlPage.esc(categories.get(i))));
            for (Map.Entry<String, double[]> m : markers.entrySet()) {
                double v = m.getValue()[i];
                if (!Double.isNaN(v)) {
                    s.append(
                            String.format(
                                    Locale.ROOT,
                                    "<text x='%.1f' y='%.1f' text-anchor='middle' fill='%s'>◆"
                                            + "<title>%s %s: %.4f</title></text>%n",
                                    LABELS + INTERVAL_PLOT * x.fraction(v),
                                    mid,
                                    MARKER,
                                    HtmlPage.esc(categories.get(i)),
                                    HtmlPage.esc(m.getKey()),
                                    v));
                }
            }
            y += GAP;
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#666'/>%n",
                        zero,
                        zero,
                        T,
                        T + ph));
        int row = 0;
        for (String name : intervals.keySet()) {
            legend(s, LABELS + INTERVAL_PLOT, row++, colour.get(name), "bar", name);
        }
        for (String name : markers.keySet()) {
            legend(s, LABELS + INTERVAL_PLOT, row++, MARKER, "marker", name);
        }
        axisLabels(s, LABELS, INTERVAL_PLOT, ph, width, height);
        return s.append("</svg>\n").toString();
    }

    /** The opening tag, scaling down with its container but never up, and the title. */
    private StringBuilder open(int width, int height) {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 %d %d' width='%d'"
                                + " height='%d' style='max-width:100%%;height:auto'"
                                + " font-family='sans-serif' font-size='11'>%n",
                        width,
                        height,
                        width,
                        height));
        if (!title.isEmpty()) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='%d' y='18' font-size='13' font-weight='bold'>%s</text>%n",
                            L,
                            HtmlPage.esc(title)));
        }
        return s;
    }

    private static void frame(StringBuilder s, int left, int pw, int ph) {
        s.append(
                String.format(
                        Locale.ROOT,
                        "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>%n",
                        left,
                        T,
                        pw,
                        ph));
    }

    private static void yTicks(StringBuilder s, Axis y, int pw, int ph) {
        for (double v : y.ticks()) {
            double py = T + ph - ph * y.fraction(v);
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#eee'/>%n"
                                    + "<text class='y-tick' x='%d' y='%.1f' text-anchor='end'>%s</text>%n",
                            L,
                            L + pw,
                            py,
                            py,
                            L - 4,
                            py + 4,
                            y.label(v)));
        }
    }

    private void axisLabels(StringBuilder s, int left, int pw, int ph, int width, int height) {
        if (!xLabel.isEmpty()) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='%d' y='%d' text-anchor='middle'>%s</text>%n",
                            left + pw / 2,
                            height - 8,
                            HtmlPage.esc(xLabel)));
        }
        if (!yLabel.isEmpty()) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='14' y='%d' text-anchor='middle' transform='rotate(-90 14 %d)'>%s</text>%n",
                            T + ph / 2,
                            T + ph / 2,
                            HtmlPage.esc(yLabel)));
        }
    }

    /** One legend row right of the plot: a line, a dashed line, a bar swatch or a ◆. */
    private static void legend(
            StringBuilder s, int plotRight, int row, String colour, String kind, String name) {
        int ly = T + 12 + 16 * row;
        int x = plotRight + 10;
        if (kind.equals("marker")) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x='%d' y='%d' text-anchor='middle' fill='%s'>◆</text>%n",
                            x + 9,
                            ly,
                            colour));
        } else {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='%s' stroke-width='%d' %s/>%n",
                            x,
                            x + 18,
                            ly - 4,
                            ly - 4,
                            colour,
                            kind.equals("bar") ? 8 : 2,
                            kind.equals("dashed") ? "stroke-dasharray='4 3'" : ""));
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "<text x='%d' y='%d'>%s</text>%n",
                        x + 22,
                        ly,
                        HtmlPage.esc(name)));
    }

    private static String fmt(double v) {
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return Math.abs(v) >= 10
                ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * An axis from {@code min} to {@code max} with ticks every {@code step}, a 1, 2 or 5 times a
     * power of ten, and at least 1 when the data are whole numbers.
     */
    record Axis(double min, double max, double step) {
        private static final int TICKS = 5;

        /**
         * The axis over data from {@code lo} to {@code hi}; {@code extend} widens it to the ticks
         * around the data, otherwise it spans the data and ticks fall inside.
         */
        static Axis over(double lo, double hi, boolean whole, boolean extend) {
            if (!(hi > lo)) {
                hi = lo + 1;
            }
            double step = step((hi - lo) / TICKS);
            if (whole) {
                step = Math.max(1, step);
            }
            if (extend) {
                lo = Math.floor(lo / step + 1e-9) * step;
                hi = Math.ceil(hi / step - 1e-9) * step;
            }
            return new Axis(lo, hi, step);
        }

        /** The 1-2-5 step nearest above a raw step. */
        static double step(double raw) {
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double norm = raw / mag;
            return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
        }

        static boolean whole(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15;
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            long first = (long) Math.ceil(min / step - 1e-9);
            long last = (long) Math.floor(max / step + 1e-9);
            for (long k = first; k <= last; k++) {
                out.add(k * step);
            }
            return out;
        }

        /** Where {@code v} lies along the axis, 0 at its start and 1 at its end. */
        double fraction(double v) {
            return (v - min) / (max - min);
        }

        /** A tick label with as many decimals as the step needs: none for whole steps. */
        String label(double v) {
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
            if (Math.abs(v) < step / 2) {
                v = 0;
            }
            return String.format(Locale.ROOT, "%,." + decimals + "f", v);
        }
    }
}
