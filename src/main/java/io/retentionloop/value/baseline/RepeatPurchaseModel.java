package io.retentionloop.value.baseline;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A forecast of a customer's repeat purchases from the BTYD summary (x, t_x, T), all durations in
 * the model's time unit (weeks, as in {@link io.retentionloop.value.data.CustomerSummary}).
 */
public interface RepeatPurchaseModel {

    /** Expected number of purchase days in (T, T + t] given x, t_x and T. */
    double expectedTransactions(double t, double x, double tx, double age);

    /** The parameters as JSON, tagged with the model name, for embedding in a model artifact. */
    JsonNode toJson();

    /** The model whose {@link #toJson()} produced {@code node}. */
    static RepeatPurchaseModel fromJson(JsonNode node) {
        String model = node.path(ParameterJson.MODEL).asText("");
        return switch (model) {
            case BgNbd.NAME -> BgNbd.fromJson(node);
            case NaiveRate.NAME -> NaiveRate.fromJson(node);
            default -> throw new IllegalArgumentException("unknown repeat purchase model " + node);
        };
    }
}
