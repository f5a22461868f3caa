package io.retentionloop.value.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The small JSON form of a baseline's parameters: {@code {"model": "...", name: value, ...}}. */
final class ParameterJson {
    static final String MODEL = "model";

    private ParameterJson() {}

    static ObjectNode of(String model) {
        return JsonNodeFactory.instance.objectNode().put(MODEL, model);
    }

    /** Fails unless {@code node} holds parameters of {@code model}. */
    static void checkModel(JsonNode node, String model) {
        String found = node.path(MODEL).asText(null);
        if (!model.equals(found)) {
            throw new IllegalArgumentException(
                    "expected parameters of model '" + model + "', found '" + found + "'");
        }
    }

    /** The numeric field {@code name}, failing if absent or not finite. */
    static double number(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new IllegalArgumentException(
                    "parameter '" + name + "' missing or not a finite number in " + node);
        }
        return v.doubleValue();
    }

    /** The text field {@code name}, failing unless it equals {@code expected}. */
    static void checkText(JsonNode node, String name, String expected) {
        String found = node.path(name).asText(null);
        if (!expected.equals(found)) {
            throw new IllegalArgumentException(
                    "expected " + name + " '" + expected + "', found '" + found + "'");
        }
    }
}
