package io.retentionloop.benchmark;

import io.retentionloop.ops.SavepointInspector;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.runtime.SavepointLoader;

/**
 * Keyed-state bytes of a savepoint per operator uid, read from its metadata alone (the sizes Flink
 * recorded for each subtask's keyed state handles, managed and raw), so it needs no knowledge of
 * the operators' state layout. Operator state (e.g. the learner's network and replay buffer, the
 * scorer's pending batch) is reported apart: it does not grow with users, but it weighs on
 * restores.
 */
record StateSize(
        Map<String, Long> keyedBytesByUid,
        long keyedBytes,
        Map<String, Long> operatorBytesByUid,
        long operatorBytes) {

    /** Reads the metadata of the savepoint (or retained checkpoint) at {@code path}. */
    static StateSize read(String path) throws IOException {
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(path);
        Map<OperatorID, String> uids = SavepointInspector.knownUids();
        Map<String, Long> keyedByUid = new TreeMap<>();
        Map<String, Long> operatorByUid = new TreeMap<>();
        for (OperatorState op : metadata.getOperatorStates()) {
            long keyed = 0;
            long operator = 0;
            for (OperatorSubtaskState s : op.getStates()) {
                keyed +=
                        s.getManagedKeyedState().getStateSize()
                                + s.getRawKeyedState().getStateSize();
                operator +=
                        s.getManagedOperatorState().getStateSize()
                                + s.getRawOperatorState().getStateSize();
            }
            String uid =
                    uids.getOrDefault(
                            op.getOperatorID(),
                            op.getOperatorUid().orElse(op.getOperatorID().toHexString()));
            if (keyed > 0) {
                keyedByUid.merge(uid, keyed, Long::sum);
            }
            if (operator > 0) {
                operatorByUid.merge(uid, operator, Long::sum);
            }
        }
        return new StateSize(keyedByUid, sum(keyedByUid), operatorByUid, sum(operatorByUid));
    }

    private static long sum(Map<String, Long> bytes) {
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }
}
