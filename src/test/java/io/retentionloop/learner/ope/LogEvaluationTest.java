package io.retentionloop.learner.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogEvaluationTest {
    @TempDir Path dir;

    /** The synthetic logs as JSON lines, with the synthetic target's probabilities. */
    static Path writeLog(Path file, int n, long seed, boolean withTarget) throws IOException {
        List<String> lines = new ArrayList<>();
        Policy target = SyntheticLogs.target();
        for (LoggedDecision d : SyntheticLogs.logs(n, seed)) {
            double[] x = d.context();
            StringBuilder s =
                    new StringBuilder(
                            String.format(
                                    Locale.ROOT,
                                    "{\"decision_id\":\"d%d\",\"action\":%d,\"propensity\":%.17g,"
                                            + "\"reward\":%.17g,\"context\":[%.17g,%.17g,%.17g]",
                                    lines.size(),
                                    d.action(),
                                    d.propensity(),
                                    d.reward(),
                                    x[0],
                                    x[1],
                                    x[2]));
            if (withTarget) {
                double[] p = target.probabilities(x);
                s.append(
                        String.format(
                                Locale.ROOT,
                                ",\"target_probabilities\":[%.17g,%.17g,%.17g]",
                                p[0],
                                p[1],
                                p[2]));
            }
            lines.add(s.append('}').toString());
            if (lines.size() == 5) {
                lines.add(""); // blank lines are skipped
            }
        }
        Files.write(file, lines);
        return file;
    }

    @Test
    void evaluatesLoggedTargetProbabilitiesAndNamedPoliciesAgainstTheLoggingPolicy()
            throws IOException {
        Path file = writeLog(dir.resolve("d.jsonl"), 2000, 5, true);
        List<DecisionLog.Entry> entries = DecisionLog.read(file);
        assertThat(entries).hasSize(2000);
        OpeReport report =
                LogEvaluation.run(
                        entries,
                        List.of("uniform", "fixed:1"),
                        0,
                        new Bootstrap(200, 0.95, 1),
                        1.0,
                        "d");
        var values = report.section(LogEvaluation.POLICIES).rows();
        assertThat(values).containsOnlyKeys(LogEvaluation.LOGGING, "target", "uniform", "fixed:1");
        // same numbers as the estimators on the in-memory logs
        List<LoggedDecision> logs = SyntheticLogs.logs(2000, 5);
        double ips =
                new Ips(new Bootstrap(200, 0.95, 1))
                        .estimate(SyntheticLogs.target(), logs)
                        .estimate();
        assertThat(values.get("target").get("IPS").estimate()).isCloseTo(ips, within(1e-9));
        double truth = SyntheticLogs.trueValue(SyntheticLogs.target());
        assertThat(values.get("target").get("DR").covers(truth)).isTrue();
        double meanReward =
                logs.stream().mapToDouble(LoggedDecision::reward).average().orElseThrow();
        assertThat(values.get(LogEvaluation.LOGGING).get("mean").estimate())
                .isCloseTo(meanReward, within(1e-9));
        var diffs = report.section(LogEvaluation.COMPARISONS).rows();
        assertThat(diffs.get("fixed:1 − logging").get("SNIPS").estimate())
                .isCloseTo(
                        values.get("fixed:1").get("SNIPS").estimate() - meanReward, within(1e-9));
        assertThat(report.toJson().get("actions").asInt()).isEqualTo(3);
    }

    @Test
    void needsATarget() throws IOException {
        Path file = writeLog(dir.resolve("d.jsonl"), 50, 5, false);
        List<DecisionLog.Entry> entries = DecisionLog.read(file);
        assertThatThrownBy(
                        () -> LogEvaluation.run(entries, List.of(), 0, Bootstrap.DEFAULT, 1.0, "d"))
                .hasMessageContaining("no --target");
        assertThatThrownBy(
                        () ->
                                LogEvaluation.run(
                                        entries,
                                        List.of("fixed:3"),
                                        0,
                                        Bootstrap.DEFAULT,
                                        1.0,
                                        "d"))
                .hasMessageContaining("outside 0..2");
        assertThatThrownBy(
                        () ->
                                LogEvaluation.run(
                                        entries, List.of("greedy"), 0, Bootstrap.DEFAULT, 1.0, "d"))
                .hasMessageContaining("fixed:<action> or uniform");
    }

    @Test
    void malformedLinesFailWithTheirLineNumber() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(
                file,
                "{\"action\":0,\"propensity\":0.5,\"reward\":1,\"context\":[]}\n"
                        + "{\"action\":1,\"propensity\":0,\"reward\":1,\"context\":[]}\n");
        assertThatThrownBy(() -> DecisionLog.read(file))
                .hasMessageContaining("bad.jsonl:2")
                .hasMessageContaining("propensity");
        Files.writeString(
                file, "{\"action\":0.5,\"propensity\":0.5,\"reward\":1,\"context\":[]}\n");
        assertThatThrownBy(() -> DecisionLog.read(file)).hasMessageContaining("integer");
        Files.writeString(file, "{\"action\":0,\"propensity\":0.5,\"context\":[]}\n");
        assertThatThrownBy(() -> DecisionLog.read(file)).hasMessageContaining("'reward'");
    }
}
