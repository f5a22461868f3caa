package io.retentionloop.value.baseline;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The naive baseline: a customer keeps repeating at the calibration rate, x / T per week, for ever.
 * It has no parameters; it is the bar any model must clear.
 */
public record NaiveRate() implements RepeatPurchaseModel {
    static final String NAME = "naive-rate";

    /** x / T × t; 0 for a customer first seen on the calibration end day (T = 0, so x = 0). */
    @Override
    public double expectedTransactions(double t, double x, double tx, double age) {
        return age > 0 ? x / age * t : 0;
    }

    @Override
    public JsonNode toJson() {
        return ParameterJson.of(NAME);
    }

    /** The model written by {@link #toJson()}. */
    public static NaiveRate fromJson(JsonNode node) {
        ParameterJson.checkModel(node, NAME);
        return new NaiveRate();
    }
}
