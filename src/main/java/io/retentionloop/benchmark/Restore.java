package io.retentionloop.benchmark;

import io.retentionloop.local.LocalFlink;
import io.retentionloop.ops.metrics.InProcessMetrics;
import java.nio.file.Path;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Snapshots of a running benchmark job, and how long a graph takes to come back from one: from
 * submission until every task is RUNNING (or FINISHED, as the empty model and policy sources are),
 * which is when RocksDB holds the restored state again.
 */
final class Restore {
    /** What the last idle run left to restore from. */
    record Snapshots(String savepoint, String checkpoint, long usersInState) {}

    private Restore() {}

    /**
     * A savepoint in canonical format (the format the "keyed state per user" means, and the
     * one that restores across state backends) under {@code dir}, then a checkpoint that outlives
     * the job if its environment retains checkpoints on cancellation; the job keeps running. {@code
     * usersInState} is read once the savepoint is taken.
     */
    static Snapshots take(LocalFlink flink, JobID job, Path dir) throws Exception {
        // a short run can still have tasks starting or finishing (the empty control sources):
        // snapshot once they have settled, and again if one was caught in between
        while (!allRunning(flink.miniCluster().getExecutionGraph(job).get())) {
            Thread.sleep(20);
        }
        String savepoint =
                retried(
                        () ->
                                flink.miniCluster()
                                        .triggerSavepoint(
                                                job,
                                                dir.toUri().toString(),
                                                false,
                                                SavepointFormatType.CANONICAL)
                                        .get());
        long users = InProcessMetrics.gauge("users");
        String checkpoint = retried(() -> flink.miniCluster().triggerCheckpoint(job).get());
        return new Snapshots(savepoint, checkpoint, users);
    }

    private static String retried(java.util.concurrent.Callable<String> snapshot) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return snapshot.call();
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Submits the graph defined on {@code env} restored from {@code path} (null: without state),
     * waits until all its tasks run, cancels it and returns the seconds from submission to running.
     */
    static double secondsToRunning(
            LocalFlink flink, StreamExecutionEnvironment env, String name, String path)
            throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        graph.setSavepointRestoreSettings(
                path == null
                        ? SavepointRestoreSettings.none()
                        : SavepointRestoreSettings.forPath(path, false));
        long t0 = System.nanoTime();
        JobID job = flink.miniCluster().submitJob(graph).get().getJobID();
        try {
            while (!allRunning(flink.miniCluster().getExecutionGraph(job).get())) {
                if (flink.status(job).isGloballyTerminalState()) {
                    throw new IllegalStateException(
                            name + " ended " + flink.status(job) + " while restoring from " + path);
                }
                Thread.sleep(20);
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            flink.cancel(job);
            while (!flink.status(job).isGloballyTerminalState()) {
                Thread.sleep(50);
            }
        }
    }

    private static boolean allRunning(AccessExecutionGraph graph) {
        boolean any = false;
        boolean running = false;
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            any = true;
            ExecutionState s = v.getExecutionState();
            if (s == ExecutionState.RUNNING) {
                running = true;
            } else if (s != ExecutionState.FINISHED) {
                return false;
            }
        }
        return any && running;
    }
}
