package io.retentionloop.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The page skeleton every report shares. */
class HtmlPageTest {
    @Test
    void writesOneSelfContainedPage() {
        String html =
                new HtmlPage("A & B")
                        .heading("Part <1>")
                        .paragraph("x < y")
                        .preformatted("{\"a\": 1}")
                        .render();
        assertThat(html)
                .startsWith("<!doctype html>")
                .contains(
                        "<meta charset='utf-8'>", "<title>A &amp; B</title>", "<h1>A &amp; B</h1>")
                .contains("<h2>Part &lt;1&gt;</h2>", "<p>x &lt; y</p>", "&quot;a&quot;")
                .doesNotContain("<script");
        assertThat(html.split("<style>", -1)).hasSize(2);
    }

    @Test
    void tablesStayInsideThePage() {
        String html =
                new HtmlPage("t")
                        .table(
                                List.of("policy", "profit/user", "share"),
                                List.of(List.of("fixed:<x>", "-1,234.50", "12%")))
                        .render();
        assertThat(html).contains("<div class='table'><table>");
        assertThat(HtmlPage.CSS).contains(".table{max-width:100%;overflow-x:auto");
        assertThat(html)
                .contains("<td>fixed:&lt;x&gt;</td>")
                .contains("<td class='n'>-1,234.50</td>")
                .contains("<td class='n'>12%</td>");
    }

    @Test
    void chartsScaleDownWithThePage() {
        String html =
                new HtmlPage("t")
                        .charts(
                                new SvgChart("c", "x", "y")
                                        .line("a", new double[] {1, 2}, new double[] {1, 2}))
                        .render();
        assertThat(html).contains("<svg", "viewBox=");
        assertThat(HtmlPage.CSS).contains("svg{max-width:100%;height:auto");
    }
}
