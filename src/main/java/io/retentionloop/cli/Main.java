package io.retentionloop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The project's command line: one entry point, a subcommand per task, {@code --help} on each. */
@Command(
        name = "retention-loop",
        mixinStandardHelpOptions = true,
        version = "retention-loop 0.1.0",
        description = "User lifecycle state, value model and retention agent on Apache Flink.",
        subcommands = {
            LocalCommand.class,
            JobCommand.class,
            TrainClvCommand.class,
            AnnounceModelCommand.class,
            BenchmarkCommand.class,
            EvaluateClvCommand.class,
            ComparePoliciesCommand.class,
            EvaluatePolicyCommand.class,
            PolicyCeilingCommand.class,
            io.retentionloop.ops.SimulateCommand.class,
            io.retentionloop.ops.TopicsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    if (e instanceof IllegalArgumentException) {
                        cmd.getErr().println("error: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        return cli.execute(args);
    }
}
