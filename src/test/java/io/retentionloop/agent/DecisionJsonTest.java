package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.lifecycle.LifecycleStage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DecisionJsonTest {

    private final ActionCatalogue catalogue = ActionCatalogueTest.shipped();
    private final DecisionJson json = new DecisionJson(catalogue);

    static Decision decision() {
        Decision d = new Decision();
        d.userId = "u042";
        d.windowEnd = Instant.parse("2025-01-13T00:00:00Z").toEpochMilli();
        d.decisionId = Decision.idOf(d.userId, d.windowEnd);
        d.actionId = "coupon10";
        d.actionIndex = 3;
        d.propensity = 0.92;
        d.probabilities = new double[] {0.02, 0.02, 0.02, 0.92, 0.02};
        d.qValues = new double[] {0.0, 0.4, 0.1, 1.3, 0.9};
        d.policyVersion = 12;
        d.modelVersion = "clv-3";
        d.stage = LifecycleStage.AT_RISK;
        d.expectedPurchases = 0.4;
        d.purchaseProbability = 0.31;
        d.expectedSpend = 11.2;
        d.expectedOrderValue = 28.0;
        d.expectedCost = 1.12;
        return d;
    }

    @Test
    void decisionIdIsUserAtIsoWindowEnd() {
        assertThat(decision().decisionId).isEqualTo("u042@2025-01-13T00:00:00Z");
    }

    @Test
    void roundTripKeepsEveryField() {
        Decision d = decision();
        assertThat(json.fromJson(json.toJson(d))).isEqualTo(d);
        d.explored = true;
        d.budgetDenied = true;
        d.budgetPrice = 0.75;
        assertThat(json.fromJson(json.toJson(d))).isEqualTo(d);
    }

    @Test
    void aDecisionWrittenBeforeTheBudgetPriceReadsItAsZero() throws Exception {
        Decision d = decision();
        d.budgetPrice = 0;
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(json.toJson(d));
        n.remove("budget_price");
        assertThat(json.fromJson(new ObjectMapper().writeValueAsBytes(n))).isEqualTo(d);
    }

    @Test
    void roundTripWithoutValueModelOrPolicyKeepsUnknownsUnknown() throws Exception {
        Decision d = decision();
        d.modelVersion = null;
        d.policyVersion = 0;
        d.expectedPurchases = Double.NaN;
        d.purchaseProbability = Double.NaN;
        d.expectedSpend = Double.NaN;
        d.expectedOrderValue = Double.NaN;
        d.controlGroup = true;
        byte[] bytes = json.toJson(d);
        JsonNode n = new ObjectMapper().readTree(bytes);
        assertThat(n.get("expected_spend").isNull()).isTrue();
        assertThat(n.get("model_version").isNull()).isTrue();
        assertThat(json.fromJson(bytes)).isEqualTo(d);
    }

    @Test
    void wireFormatIsSnakeCaseWithIsoTimesAndPerActionObjects() throws Exception {
        String text = new String(json.toJson(decision()), StandardCharsets.UTF_8);
        JsonNode n = new ObjectMapper().readTree(text);
        assertThat(n.get("schema_version").asInt()).isEqualTo(1);
        assertThat(n.get("window_end").asText()).isEqualTo("2025-01-13T00:00:00Z");
        assertThat(n.get("stage").asText()).isEqualTo("at_risk");
        assertThat(n.get("action").asText()).isEqualTo("coupon10");
        assertThat(n.get("probabilities").get("free_shipping").asDouble()).isEqualTo(0.02);
        assertThat(n.get("q_values").get("coupon10").asDouble()).isEqualTo(1.3);
        assertThat(text).doesNotContain("qValues", "windowEnd", "NaN");
        java.util.List<String> fields = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .containsExactly(
                        "schema_version",
                        "decision_id",
                        "user_id",
                        "window_end",
                        "action",
                        "action_index",
                        "propensity",
                        "probabilities",
                        "q_values",
                        "explored",
                        "control_group",
                        "budget_denied",
                        "budget_price",
                        "stage",
                        "policy_version",
                        "model_version",
                        "expected_purchases",
                        "purchase_probability",
                        "expected_spend",
                        "expected_order_value",
                        "expected_cost");
    }

    @Test
    void rejectsOtherSchemasAndUnknownActions() {
        assertThatThrownBy(() -> json.fromJson("{\"schema_version\":2}".getBytes()))
                .hasMessageContaining("schema version 1");
        String other =
                new String(json.toJson(decision()), StandardCharsets.UTF_8)
                        .replace("\"push\":0.02", "\"sms\":0.02");
        assertThatThrownBy(() -> json.fromJson(other.getBytes())).hasMessageContaining("'sms'");
    }
}
