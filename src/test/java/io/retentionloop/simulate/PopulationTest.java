package io.retentionloop.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.simulate.WorldConfig.Segment;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PopulationTest {

    @Test
    void segmentSizesMatchConfiguredShares() {
        WorldConfig world = TestWorlds.defaultWorld();
        int users = 50_000;
        Simulator simulator = new Simulator(world, users, 7, TestWorlds.START);

        Map<String, Integer> sizes = new HashMap<>();
        for (int i = 0; i < users; i++) {
            sizes.merge(simulator.segmentOf(simulator.userId(i)), 1, Integer::sum);
        }

        for (Segment segment : world.segments()) {
            // 4.5 standard deviations of a binomial share at n = 50k is at most 0.01
            assertThat(sizes.get(segment.name()) / (double) users)
                    .as(segment.name())
                    .isCloseTo(segment.share(), within(0.01));
        }
    }

    @Test
    void usersPresentAtTheStartMatchConfiguredArrivals() {
        WorldConfig world = TestWorlds.defaultWorld();
        int users = 50_000;
        Simulator simulator = new Simulator(world, users, 7, TestWorlds.START);
        long start = TestWorlds.START.toEpochMilli();

        int present = 0;
        for (int i = 0; i < users; i++) {
            present += simulator.isAlive(simulator.userId(i), start) ? 1 : 0;
        }

        double expected =
                world.segments().stream().mapToDouble(s -> s.share() * s.arrivals()).sum();
        assertThat(present / (double) users).isCloseTo(expected, within(0.01));
    }

    @Test
    void userIdsAreZeroPaddedToTheWidthOfTheUserCount() {
        Simulator small = new Simulator(TestWorlds.defaultWorld(), 20_000, 1, TestWorlds.START);
        Simulator large = new Simulator(TestWorlds.defaultWorld(), 100_000, 1, TestWorlds.START);

        assertThat(small.userId(0)).isEqualTo("u00001");
        assertThat(small.userId(19_999)).isEqualTo("u20000");
        assertThat(large.userId(41)).isEqualTo("u000042");
    }
}
