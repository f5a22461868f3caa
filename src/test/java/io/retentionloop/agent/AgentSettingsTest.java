package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.retentionloop.job.JobConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        AgentSettings s = JobConfig.defaults().agentSettings();
        assertThat(s.controlShare()).isEqualTo(0.05);
        assertThat(s.epsilon()).isEqualTo(0.01);
        assertThat(s.coldStartEpsilon()).isEqualTo(0.3);
        assertThat(s.epsilonDecayUpdates()).isEqualTo(50_000);
        assertThat(s.explorationFloor()).isEqualTo(0.003);
        assertThat(s.horizon()).isEqualTo(Duration.ofDays(7));
        assertThat(s.budgetPacing()).isEqualTo(0.95);
        assertThat(s.validateFor(ActionCatalogueTest.shipped())).isSameAs(s);
        // the same as conf/retention-loop.yaml, which documents them
        assertThat(io.retentionloop.job.JobConfig.load(null, java.util.List.of()).agentSettings())
                .isEqualTo(s);
    }

    @Test
    void explorationFallsFromTheColdStartToEpsilonOverTheDecayUpdates() {
        AgentSettings s =
                JobConfig.defaults().agentSettings(); // cold start 0.3, ε 0.01 over 50,000 updates
        assertThat(s.epsilonAfter(0)).isCloseTo(0.3, within(1e-12));
        assertThat(s.epsilonAfter(25_000)).isCloseTo(0.155, within(1e-12));
        assertThat(s.epsilonAfter(50_000)).isEqualTo(0.01);
        assertThat(s.epsilonAfter(1_000_000)).isEqualTo(0.01);
        AgentSettings decaying =
                s.withColdStartEpsilon(1.0).withEpsilon(0.1).withEpsilonDecayUpdates(1000);
        assertThat(decaying.epsilonAfter(0)).isEqualTo(1.0);
        assertThat(decaying.epsilonAfter(500)).isCloseTo(0.55, within(1e-12));
        assertThat(decaying.epsilonAfter(1000)).isEqualTo(0.1);
        assertThat(decaying.epsilonAfter(50_000)).isEqualTo(0.1);
        // no decay: ε as soon as the first policy arrives
        assertThat(decaying.withEpsilonDecayUpdates(0).epsilonAfter(0)).isEqualTo(0.1);
        // a cold start below ε rises to it instead
        assertThat(decaying.withColdStartEpsilon(0).epsilonAfter(250))
                .isCloseTo(0.025, within(1e-12));
    }

    @Test
    void invalidValuesNameTheKey() {
        AgentSettings s = JobConfig.defaults().agentSettings();
        assertThatThrownBy(() -> s.withControlShare(1.0))
                .hasMessageContaining("agent.control-share");
        assertThatThrownBy(() -> s.withEpsilon(-0.1)).hasMessageContaining("agent.epsilon");
        assertThatThrownBy(() -> s.withColdStartEpsilon(1.5))
                .hasMessageContaining("agent.cold-start-epsilon");
        assertThatThrownBy(() -> s.withExplorationFloor(0))
                .hasMessageContaining("agent.exploration-floor")
                .hasMessageContaining("probability 0");
        assertThatThrownBy(() -> s.withDailyBudget(Double.POSITIVE_INFINITY))
                .hasMessageContaining("agent.daily-budget");
        assertThatThrownBy(() -> s.withHorizon(Duration.ZERO))
                .hasMessageContaining("agent.horizon");
        assertThatThrownBy(() -> s.withEpsilonDecayUpdates(-1))
                .hasMessageContaining("agent.epsilon-decay-updates");
        assertThatThrownBy(
                        () ->
                                s.withExplorationFloor(0.25)
                                        .validateFor(ActionCatalogueTest.shipped()))
                .hasMessageContaining("agent.exploration-floor × 5 actions must be <= 1");
    }
}
