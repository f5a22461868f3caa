package io.retentionloop.cli;

import io.retentionloop.job.JobConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that runs the job shares: the application config and overrides. */
final class ConfigOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Application config overriding the defaults (conf/retention-loop.yaml documents"
                            + " every key).")
    Path config;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Override one config key, e.g. --set lifecycle.window=3d; below a map the rest"
                            + " is the entry's name: --set kafka.properties.security.protocol=SSL."
                            + " Repeatable. Never put a secret here literally (Flink logs a job's"
                            + " arguments and returns them in REST errors): use"
                            + " '$${env:NAME}' or '$${file:/path}' (single-quoted), or"
                            + " kafka.properties-file.")
    List<String> overrides = new ArrayList<>();

    JobConfig load() {
        return JobConfig.load(config, overrides);
    }
}
