package io.retentionloop.learner.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.cli.Lab;
import io.retentionloop.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retention-loop evaluate-policy ...} and the lab's {@code hillstrom} through the real
 * command lines.
 */
class EvaluatePolicyCliTest {
    @TempDir Path dir;

    private static String run(String... args) {
        return capture(() -> Main.execute(args));
    }

    private static String lab(String... args) {
        return capture(() -> Lab.execute(args));
    }

    private static String capture(IntSupplier command) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(command.getAsInt()).as("exit code").isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String help = lab("hillstrom", "--help");
        assertThat(help)
                .contains("--data", "../shared/data/hillstrom/hillstrom.csv")
                .contains("--reward", "default spend")
                .contains("--email-cost", "default 0.10")
                .contains("--seed", "--bootstrap", "default 1000")
                .contains("--out", "--learners", "--confidence", "--train-fraction");
        assertThat(run("evaluate-policy", "log", "--help"))
                .contains("--decisions", "--target", "target_probabilities", "propensity");
        assertThat(run("evaluate-policy")).contains("log").doesNotContain("hillstrom");
        assertThat(run("--help")).doesNotContain("policy-ceiling");
        assertThat(lab("--help")).contains("hillstrom", "policy-ceiling", "learner-probe");
    }

    @Test
    void hillstromWritesAReportWhoseFixedArmsCoverTheirActualMeans() throws Exception {
        Path out = dir.resolve("h");
        String stdout =
                lab(
                        "hillstrom",
                        "--reward",
                        "visit",
                        "--learners",
                        "ridge-greedy",
                        "--bootstrap",
                        "100",
                        "--seed",
                        "3",
                        "--out",
                        out.toString());
        assertThat(stdout).contains("ridge-greedy", "covered").doesNotContain("NOT covered");
        JsonNode r = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode mens = r.get("policies").get("fixed:Mens E-Mail");
        for (String est : new String[] {"IPS", "SNIPS", "DR"}) {
            JsonNode e = mens.get(est);
            assertThat(e.get("ci_low").asDouble()).isLessThan(e.get("ci_high").asDouble());
            assertThat(e.has("se") && e.has("ess") && e.has("estimate")).isTrue();
        }
        assertThat(r.get("actual_arm_means").get("No E-Mail").get("all").asDouble())
                .isCloseTo(0.1062, within(0.0001));
        assertThat(
                        r.get("comparisons")
                                .get("ridge-greedy − uniform")
                                .get("DR")
                                .get("verdict")
                                .asText())
                .isEqualTo("better");
        assertThat(Files.readString(out.resolve("report.html"))).contains("<svg", "<table");
    }

    @Test
    void logWritesAReport() throws Exception {
        Path log = LogEvaluationTest.writeLog(dir.resolve("d.jsonl"), 500, 9, false);
        Path out = dir.resolve("l");
        String stdout =
                run(
                        "evaluate-policy",
                        "log",
                        "--decisions",
                        log.toString(),
                        "--target",
                        "fixed:1",
                        "--target",
                        "uniform",
                        "--bootstrap",
                        "100",
                        "--out",
                        out.toString());
        assertThat(stdout).contains("fixed:1", "uniform", "logging");
        JsonNode r = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(r.get("policies").get("uniform").get("SNIPS").get("ess").asDouble())
                .isGreaterThan(100);
        assertThat(r.get("decisions").asInt()).isEqualTo(500);
    }

    @Test
    void badArgumentsExitWithAnError() {
        assertThat(Lab.execute("hillstrom", "--reward", "profit")).isEqualTo(2);
        assertThat(
                        Main.execute(
                                "evaluate-policy",
                                "log",
                                "--decisions",
                                dir.resolve("none").toString()))
                .isEqualTo(2);
    }
}
