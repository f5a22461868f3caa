package io.retentionloop.agent;

import io.retentionloop.encoding.CodecSerializer;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink's serializer for {@link AgentUserState}: the {@link AgentStateCodec} layout. */
public final class AgentStateSerializer extends CodecSerializer<AgentUserState> {
    private static final long serialVersionUID = 1L;
    public static final AgentStateSerializer INSTANCE = new AgentStateSerializer();

    private AgentStateSerializer() {
        super(AgentStateCodec.INSTANCE);
    }

    @Override
    public AgentUserState createInstance() {
        return new AgentUserState();
    }

    @Override
    public TypeSerializerSnapshot<AgentUserState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Written into checkpoints and savepoints beside the state. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AgentUserState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
