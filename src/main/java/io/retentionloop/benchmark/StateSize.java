package io.retentionloop.benchmark;

import io.retentionloop.job.Uids;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.runtime.SavepointLoader;

/**
 * Keyed-state bytes of a savepoint per operator uid, read from its metadata alone (the sizes Flink
 * recorded for each subtask's keyed state handles, managed and raw), so it needs no knowledge of
 * the operators' state layout. Operator state (e.g. the learner's replay buffer, the scorer's
 * pending batch) is reported apart: it does not grow with users.
 */
record StateSize(Map<String, Long> keyedBytesByUid, long keyedBytes, long operatorBytes) {

    /** Reads the metadata of the savepoint (or retained checkpoint) at {@code path}. */
    static StateSize read(String path) throws IOException {
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(path);
        Map<OperatorID, String> uids = knownUids();
        Map<String, Long> byUid = new TreeMap<>();
        long keyed = 0;
        long operator = 0;
        for (OperatorState op : metadata.getOperatorStates()) {
            long opKeyed = 0;
            for (OperatorSubtaskState s : op.getStates()) {
                opKeyed +=
                        s.getManagedKeyedState().getStateSize()
                                + s.getRawKeyedState().getStateSize();
                operator +=
                        s.getManagedOperatorState().getStateSize()
                                + s.getRawOperatorState().getStateSize();
            }
            if (opKeyed > 0) {
                String uid =
                        uids.getOrDefault(
                                op.getOperatorID(),
                                op.getOperatorUid().orElse(op.getOperatorID().toHexString()));
                byUid.merge(uid, opKeyed, Long::sum);
                keyed += opKeyed;
            }
        }
        return new StateSize(byUid, keyed, operator);
    }

    /** Operator ids of the uids in {@link Uids}, to name the operators of a savepoint. */
    private static Map<OperatorID, String> knownUids() {
        Map<OperatorID, String> ids = new HashMap<>();
        for (Field f : Uids.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String uid = (String) f.get(null);
                    ids.put(OperatorIdentifier.forUid(uid).getOperatorId(), uid);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return ids;
    }
}
