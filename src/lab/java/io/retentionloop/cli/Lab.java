package io.retentionloop.cli;

import io.retentionloop.learner.LearnerBenchmark;
import io.retentionloop.local.LearnerProbe;
import io.retentionloop.ops.CompatSavepoint;
import io.retentionloop.simulate.SimulatorBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The lab's command line ({@code jobs/lab.sh}): research and diagnostic tools that are not part of
 * the job or the product CLI and do not ship in its jar. Same conventions as {@link Main}.
 */
@Command(
        name = "retention-loop-lab",
        mixinStandardHelpOptions = true,
        version = "retention-loop-lab 0.2.0",
        description = {
            "Research and diagnostic tools beside the product: not in the job jar, built from"
                    + " src/lab/java with the tests."
        },
        subcommands = {
            PolicyCeilingCommand.class,
            LearnerProbe.Cli.class,
            HillstromCommand.class,
            LearnerBenchmark.class,
            SimulatorBenchmark.class,
            CompatSavepoint.class,
            io.retentionloop.job.ConfigReference.class,
            CommandLine.HelpCommand.class
        })
public final class Lab implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a lab command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        return Main.execute(new CommandLine(new Lab()), args);
    }
}
