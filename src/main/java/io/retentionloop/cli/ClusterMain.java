package io.retentionloop.cli;

import io.retentionloop.security.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * The entry class for programs that run inside a Flink JobManager: REST {@code /jars/{id}/run},
 * application mode (Kubernetes operator, {@code standalone-job}). It runs the same command line as
 * {@link Main} but never calls {@code System.exit}, which there would stop the JobManager itself; a
 * failure (e.g. an invalid setting) is thrown with its message, so the submitter sees it in the
 * REST response.
 */
public final class ClusterMain {
    private ClusterMain() {}

    public static void main(String[] args) throws Exception {
        // the job only: the operator tools stay out of a JobManager
        CommandLine cli = new CommandLine(new Main());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        // Flink's own control flow (e.g. the exception that ends plan extraction) must get out
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    throw e;
                });
        int code = cli.execute(args);
        if (code != 0) {
            throw new IllegalArgumentException(
                    "retention-loop "
                            // Flink returns this in the REST response and logs it
                            + String.join(" ", Secrets.maskArgs(List.of(args)))
                            + " failed with exit code "
                            + code
                            + ": "
                            + masked(err.toString().strip().lines().findFirst().orElse(""), args));
        }
    }

    /** {@code line} with every secret argument (picocli quotes a bad one) in its masked form. */
    private static String masked(String line, String[] args) {
        for (String a : args) {
            String m = Secrets.maskAssignment(a);
            if (!m.equals(a)) {
                line = line.replace(a, m);
            }
        }
        return line;
    }
}
