package io.retentionloop.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    @Test
    void theDocumentedDefaultsLoadAndOverridesApply() {
        JobConfig c =
                JobConfig.load(null, List.of("agent.budget-pacing=0.5", "agent.epsilon=0.05"));
        assertThat(c.agentSettings().budgetPacing()).isEqualTo(0.5);
        assertThat(c.agentSettings().epsilon()).isEqualTo(0.05);
        assertThat(c.agent().horizon()).isPositive();
    }

    @Test
    void aDiscountNeedsAHorizonNoLongerThanTheWindow() {
        JobConfig ok =
                JobConfig.load(
                        null,
                        List.of("learner.gamma=0.75", "agent.horizon=7d", "lifecycle.window=7d"));
        assertThat(ok.agent().horizon()).isEqualTo(Duration.ofDays(7));
        JobConfig bandit = JobConfig.load(null, List.of("learner.gamma=0", "agent.horizon=28d"));
        assertThat(bandit.learner().gamma()).isZero();
        assertThatThrownBy(
                        () ->
                                JobConfig.load(
                                        null,
                                        List.of(
                                                "learner.gamma=0.5",
                                                "agent.horizon=28d",
                                                "lifecycle.window=7d")))
                .hasMessageContaining("learner.gamma > 0 needs agent.horizon <= lifecycle.window");
    }

    @Test
    void badValuesFailWithTheKeyNamed() {
        assertThatThrownBy(() -> JobConfig.load(null, List.of("agent.budget-pacing=1.5")))
                .hasMessageContaining("agent.budget-pacing");
        assertThatThrownBy(() -> JobConfig.load(null, List.of("agent.no-such-key=1")))
                .hasMessageContaining("unknown config key");
    }
}
