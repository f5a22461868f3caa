package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlGroupTest {

    @Test
    void shareOfUsersInControlMatchesTheConfiguredShare() {
        int n = 100_000;
        int control = 0;
        for (int i = 0; i < n; i++) {
            if (ControlGroup.isControl("u" + i, 0.05, "salt")) {
                control++;
            }
        }
        // binomial sd = sqrt(n·0.05·0.95) ≈ 69: 5 sd either side
        assertThat(control).isBetween(5000 - 345, 5000 + 345);
    }

    @Test
    void membershipIsStableAndPinned() {
        // pinned so that a change of the hash (which would reshuffle the control group) fails;
        // python3: int(sha256(b"retention-loop-control-v1:u000042").hexdigest()[:16], 16) >> 11
        //          / 2**53
        double u = ControlGroup.unit("u000042", "retention-loop-control-v1");
        assertThat(u).isEqualTo(0.20143066585700864);
        assertThat(ControlGroup.unit("u000042", "retention-loop-control-v1")).isEqualTo(u);
        assertThat(ControlGroup.isControl("u000042", 0.2015, "retention-loop-control-v1")).isTrue();
        assertThat(ControlGroup.isControl("u000042", 0.2014, "retention-loop-control-v1"))
                .isFalse();
    }

    @Test
    void largerSharesOnlyAddUsersAndSaltReshuffles() {
        int moved = 0;
        for (int i = 0; i < 10_000; i++) {
            String id = "user-" + i;
            if (ControlGroup.isControl(id, 0.05, "a")) {
                assertThat(ControlGroup.isControl(id, 0.10, "a")).isTrue();
            }
            if (ControlGroup.isControl(id, 0.5, "a") != ControlGroup.isControl(id, 0.5, "b")) {
                moved++;
            }
        }
        assertThat(moved).isBetween(4500, 5500);
    }
}
