package io.retentionloop.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The project's command line: one entry point, a subcommand per task, {@code --help} on each. */
@Command(
        name = "retention-loop",
        mixinStandardHelpOptions = true,
        version = "retention-loop 0.2.0",
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
            io.retentionloop.ops.SimulateCommand.class,
            io.retentionloop.ops.TopicsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        return execute(commandLine(), args);
    }

    /**
     * The command line with every command this classpath can run. The operator tools, {@code sql}
     * and {@code inspect-savepoint}, need Flink's Table and State Processor APIs, which the job jar
     * leaves out (a cluster provides neither to a job): there they are absent instead of breaking
     * every other command.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        addIf(cli, "org.apache.flink.table.api.TableResult", "io.retentionloop.ops.SqlRunner");
        addIf(
                cli,
                "org.apache.flink.state.api.SavepointReader",
                "io.retentionloop.ops.SavepointInspector");
        return cli;
    }

    private static void addIf(CommandLine cli, String needs, String command) {
        ClassLoader loader = Main.class.getClassLoader();
        try {
            Class.forName(needs, false, loader);
        } catch (ClassNotFoundException absent) {
            return;
        }
        try {
            cli.addSubcommand(
                    Class.forName(command, true, loader).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the command " + command, e);
        }
    }

    /**
     * Runs a command line with the project's one error convention: bad input ({@link
     * IllegalArgumentException}, a missing file) prints one {@code error:} line and exits 2; any
     * other failure prints one {@code error:} line and exits 1, with the stack trace in the log
     * file ({@code conf/log4j-cli.properties}), not on the terminal.
     */
    public static int execute(CommandLine cli, String... args) {
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    java.nio.file.NoSuchFileException missing = missingFile(e);
                    if (missing != null) {
                        LOG.warn("{} failed", cmd.getCommandName(), e);
                        cmd.getErr().println("error: " + missing.getFile() + ": no such file");
                        return 2;
                    }
                    if (e instanceof IllegalArgumentException) {
                        cmd.getErr().println("error: " + message(e));
                        return 2;
                    }
                    LOG.warn("{} failed", cmd.getCommandName(), e);
                    cmd.getErr().println("error: " + message(e));
                    return 1;
                });
        return cli.execute(args);
    }

    /** A missing file anywhere in the causes of {@code e}, or null. */
    private static java.nio.file.NoSuchFileException missingFile(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.NoSuchFileException f) {
                return f;
            }
        }
        return null;
    }

    /** One line: the message, or the exception's name where it has none. */
    private static String message(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank()
                ? e.getClass().getSimpleName()
                : m.strip().lines().findFirst().orElse(m);
    }
}
