package io.retentionloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code evaluate-clv}'s options as the evaluation gets them, and its fast failures. */
class EvaluateClvCommandTest {
    @TempDir Path dir;

    private static EvaluateClvCommand parse(String... args) {
        EvaluateClvCommand c = new EvaluateClvCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void theSeedReachesTheValueModelsTraining() {
        String[] base = {
            "--transactions",
            "t.csv",
            "--calibration-end",
            "1997-09-30",
            "--holdout-end",
            "1998-06-30"
        };
        assertThat(parse(base).settings().trainer().seed()).isEqualTo(42);
        String[] seeded = java.util.Arrays.copyOf(base, base.length + 2);
        seeded[base.length] = "--seed";
        seeded[base.length + 1] = "7";
        assertThat(parse(seeded).settings().trainer().seed()).isEqualTo(7);
        assertThat(parse(seeded).settings().seed()).isEqualTo(7);
    }

    @Test
    void helpHasNoFormatWarningsAndStatesTheCsvRules() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute("evaluate-clv", "--help")).isZero();
            assertThat(Main.execute("train-clv", "--help")).isZero();
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("WARN", "picocli");
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("80%", "byte order mark", "--timezone", "double-quoted", "UTC day");
    }

    @Test
    void anEmptyHoldoutFailsBeforeAnyTraining() throws Exception {
        Path tx =
                Files.writeString(
                        dir.resolve("tx.csv"),
                        "user_id,timestamp,amount\nu1,2025-01-03,10\nu2,2025-02-03,5\n");
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code =
                    Main.execute(
                            "evaluate-clv",
                            "--transactions",
                            tx.toString(),
                            "--calibration-end",
                            "2025-03-31",
                            "--holdout-end",
                            "2025-06-30",
                            "--out",
                            dir.resolve("out").toString());
        } finally {
            System.setErr(oldErr);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: no purchases in the holdout")
                .contains("from 2025-01-03 to 2025-02-03");
    }
}
