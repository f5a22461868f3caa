package io.retentionloop.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static final int STATE = 3;

    /** Transition i: state (i, i+1, i+2), action i % 5, reward i / 2, next state −state. */
    private static void add(ReplayBuffer r, int i) {
        double[] s = {i, i + 1, i + 2};
        r.add(s, i % 5, i / 2.0, new double[] {-i, -i - 1, -i - 2}, i % 7 == 0, i & 0xff);
    }

    /** Asserts that slot {@code slot} holds transition {@code i}. */
    private static void assertHolds(ReplayBuffer r, int slot, int i) {
        float[] s = new float[STATE];
        float[] n = new float[STATE];
        r.copyStates(slot, s, n, 0);
        assertThat(s).containsExactly(i, i + 1, i + 2);
        assertThat(n).containsExactly(-i, -i - 1, -i - 2);
        assertThat(r.action(slot)).isEqualTo(i % 5);
        assertThat(r.reward(slot)).isEqualTo(i / 2.0);
        assertThat(r.done(slot)).isEqualTo(i % 7 == 0);
        assertThat(r.nextMask(slot)).isEqualTo(i & 0xff);
    }

    @Test
    void growsWithItsContentAndKeepsItUpToTheCapacity() {
        int capacity = 3 * ReplayBuffer.INITIAL_ROWS + 5;
        ReplayBuffer r = new ReplayBuffer(capacity, STATE);
        assertThat(r.allocatedRows()).isEqualTo(ReplayBuffer.INITIAL_ROWS);
        for (int i = 0; i < ReplayBuffer.INITIAL_ROWS + 1; i++) {
            add(r, i);
        }
        assertThat(r.allocatedRows()).isEqualTo(2 * ReplayBuffer.INITIAL_ROWS);
        for (int i = ReplayBuffer.INITIAL_ROWS + 1; i < capacity; i++) {
            add(r, i);
        }
        assertThat(r.allocatedRows()).isEqualTo(capacity);
        assertThat(r.size()).isEqualTo(capacity);
        for (int i = 0; i < capacity; i += 997) {
            assertHolds(r, i, i);
        }
        // full: the oldest are overwritten, nothing more is allocated
        add(r, capacity);
        add(r, capacity + 1);
        assertThat(r.allocatedRows()).isEqualTo(capacity);
        assertThat(r.size()).isEqualTo(capacity);
        assertHolds(r, 0, capacity);
        assertHolds(r, 1, capacity + 1);
        assertHolds(r, 2, 2);
    }

    @Test
    void aSmallCapacityIsAllocatedAsIs() {
        ReplayBuffer r = new ReplayBuffer(10, STATE);
        assertThat(r.allocatedRows()).isEqualTo(10);
        for (int i = 0; i < 25; i++) {
            add(r, i);
        }
        assertThat(r.size()).isEqualTo(10);
        assertHolds(r, 4, 24);
        assertHolds(r, 5, 15);
    }

    @Test
    void roundTripsPartAndFullAndKeepsGrowingAfterARestore() throws IOException {
        int capacity = ReplayBuffer.INITIAL_ROWS * 2 + 1;
        ReplayBuffer part = new ReplayBuffer(capacity, STATE);
        for (int i = 0; i < ReplayBuffer.INITIAL_ROWS + 10; i++) {
            add(part, i);
        }
        ReplayBuffer restored = roundTrip(part);
        assertThat(restored.size()).isEqualTo(part.size());
        assertThat(restored.capacity()).isEqualTo(capacity);
        for (int i = 0; i < part.size(); i += 101) {
            assertHolds(restored, i, i);
        }
        for (int i = part.size(); i < capacity + 3; i++) {
            add(restored, i);
        }
        assertThat(restored.size()).isEqualTo(capacity);
        assertThat(restored.allocatedRows()).isEqualTo(capacity);
        assertHolds(restored, 2, capacity + 2);
        assertHolds(restored, 3, 3);
        assertHolds(restored, capacity - 1, capacity - 1);

        ReplayBuffer full = roundTrip(restored);
        assertThat(full.size()).isEqualTo(capacity);
        assertHolds(full, 2, capacity + 2);
        add(full, capacity + 3);
        assertHolds(full, 3, capacity + 3);
    }

    @Test
    void aCapacityThatCannotBeOneArrayIsAClearError() {
        assertThatThrownBy(() -> new ReplayBuffer(100_000_000, 45))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("learner.replay-capacity");
    }

    private static ReplayBuffer roundTrip(ReplayBuffer r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            r.write(out);
        }
        assertThat((long) bytes.size()).isEqualTo(r.serializedSize());
        return ReplayBuffer.read(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), STATE, true);
    }
}
