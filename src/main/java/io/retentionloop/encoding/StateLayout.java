package io.retentionloop.encoding;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * An operator's record of the keyed-state layouts its state may hold, kept as union operator state
 * named {@value #NAME} (so every subtask sees it after rescaling): layout 2, one compact value per
 * user, and layout 1 of release 0.1.0 while users written by it may remain. State restored without
 * a record was written by release 0.1.0.
 */
public final class StateLayout {
    public static final String NAME = "state-layout";
    public static final int LEGACY = 1;
    public static final int CURRENT = 2;

    private final ListState<Integer> record;
    private final boolean legacyMayRemain;

    private StateLayout(ListState<Integer> record, boolean legacyMayRemain) {
        this.record = record;
        this.legacyMayRemain = legacyMayRemain;
    }

    /** Reads the record of a restored operator (or none, at a fresh start). */
    public static StateLayout restore(OperatorStateStore store, boolean restored) throws Exception {
        ListState<Integer> record =
                store.getUnionListState(new ListStateDescriptor<>(NAME, Types.INT));
        boolean recorded = false;
        boolean legacy = false;
        for (int layout : record.get()) {
            recorded = true;
            legacy |= layout == LEGACY;
        }
        return new StateLayout(record, legacy || (restored && !recorded));
    }

    /** Whether users in release 0.1.0's layout may remain: only then are its states read. */
    public boolean legacyMayRemain() {
        return legacyMayRemain;
    }

    /** Writes the record into the snapshot being taken. */
    public void snapshot() throws Exception {
        record.update(legacyMayRemain ? List.of(LEGACY, CURRENT) : List.of(CURRENT));
    }
}
