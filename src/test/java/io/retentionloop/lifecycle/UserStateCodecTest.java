package io.retentionloop.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class UserStateCodecTest {
    static final long DAY = UserLifecycleOperatorTest.DAY;
    static final long T0 = UserLifecycleOperatorTest.T0;
    static final LifecycleRules RULES = UserLifecycleOperatorTest.RULES;

    /** A user with every field set: five windows of purchases, views, refunds and held events. */
    private static UserState busyUser() {
        UserLifecycle lifecycle = new UserLifecycle(RULES);
        UserState u = new UserState(lifecycle.newProfile(T0 + 3_600_000, T0 + 7 * DAY));
        int n = 0;
        for (int w = 0; w < 5; w++) {
            for (int d = 0; d < 7; d += 2) {
                long t = u.profile.openWindowEnd - 7 * DAY + d * DAY + 1234;
                for (EventType type : EventType.values()) {
                    Event e = new Event("e" + n++, "u1", type, t, type.monetary() ? 12.34 : 0);
                    assertThat(u.firstSighting(e.eventId, e.eventTime)).isTrue();
                    lifecycle.apply(u.profile, e);
                }
            }
            lifecycle.closeWindow(u.profile, "u1");
        }
        u.hold(new Event("late-1", "u1", EventType.PURCHASE, u.profile.openWindowEnd + 5, 9.99));
        u.hold(new Event("ü-2", "u1", EventType.VIEW, u.profile.openWindowEnd + 1, 0));
        return u;
    }

    private static byte[] write(UserState u) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        UserStateSerializer.INSTANCE.serialize(u, out);
        return out.getCopyOfBuffer();
    }

    private static UserState read(byte[] bytes) throws IOException {
        return UserStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        UserState u = busyUser();
        UserState back = read(write(u));

        assertThat(back.profile).usingRecursiveComparison().isEqualTo(u.profile);
        assertThat(back.heldInTimeOrder()).isEqualTo(u.heldInTimeOrder());
        assertThat(back.seenCount()).isEqualTo(u.seenCount()).isEqualTo(100);
        assertThat(Arrays.copyOf(back.seenIds, back.seen))
                .containsExactly(Arrays.copyOf(u.seenIds, u.seen));
        assertThat(Arrays.copyOf(back.seenTimes, back.seen))
                .containsExactly(Arrays.copyOf(u.seenTimes, u.seen));
        // the copy is deep: changing it leaves the original alone
        UserState copy = UserStateSerializer.INSTANCE.copy(u);
        copy.profile.historyPurchases[0]++;
        copy.hold(new Event("x", "u1", EventType.VIEW, 1, 0));
        assertThat(u.profile.historyPurchases[0]).isEqualTo(back.profile.historyPurchases[0]);
        assertThat(u.heldCount()).isEqualTo(2);
    }

    @Test
    void aTypicalUserTakesAFewHundredBytes() throws Exception {
        UserState u = busyUser();
        u.forgetSeenBefore(u.profile.openWindowEnd - 3 * DAY); // what the dedup horizon keeps
        int bytes = write(u).length;
        // the profile alone was about 600 bytes through Flink's POJO serializer with a TTL
        assertThat(bytes).isLessThan(400);
        assertThat(write(new UserState(new UserProfile())).length).isLessThan(150);
    }

    @Test
    void idsAreForgottenByTheirEventTimeAndDuplicatesRecognised() {
        UserState u = new UserState(new UserProfile());
        assertThat(u.firstSighting("a", 100)).isTrue();
        assertThat(u.firstSighting("b", 200)).isTrue();
        assertThat(u.firstSighting("a", 999)).isFalse();
        u.forgetSeenBefore(150);
        assertThat(u.seenCount()).isEqualTo(1);
        assertThat(u.firstSighting("a", 300)).isTrue(); // forgotten, so new again
        assertThat(u.firstSighting("b", 300)).isFalse();
    }

    @Test
    void aFloodOfIdsKeepsTheNewestAndStaysReadable() throws Exception {
        UserState u = new UserState(new UserProfile());
        for (int i = 0; i <= UserState.MAX_SEEN; i++) {
            assertThat(u.firstSighting("bot-" + i, 1_000 + i)).isTrue();
        }
        assertThat(u.seenCount()).isEqualTo(UserState.MAX_SEEN);
        UserState back = read(write(u));
        assertThat(back.firstSighting("bot-" + UserState.MAX_SEEN, 0)).isFalse();
        assertThat(back.firstSighting("bot-1", 0)).isFalse();
        assertThat(back.firstSighting("bot-0", 0)).isTrue(); // the oldest was forgotten
    }

    @Test
    void fingerprintsOfSimilarIdsDoNotCollide() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(seen.add(UserState.fingerprint("evt-" + i))).as("evt-" + i).isTrue();
        }
        assertThat(UserState.fingerprint("ab")).isNotEqualTo(UserState.fingerprint("ba"));
        assertThat(UserState.fingerprint("")).isNotEqualTo(UserState.fingerprint("\0"));
    }

    @Test
    void damagedStateFailsWithAClearErrorNotAHugeAllocation() throws Exception {
        byte[] good = write(busyUser());
        byte[] version = good.clone();
        version[0] = 9;
        assertThatThrownBy(() -> read(version)).hasMessageContaining("unknown user state layout 9");
        byte[] stage = good.clone();
        stage[1 + 6 * 8] = 42;
        assertThatThrownBy(() -> read(stage)).hasMessageContaining("unknown stage code 42");
        assertThatThrownBy(() -> read(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(IOException.class);
        for (int cut : List.of(1, 20, 60)) {
            assertThatThrownBy(() -> read(Arrays.copyOf(good, cut)))
                    .isInstanceOf(IOException.class);
        }
    }
}
