package io.retentionloop.lifecycle;

import io.retentionloop.encoding.CodecSerializer;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink's serializer for {@link UserState}: the {@link UserStateCodec} layout. */
public final class UserStateSerializer extends CodecSerializer<UserState> {
    private static final long serialVersionUID = 1L;
    public static final UserStateSerializer INSTANCE = new UserStateSerializer();

    private UserStateSerializer() {
        super(UserStateCodec.INSTANCE);
    }

    @Override
    public UserState createInstance() {
        return new UserState(new UserProfile());
    }

    @Override
    public TypeSerializerSnapshot<UserState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Written into checkpoints and savepoints beside the state. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
