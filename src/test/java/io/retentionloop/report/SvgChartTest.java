package io.retentionloop.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Ticks on round numbers, colours by series name, charts that scale with the page. */
class SvgChartTest {
    private static final Pattern POLYLINE =
            Pattern.compile("<polyline [^>]*stroke='(#[0-9a-f]{6})'");

    /** The labels of one axis, {@code x-tick} or {@code y-tick}, in drawing order. */
    static List<String> ticks(String svg, String axis) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<text class='" + axis + "'[^>]*>([^<]*)</text>").matcher(svg);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<Double> values(List<String> labels) {
        return labels.stream().map(l -> Double.parseDouble(l.replace(",", ""))).toList();
    }

    @Test
    void wholeNumberDataGetWholeNumberTicks() {
        String svg =
                new SvgChart("t", "week", "round")
                        .line("a", new double[] {1, 2, 3}, new double[] {1, 2, 1})
                        .line("b", new double[] {1, 2, 3}, new double[] {2, 2, 1})
                        .render();
        assertThat(ticks(svg, "x-tick")).containsExactly("1", "2", "3");
        assertThat(ticks(svg, "y-tick")).containsExactly("0", "1", "2");
    }

    @Test
    void wholeNumberBarsGetWholeNumberTicks() {
        String svg =
                new SvgChart("t", "round", "count")
                        .bars("idle", List.of("round 1", "round 2"), new double[] {3, 1})
                        .level("goal", 2)
                        .render();
        List<String> y = ticks(svg, "y-tick");
        assertThat(y).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain("."));
        assertThat(values(y)).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0);
    }

    @Test
    void largeWholeNumbersAreGroupedWithoutDecimals() {
        String svg =
                new SvgChart("t", "round", "events/s")
                        .bars("bare", List.of("round 1"), new double[] {123_456})
                        .render();
        assertThat(ticks(svg, "y-tick")).contains("0", "20,000", "120,000", "140,000");
    }

    @Test
    void fractionalDataGetNiceSteps() {
        String svg =
                new SvgChart("t", "share", "share")
                        .line("a", new double[] {0, 0.37, 1}, new double[] {0, 0.41, 0.87})
                        .render();
        assertThat(ticks(svg, "y-tick")).containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");
        assertThat(ticks(svg, "x-tick")).containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");
        String small =
                new SvgChart("t", "x", "y")
                        .line("a", new double[] {1, 2}, new double[] {0.013, 0.071})
                        .render();
        List<Double> y = values(ticks(small, "y-tick"));
        assertThat(y).first().isEqualTo(0.0);
        for (int i = 1; i < y.size(); i++) {
            assertThat(y.get(i) - y.get(i - 1))
                    .isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(SvgChart.Axis.step(0.13))
                .isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(SvgChart.Axis.step(0.3))
                .isEqualTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(SvgChart.Axis.step(4)).isEqualTo(5);
        assertThat(SvgChart.Axis.step(80)).isEqualTo(100);
        SvgChart.Axis axis = SvgChart.Axis.over(1, 26, true, false);
        assertThat(axis.step()).isEqualTo(5);
        assertThat(axis.ticks()).containsExactly(5.0, 10.0, 15.0, 20.0, 25.0);
        assertThat(SvgChart.Axis.over(0, 0.4, true, true).step()).isEqualTo(1);
    }

    @Test
    void aSeriesKeepsItsColourWhateverElseIsDrawn() {
        String one =
                new SvgChart("t", "x", "y")
                        .line("IPS", new double[] {1, 2}, new double[] {1, 2})
                        .line("SNIPS", new double[] {1, 2}, new double[] {1, 2})
                        .line("DR", new double[] {1, 2}, new double[] {1, 2})
                        .render();
        String other =
                new SvgChart("t", "x", "y")
                        .line("oracle", new double[] {1, 2}, new double[] {1, 2})
                        .line("DR", new double[] {1, 2}, new double[] {1, 2})
                        .line("IPS", new double[] {1, 2}, new double[] {1, 2})
                        .render();
        List<String> a = strokes(one);
        List<String> b = strokes(other);
        assertThat(b.get(2)).isEqualTo(a.get(0));
        assertThat(b.get(1)).isEqualTo(a.get(2));
        String bars =
                new SvgChart("t", "x", "y").bars("IPS", List.of("c"), new double[] {1}).render();
        assertThat(bars).contains("fill='" + a.get(0) + "'");
    }

    @Test
    void seriesInOneChartNeverShareAColour() {
        // "fixed:email" and "fixed:push" hash to the same colour, as do "Aa" and "BB"
        List<String> names =
                List.of("fixed:email", "fixed:push", "Aa", "BB", "learned", "oracle", "none");
        Map<String, String> colours = SvgChart.colours(names);
        assertThat(new HashSet<>(colours.values())).hasSize(names.size());
        assertThat(SvgChart.colours(List.of("fixed:push", "fixed:email")))
                .isEqualTo(SvgChart.colours(List.of("fixed:email", "fixed:push")));
        assertThat(colours.get("learned"))
                .isEqualTo(SvgChart.colours(List.of("learned")).get("learned"));
    }

    @Test
    void chartsScaleDownWithThePage() {
        for (String svg :
                List.of(
                        new SvgChart("t", "x", "y")
                                .line("a", new double[] {1, 2}, new double[] {1, 2})
                                .render(),
                        new SvgChart("t", "x", "y")
                                .bars("a", List.of("c"), new double[] {1})
                                .render(),
                        new SvgChart("", "x", "")
                                .intervals(
                                        "a",
                                        List.of("c"),
                                        new double[] {1},
                                        new double[] {0.5},
                                        new double[] {1.5})
                                .render())) {
            assertThat(svg).containsPattern("<svg [^>]*viewBox='0 0 \\d+ \\d+'");
            assertThat(svg).containsPattern("<svg [^>]*style='max-width:100%;height:auto'");
        }
    }

    @Test
    void intervalsShowTheirWhiskersAndMarkers() {
        List<String> rows = List.of("uniform", "ridge-greedy − uniform");
        String svg =
                new SvgChart("", "difference", "")
                        .intervals(
                                "DR",
                                rows,
                                new double[] {0.1, -0.02},
                                new double[] {0.05, -0.06},
                                new double[] {0.15, 0.01})
                        .intervals(
                                "IPS",
                                rows,
                                new double[] {0.12, Double.NaN},
                                new double[] {0.02, Double.NaN},
                                new double[] {0.2, Double.NaN})
                        .markers("actual", rows, new double[] {0.11, Double.NaN})
                        .render();
        assertThat(svg.split("class='whisker'", -1)).hasSize(4);
        assertThat(svg.split("◆", -1)).hasSize(3);
        assertThat(svg).contains("ridge-greedy − uniform", "DR", "IPS", "actual");
        assertThat(values(ticks(svg, "x-tick"))).contains(0.0);
    }

    private static List<String> strokes(String svg) {
        List<String> out = new ArrayList<>();
        Matcher m = POLYLINE.matcher(svg);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
