package io.retentionloop.agent;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.encoding.JsonOut;
import io.retentionloop.lifecycle.LifecycleStage;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.Locale;

/**
 * JSON form of a {@link Decision} on the {@code interventions} topic (keyed by user id, UTF-8),
 * what marketing and the simulator read. One object per decision; field names are snake_case, times
 * ISO-8601 UTC, money in the base currency; unknown numbers are {@code null}.
 *
 * <pre>
 * {"schema_version":1,"decision_id":"u042@2025-01-13T00:00:00Z","user_id":"u042",
 *  "window_end":"2025-01-13T00:00:00Z","action":"coupon10","action_index":3,
 *  "propensity":0.92,"probabilities":{"none":0.02,"email":0.02,"push":0.02,"coupon10":0.92,
 *  "free_shipping":0.02},"q_values":{"none":0.0,"email":0.4,"push":0.1,"coupon10":1.3,
 *  "free_shipping":0.9},"explored":false,"control_group":false,"budget_denied":false,
 *  "budget_price":0.0,"stage":"at_risk","policy_version":12,"model_version":"clv-3","expected_purchases":0.4,
 *  "purchase_probability":0.31,"expected_spend":11.2,"expected_order_value":28.0,
 *  "expected_cost":1.12}
 * </pre>
 *
 * <table>
 *   <caption>interventions topic fields</caption>
 *   <tr><th>field</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>schema_version</td><td>int</td><td>1; bumped on incompatible changes</td></tr>
 *   <tr><td>decision_id</td><td>string</td><td>{@code user_id@window_end}: unique per user and
 *       window; a consumer that sees an id twice has seen the same decision</td></tr>
 *   <tr><td>user_id</td><td>string</td><td>the user</td></tr>
 *   <tr><td>window_end</td><td>ISO time</td><td>the window end the decision was made at (event
 *       time); the action is meant to be sent then</td></tr>
 *   <tr><td>action</td><td>string</td><td>catalogue id: none, email, push, coupon10,
 *       free_shipping (conf/actions.yaml)</td></tr>
 *   <tr><td>action_index</td><td>int</td><td>its position in the catalogue (0 = none)</td></tr>
 *   <tr><td>propensity</td><td>number</td><td>probability the policy gave this action, in (0,
 *       1]; 1 for the control group</td></tr>
 *   <tr><td>probabilities</td><td>object</td><td>action id → probability; 0 for actions not
 *       allowed (stage, cooldown, frequency cap, budget); sums to 1</td></tr>
 *   <tr><td>q_values</td><td>object</td><td>action id → the policy's expected reward (profit over
 *       the horizon, base currency)</td></tr>
 *   <tr><td>explored</td><td>bool</td><td>the action is not the policy's best one
 *       (exploration)</td></tr>
 *   <tr><td>control_group</td><td>bool</td><td>the user is in the global control group: the
 *       action is always none</td></tr>
 *   <tr><td>budget_denied</td><td>bool</td><td>the day's budget removed at least one otherwise
 *       allowed action</td></tr>
 *   <tr><td>budget_price</td><td>number</td><td>the price put on the budget when choosing
 *       (agent.budget-pacing): the policy chose the action with the highest q_value − budget_price
 *       × its expected cost; 0 when the budget is not short. Absent in decisions written before
 *       it existed (read as 0)</td></tr>
 *   <tr><td>stage</td><td>string</td><td>lifecycle stage at window_end: new, active, at_risk,
 *       lapsed, reactivated</td></tr>
 *   <tr><td>policy_version</td><td>int</td><td>version of the policy; 0 before the first
 *       published one</td></tr>
 *   <tr><td>model_version</td><td>string|null</td><td>version of the value model, null without
 *       one</td></tr>
 *   <tr><td>expected_purchases</td><td>number|null</td><td>value model: expected purchases over
 *       the horizon</td></tr>
 *   <tr><td>purchase_probability</td><td>number|null</td><td>value model: probability of at least
 *       one purchase over the horizon</td></tr>
 *   <tr><td>expected_spend</td><td>number|null</td><td>value model: expected spend over the
 *       horizon</td></tr>
 *   <tr><td>expected_order_value</td><td>number|null</td><td>value model: expected value of one
 *       order</td></tr>
 *   <tr><td>expected_cost</td><td>number</td><td>expected cost of the action, charged to the
 *       day's budget</td></tr>
 * </table>
 */
public final class DecisionJson implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String[] ids;

    /** For decisions over {@code catalogue}'s actions (they key the per-action objects). */
    public DecisionJson(ActionCatalogue catalogue) {
        this.ids = catalogue.ids();
    }

    public byte[] toJson(Decision d) {
        return JsonOut.object(
                g -> {
                    g.writeNumberField("schema_version", SCHEMA_VERSION);
                    JsonOut.string(g, "decision_id", d.decisionId);
                    JsonOut.string(g, "user_id", d.userId);
                    g.writeStringField("window_end", JsonOut.time(d.windowEnd));
                    JsonOut.string(g, "action", d.actionId);
                    g.writeNumberField("action_index", d.actionIndex);
                    g.writeNumberField("propensity", d.propensity);
                    perAction(g, "probabilities", d.probabilities);
                    perAction(g, "q_values", d.qValues);
                    g.writeBooleanField("explored", d.explored);
                    g.writeBooleanField("control_group", d.controlGroup);
                    g.writeBooleanField("budget_denied", d.budgetDenied);
                    g.writeNumberField("budget_price", d.budgetPrice);
                    JsonOut.string(
                            g,
                            "stage",
                            d.stage == null ? null : d.stage.name().toLowerCase(Locale.ROOT));
                    g.writeNumberField("policy_version", d.policyVersion);
                    JsonOut.string(g, "model_version", d.modelVersion);
                    JsonOut.number(g, "expected_purchases", d.expectedPurchases);
                    JsonOut.number(g, "purchase_probability", d.purchaseProbability);
                    JsonOut.number(g, "expected_spend", d.expectedSpend);
                    JsonOut.number(g, "expected_order_value", d.expectedOrderValue);
                    JsonOut.number(g, "expected_cost", d.expectedCost);
                });
    }

    /**
     * Reads a decision back.
     *
     * @throws IllegalArgumentException if it is not a decision of schema version 1 over this
     *     catalogue
     */
    public Decision fromJson(byte[] json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject() || n.path("schema_version").asInt() != SCHEMA_VERSION) {
            throw new IllegalArgumentException("not a decision of schema version 1");
        }
        Decision d = new Decision();
        d.decisionId = n.path("decision_id").asText();
        d.userId = n.path("user_id").asText();
        d.windowEnd = Instant.parse(n.path("window_end").asText()).toEpochMilli();
        d.actionId = n.path("action").asText();
        d.actionIndex = n.path("action_index").asInt();
        d.propensity = n.path("propensity").asDouble();
        d.probabilities = perAction(n.get("probabilities"));
        d.qValues = perAction(n.get("q_values"));
        d.explored = n.path("explored").asBoolean();
        d.controlGroup = n.path("control_group").asBoolean();
        d.budgetDenied = n.path("budget_denied").asBoolean();
        d.budgetPrice = n.path("budget_price").asDouble(0);
        JsonNode stage = n.get("stage");
        d.stage =
                stage == null || stage.isNull()
                        ? null
                        : LifecycleStage.valueOf(stage.asText().toUpperCase(Locale.ROOT));
        d.policyVersion = n.path("policy_version").asLong();
        JsonNode model = n.get("model_version");
        d.modelVersion = model == null || model.isNull() ? null : model.asText();
        d.expectedPurchases = number(n, "expected_purchases");
        d.purchaseProbability = number(n, "purchase_probability");
        d.expectedSpend = number(n, "expected_spend");
        d.expectedOrderValue = number(n, "expected_order_value");
        d.expectedCost = number(n, "expected_cost");
        return d;
    }

    private void perAction(JsonGenerator g, String field, double[] values) throws IOException {
        g.writeObjectFieldStart(field);
        if (values != null) {
            for (int a = 0; a < ids.length; a++) {
                JsonOut.number(g, ids[a], values[a]);
            }
        }
        g.writeEndObject();
    }

    private double[] perAction(JsonNode o) {
        if (o == null || o.isNull()) {
            return null;
        }
        double[] values = new double[ids.length];
        for (int a = 0; a < ids.length; a++) {
            values[a] = number(o, ids[a]);
        }
        o.fieldNames()
                .forEachRemaining(
                        id -> {
                            if (indexIn(id) < 0) {
                                throw new IllegalArgumentException("unknown action '" + id + "'");
                            }
                        });
        return values;
    }

    private int indexIn(String id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }
}
