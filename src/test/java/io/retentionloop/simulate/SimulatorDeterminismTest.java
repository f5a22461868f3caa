package io.retentionloop.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retentionloop.simulate.CollectingSink.Produced;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorDeterminismTest {

    private static final int USERS = 2_000;
    private static final int DAYS = 20;

    @Test
    void sameSeedGivesByteIdenticalStream() throws Exception {
        String first = digest(stream(42));
        String second = digest(stream(42));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void differentSeedGivesDifferentStream() throws Exception {
        assertThat(digest(stream(43))).isNotEqualTo(digest(stream(42)));
    }

    @Test
    void actingOnOneUserLeavesEveryOtherUsersRecordsUntouched() {
        WorldConfig world = TestWorlds.defaultWorld();
        Simulator plain = new Simulator(world, USERS, 42, TestWorlds.START);
        Simulator acted = new Simulator(world, USERS, 42, TestWorlds.START);
        CollectingSink plainOut = new CollectingSink();
        CollectingSink actedOut = new CollectingSink();
        TestWorlds.run(plain, 0, 5, plainOut);
        TestWorlds.run(acted, 0, 5, actedOut);
        String target = acted.userId(6);
        acted.applyIntervention(target, "coupon10", acted.dayStartMillis(5));
        acted.applyIntervention(target, "push", acted.dayStartMillis(9));

        TestWorlds.run(plain, 5, DAYS, plainOut);
        TestWorlds.run(acted, 5, DAYS, actedOut);

        assertThat(othersThan(target, actedOut.records))
                .containsExactlyElementsOf(othersThan(target, plainOut.records));
    }

    @Test
    void daysMustBeSimulatedInOrder() {
        Simulator simulator = new Simulator(TestWorlds.defaultWorld(), 10, 1, TestWorlds.START);
        simulator.simulateDay(0, new CollectingSink());

        assertThatThrownBy(() -> simulator.simulateDay(2, new CollectingSink()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("days must be simulated in order: expected day 1, got 2");
    }

    private static List<Produced> stream(long seed) {
        Simulator simulator =
                new Simulator(TestWorlds.defaultWorld(), USERS, seed, TestWorlds.START);
        CollectingSink sink = new CollectingSink();
        TestWorlds.run(simulator, 0, DAYS, sink);
        assertThat(sink.records).hasSizeGreaterThan(USERS * DAYS / 2);
        return sink.records;
    }

    /** Records not keyed by {@code user}, as comparable text. */
    private static List<String> othersThan(String user, List<Produced> records) {
        // malformed records carry no key; they may be the target's
        return records.stream()
                .filter(r -> r.key() != null && !r.key().equals(user))
                .map(r -> r.kind() + " " + r.time() + " " + r.key() + " " + r.text())
                .toList();
    }

    private static String digest(List<Produced> records) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Produced r : records) {
            sha.update(
                    (r.key() + "|" + r.time() + "|" + r.kind() + "|" + r.reason() + "|")
                            .getBytes(StandardCharsets.UTF_8));
            sha.update(r.value());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
