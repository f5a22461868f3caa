package io.retentionloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    @Test
    void theReportPageShowsEveryPolicyByWholeWeeks() {
        ObjectNode report = new ObjectMapper().createObjectNode();
        ObjectNode policies = report.putObject("policies");
        for (String name : List.of("none", "learned", "oracle")) {
            ObjectNode p = policies.putObject(name);
            p.put("profit_per_user", 1.5);
            p.put("incremental_profit_per_user", 0.25);
            p.put("incremental_profit_per_user_last_quarter", 0.5);
            p.put("max_daily_budget_share", 0.8);
            p.put("control_group_treated", 0);
            p.putArray("profit_per_user_by_week").add(0.1).add(0.3).add(0.2);
        }
        String html = ComparePoliciesCommand.html(report);
        assertThat(html)
                .contains("<svg", "viewBox=", "<div class='table'><table>", "oracle", "80%")
                .doesNotContainPattern("class='x-tick'[^>]*>[^<]*\\.");
    }
}
