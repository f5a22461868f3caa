package io.retentionloop.ops;

import picocli.CommandLine;

/**
 * Entry of the stand-alone operator tools: a failure prints {@code error: <message>} instead of a
 * stack trace and exits 2 for bad input, 1 for anything else.
 */
final class OpsCli {

    private OpsCli() {}

    static void exit(Object command, String[] args) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + e.getMessage());
                    return e instanceof IllegalArgumentException ? 2 : 1;
                });
        System.exit(cli.execute(args));
    }
}
