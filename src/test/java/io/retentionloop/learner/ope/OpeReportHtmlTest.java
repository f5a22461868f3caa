package io.retentionloop.learner.ope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OPE report's page is drawn by the shared report toolkit. */
class OpeReportHtmlTest {
    private static Estimate estimate(String estimator, double value, double low, double high) {
        return new Estimate(estimator, value, 0.01, low, high, 500, 1000, 0.95, new double[0]);
    }

    private static Map<String, Estimate> estimates(double shift) {
        Map<String, Estimate> out = new LinkedHashMap<>();
        out.put("IPS", estimate("IPS", 0.10 + shift, 0.08 + shift, 0.12 + shift));
        out.put("SNIPS", estimate("SNIPS", 0.11 + shift, 0.09 + shift, 0.13 + shift));
        out.put("DR", estimate("DR", 0.105 + shift, 0.095 + shift, 0.115 + shift));
        return out;
    }

    @Test
    void theChartShowsEveryEstimateWithItsInterval() {
        OpeReport report = new OpeReport("OPE <test>");
        report.values("policies", "Policy values")
                .add("uniform", estimates(0))
                .add("fixed:Mens E-Mail", estimates(0.05))
                .reference("uniform", 0.104);
        report.differences("comparisons", "Against uniform")
                .add("fixed:Mens E-Mail − uniform", estimates(-0.1));
        report.addNote("A note.");
        String html = report.toHtml();
        assertThat(html.split("<svg", -1)).hasSize(3);
        assertThat(html.split("class='whisker'", -1)).hasSize(1 + 9);
        assertThat(html)
                .contains("viewBox=", "max-width:100%", "◆", "<title>uniform DR: 0.1050")
                .contains("<div class='table'><table>", "<td>not separated</td>", "<p>A note.</p>")
                .contains("<title>OPE &lt;test&gt;</title>")
                .doesNotContain("<script");
    }

    @Test
    void theReportDrawsNoSvgOfItsOwn() throws Exception {
        String source =
                Files.readString(
                        Path.of("src/main/java/io/retentionloop/learner/ope/OpeReport.java"));
        assertThat(source).doesNotContain("<svg", "<!DOCTYPE", "<!doctype", "<style");
    }
}
