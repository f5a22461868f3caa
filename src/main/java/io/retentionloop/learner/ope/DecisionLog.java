package io.retentionloop.learner.ope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads logged decisions for {@code evaluate-policy log}: JSON lines, one decision per line.
 *
 * <pre>
 * {"action": 1, "propensity": 0.25, "reward": 3.5, "context": [0.2, 1.0, 0.0],
 *  "target_probabilities": [0.1, 0.8, 0.1]}
 * </pre>
 *
 * <ul>
 *   <li>{@code action} (int, required): index of the action taken, 0..K−1
 *   <li>{@code propensity} (number in (0, 1], required): probability the logging policy gave it
 *   <li>{@code reward} (number, required): the matured reward (revenue minus action cost)
 *   <li>{@code context} (array of numbers, required; may be empty): features for DR's reward model
 *   <li>{@code target_probabilities} (array of K numbers summing to 1, optional): π(· | x) of the
 *       policy to evaluate; needed unless the target is given on the command line
 * </ul>
 *
 * Other fields (e.g. {@code decision_id}, {@code policy_version}) are ignored. Blank lines are
 * skipped; any malformed line fails the read with its line number.
 */
public final class DecisionLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line: the decision and, when present, the target policy's probabilities. */
    public record Entry(LoggedDecision decision, double[] targetProbabilities) {}

    private DecisionLog() {}

    public static List<Entry> read(Path file) {
        List<Entry> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse(JSON.readTree(line)));
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException(
                            file + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no decisions");
        }
        return out;
    }

    static Entry parse(JsonNode n) {
        JsonNode a = required(n, "action");
        if (!a.isIntegralNumber() || !a.canConvertToInt()) {
            throw new IllegalArgumentException("action must be an integer, was " + a);
        }
        int action = a.asInt();
        double propensity = number(required(n, "propensity"), "propensity");
        double reward = number(required(n, "reward"), "reward");
        double[] context = array(required(n, "context"), "context");
        JsonNode t = n.get("target_probabilities");
        double[] target = t == null || t.isNull() ? null : array(t, "target_probabilities");
        return new Entry(new LoggedDecision(action, propensity, reward, context), target);
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    private static double number(JsonNode v, String field) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number, was " + v);
        }
        return v.asDouble();
    }

    private static double[] array(JsonNode v, String field) {
        if (!v.isArray()) {
            throw new IllegalArgumentException(field + " must be an array of numbers");
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(v.get(i), field + "[" + i + "]");
        }
        return out;
    }
}
