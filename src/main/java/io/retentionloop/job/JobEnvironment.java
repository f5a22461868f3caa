package io.retentionloop.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The environment settings that belong to the application and must hold on every cluster:
 * exactly-once checkpoints, compressed snapshots, parallelism bounds, no Kryo fallback, no
 * generated uids.
 */
public final class JobEnvironment {
    private JobEnvironment() {}

    public static void configure(StreamExecutionEnvironment env, JobConfig config) {
        JobConfig.Runtime job = config.job();
        env.setParallelism(job.parallelism());
        env.setMaxParallelism(job.maxParallelism());
        env.enableCheckpointing(
                job.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        Configuration pipeline = new Configuration();
        // state types must have explicit serializers: a Kryo fallback breaks upgrades silently
        pipeline.set(PipelineOptions.GENERIC_TYPES, false);
        // every stateful operator has a fixed uid; fail the build of the graph otherwise
        pipeline.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        pipeline.set(PipelineOptions.NAME, job.name());
        // Flink restores uncompressed operator state one byte per read from the file (2.2:
        // CompressibleFSDataInputStream reads byte by byte when nothing decompresses), which made
        // the learner's tens of MB take two minutes; compressed, they are read through Snappy's
        // buffer in about a second, and checkpoints and savepoints shrink by half
        pipeline.set(ExecutionOptions.SNAPSHOT_COMPRESSION, true);
        env.configure(pipeline);
    }
}
