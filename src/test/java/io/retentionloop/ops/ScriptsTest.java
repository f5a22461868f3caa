package io.retentionloop.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code jobs/} scripts and the CLI as a user meets them, run from another directory: bad
 * arguments and an unreachable cluster give one clear line and exit codes, never a traceback; the
 * CLI reads a user's relative path from the user's directory.
 */
class ScriptsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    /** No Flink listens here. */
    private static final String NOWHERE = "http://127.0.0.1:9";

    @TempDir Path elsewhere;

    private record Run(int exit, String out, String err) {}

    private Run run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(elsewhere.toFile());
        pb.environment().putAll(env);
        Path out = elsewhere.resolve("stdout");
        Path err = elsewhere.resolve("stderr");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s finished", List.of(command)).isTrue();
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private Run script(String name, String... args) throws Exception {
        List<String> cmd =
                new ArrayList<>(List.of("bash", ROOT.resolve("jobs/" + name).toString()));
        cmd.addAll(List.of(args));
        return run(Map.of("FLINK_REST_URL", NOWHERE), cmd.toArray(String[]::new));
    }

    @Test
    void anOptionWhereTheSavepointGoesIsNamedAsSuch() throws Exception {
        Run r = script("restore.sh", "--parallelism", "2");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("name the savepoint first").doesNotContain("directory --");
        assertThat(script("inspect-savepoint.sh", "--user", "u1").exit()).isEqualTo(2);
    }

    @Test
    void inspectSavepointTakesTheFileUriThatSavepointPrints() throws Exception {
        for (String uri : List.of("file:/no/such/savepoint", "file:///no/such/savepoint")) {
            Run r = script("inspect-savepoint.sh", uri);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err().strip())
                    .endsWith("no savepoint directory /no/such/savepoint")
                    .doesNotContain(elsewhere.toString());
        }
    }

    @Test
    void anUnreachableClusterIsOneLineNotATraceback() throws Exception {
        for (String s : List.of("list.sh", "cancel.sh", "savepoint.sh")) {
            Run r = script(s);
            assertThat(r.exit()).as(s).isEqualTo(1);
            assertThat(r.err())
                    .as(s)
                    .contains("cannot reach Flink REST at " + NOWHERE)
                    .doesNotContain("Traceback", "Error:");
        }
    }

    @Test
    void theCliReadsRelativePathsFromTheCallersDirectoryAndFailsInOneLine() throws Exception {
        Files.writeString(
                elsewhere.resolve("tx.csv"),
                "user_id,date,amount\nu1,2025-01-02T10:00:00Z,10\n",
                StandardCharsets.UTF_8);
        Run missing =
                run(
                        Map.of(),
                        java(
                                "train-clv",
                                "--transactions",
                                "nothere.csv",
                                "--format",
                                "csv",
                                "--out",
                                "m.model"));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip().lines()).hasSize(1);
        assertThat(missing.err()).startsWith("error: ").contains("nothere.csv");
        // the same command finds a file given relative to where it runs
        Run found =
                run(
                        Map.of(),
                        java(
                                "train-clv",
                                "--transactions",
                                "tx.csv",
                                "--format",
                                "csv",
                                "--out",
                                "m.model"));
        assertThat(found.err()).doesNotContain("nothere", "tx.csv: no such file");
    }

    /** The CLI in a fresh JVM with this test's classpath, the project as its home. */
    private static String[] java(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Dretentionloop.home=" + ROOT);
        cmd.add("-Dlog4j.configurationFile=" + ROOT.resolve("conf/log4j-cli.properties"));
        cmd.add("io.retentionloop.cli.Main");
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }
}
