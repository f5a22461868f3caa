package io.retentionloop.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.encoding.JsonOut;
import java.io.IOException;
import java.time.Instant;

/**
 * JSON form of an {@link Outcome} on the {@code outcomes} topic: {@code schema_version}, {@code
 * decision_id}, {@code user_id}, {@code window_end} and {@code matures_at} (ISO), {@code action},
 * {@code action_index}, {@code propensity}, {@code policy_version}, {@code control_group}, {@code
 * purchases}, {@code revenue}, {@code refunds}, {@code cost} (every cost incurred in the horizon),
 * {@code carried_action} and {@code carried_cost} (for a {@code none}: an earlier action whose
 * offer still ran, and its revenue share, part of cost; null and 0 otherwise), {@code reward} (=
 * revenue − refunds − cost) and {@code done}.
 */
public final class OutcomeJson {

    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OutcomeJson() {}

    public static byte[] toJson(Outcome o) {
        return JsonOut.object(
                g -> {
                    g.writeNumberField("schema_version", SCHEMA_VERSION);
                    JsonOut.string(g, "decision_id", o.decisionId);
                    JsonOut.string(g, "user_id", o.userId);
                    g.writeStringField("window_end", JsonOut.time(o.windowEnd));
                    g.writeStringField("matures_at", JsonOut.time(o.maturesAt));
                    JsonOut.string(g, "action", o.actionId);
                    g.writeNumberField("action_index", o.actionIndex);
                    g.writeNumberField("propensity", o.propensity);
                    g.writeNumberField("policy_version", o.policyVersion);
                    g.writeBooleanField("control_group", o.controlGroup);
                    g.writeNumberField("purchases", o.purchases);
                    g.writeNumberField("revenue", o.revenue);
                    g.writeNumberField("refunds", o.refunds);
                    g.writeNumberField("cost", o.cost);
                    JsonOut.string(g, "carried_action", o.carriedAction);
                    g.writeNumberField("carried_cost", o.carriedCost);
                    g.writeNumberField("reward", o.reward);
                    g.writeBooleanField("done", o.done);
                });
    }

    public static Outcome fromJson(byte[] json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        Outcome o = new Outcome();
        o.decisionId = n.path("decision_id").asText();
        o.userId = n.path("user_id").asText();
        o.windowEnd = Instant.parse(n.path("window_end").asText()).toEpochMilli();
        o.maturesAt = Instant.parse(n.path("matures_at").asText()).toEpochMilli();
        o.actionId = n.path("action").asText();
        o.actionIndex = n.path("action_index").asInt();
        o.propensity = n.path("propensity").asDouble();
        o.policyVersion = n.path("policy_version").asLong();
        o.controlGroup = n.path("control_group").asBoolean();
        o.purchases = n.path("purchases").asInt();
        o.revenue = n.path("revenue").asDouble();
        o.refunds = n.path("refunds").asDouble();
        o.cost = n.path("cost").asDouble();
        JsonNode carried = n.path("carried_action");
        o.carriedAction = carried.isTextual() ? carried.asText() : null;
        o.carriedCost = n.path("carried_cost").asDouble();
        o.reward = n.path("reward").asDouble();
        o.done = n.path("done").asBoolean();
        return o;
    }
}
