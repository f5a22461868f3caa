package io.retentionloop.local;

import java.net.URI;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink MiniCluster in this JVM with its REST API and web UI, for the embedded default and the
 * tests. Task managers can be killed and started to inject real failures.
 */
public final class LocalFlink implements AutoCloseable {
    private final MiniCluster cluster;

    private LocalFlink(MiniCluster cluster) {
        this.cluster = cluster;
    }

    public static LocalFlink start(Configuration conf, int taskManagers, int slotsPerTaskManager)
            throws Exception {
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(taskManagers)
                                .setNumSlotsPerTaskManager(slotsPerTaskManager)
                                .build());
        cluster.start();
        return new LocalFlink(cluster);
    }

    /** Submits the graph defined on {@code env} and returns its job id. */
    public JobID submit(StreamExecutionEnvironment env, String name) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return cluster.submitJob(graph).get().getJobID();
    }

    public URI restAddress() throws Exception {
        return cluster.getRestAddress().get();
    }

    public JobStatus status(JobID job) throws Exception {
        return cluster.getJobStatus(job).get();
    }

    public void cancel(JobID job) throws Exception {
        if (!status(job).isGloballyTerminalState()) {
            cluster.cancelJob(job).get();
        }
    }

    /** Kills task manager {@code index} as a crash would (its tasks fail, the job restarts). */
    public void killTaskManager(int index) throws Exception {
        cluster.terminateTaskManager(index).get();
    }

    public void startTaskManager() throws Exception {
        cluster.startTaskManager();
    }

    public MiniCluster miniCluster() {
        return cluster;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
