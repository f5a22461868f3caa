package io.retentionloop.lifecycle;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer for {@link UserState}: the {@link UserStateCodec} layout, no reflection. The
 * layout carries its own version, so the serializer's snapshot has nothing to configure.
 */
public final class UserStateSerializer extends TypeSerializer<UserState> {
    private static final long serialVersionUID = 1L;
    public static final UserStateSerializer INSTANCE = new UserStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<UserState> duplicate() {
        return this;
    }

    @Override
    public UserState createInstance() {
        return new UserState(new UserProfile());
    }

    @Override
    public UserState copy(UserState from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            UserStateCodec.write(from, out);
            return UserStateCodec.read(new DataInputDeserializer(out.getSharedBuffer()));
        } catch (IOException e) {
            throw new IllegalStateException("copying a user state", e);
        }
    }

    @Override
    public UserState copy(UserState from, UserState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(UserState record, DataOutputView target) throws IOException {
        UserStateCodec.write(record, target);
    }

    @Override
    public UserState deserialize(DataInputView source) throws IOException {
        return UserStateCodec.read(source);
    }

    @Override
    public UserState deserialize(UserState reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof UserStateSerializer;
    }

    @Override
    public int hashCode() {
        return UserStateSerializer.class.hashCode();
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
