package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        AgentSettings s = AgentSettings.defaults();
        assertThat(s.controlShare()).isEqualTo(0.05);
        assertThat(s.epsilon()).isEqualTo(0.1);
        assertThat(s.explorationFloor()).isEqualTo(0.01);
        assertThat(s.horizon()).isEqualTo(Duration.ofDays(28));
        assertThat(s.validateFor(ActionCatalogueTest.shipped())).isSameAs(s);
    }

    @Test
    void invalidValuesNameTheKey() {
        AgentSettings s = AgentSettings.defaults();
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
        assertThatThrownBy(
                        () ->
                                s.withExplorationFloor(0.25)
                                        .validateFor(ActionCatalogueTest.shipped()))
                .hasMessageContaining("agent.exploration-floor × 5 actions must be <= 1");
    }
}
