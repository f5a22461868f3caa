package io.retentionloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparePoliciesCommandTest {

    private static final List<String> OVERRIDES =
            List.of("agent.daily-budget=10000", "learner.seed=43", " learner.gamma=0.9");

    @Test
    void learnerSettingsCountOnlyForTheLearnedPolicy() {
        assertThat(ComparePoliciesCommand.relevantOverrides(OVERRIDES, false))
                .containsExactly("agent.daily-budget=10000");
        assertThat(ComparePoliciesCommand.relevantOverrides(OVERRIDES, true))
                .containsExactlyElementsOf(OVERRIDES);
    }

    @Test
    void agentSettingsCountForEveryPolicy() {
        assertThat(ComparePoliciesCommand.relevantOverrides(List.of("agent.epsilon=0.1"), false))
                .containsExactly("agent.epsilon=0.1");
    }
}
