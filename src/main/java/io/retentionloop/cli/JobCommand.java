package io.retentionloop.cli;

import io.retentionloop.job.JobConfig;
import io.retentionloop.job.RetentionLoopJob;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs the job on whatever Flink environment launched it (a cluster, through flink run or REST).
 */
@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        description = {
            "Run the retention-loop job on the Flink cluster that launched this program"
                    + " (the main class of the job jar).",
            "Cluster settings come from the cluster's config.yaml; application settings from"
                    + " --config and --set."
        })
final class JobCommand implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        JobConfig c = config.load();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RetentionLoopJob.build(env, c);
        env.execute(c.job().name());
        return 0;
    }
}
