package io.retentionloop.learner.ope;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NotWorseGateTest {
    private final List<LoggedDecision> logs = SyntheticLogs.logs(3000, 77);
    private final Bootstrap bootstrap = new Bootstrap(300, 0.95, 1);
    private final NotWorseGate gate =
            new NotWorseGate(
                    new DoublyRobust(new RidgeRewardModel(1.0, 2, 1), bootstrap), 0.95, 0.0);

    @Test
    void holdsBackAClearlyWorsePolicy() {
        // action 2 has the lowest mean reward (0.8 vs 1.0 and 1.4)
        NotWorseGate.Verdict v = gate.check(Policy.fixed(2, 3), Policy.fixed(1, 3), logs);
        assertThat(v.publish()).isFalse();
        assertThat(v.lowerBound()).isLessThan(0);
        assertThat(v.difference().estimate()).isLessThan(-0.3);
        assertThat(v.reason()).contains("DR").contains("lower bound");
    }

    @Test
    void publishesABetterPolicyAndAnIdenticalOne() {
        assertThat(gate.check(Policy.fixed(1, 3), Policy.fixed(2, 3), logs).publish()).isTrue();
        assertThat(gate.check(Policy.uniform(3), Policy.uniform(3), logs).publish()).isTrue();
    }
}
