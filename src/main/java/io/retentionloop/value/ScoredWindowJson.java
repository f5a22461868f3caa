package io.retentionloop.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.encoding.JsonOut;
import io.retentionloop.lifecycle.WindowSnapshotJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON form of a {@link ScoredWindow} on the {@code window-snapshots} topic: the snapshot's fields
 * plus a {@code value} object.
 */
public final class ScoredWindowJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ScoredWindowJson() {}

    public static byte[] toJson(ScoredWindow s) {
        return JsonOut.object(
                g -> {
                    WindowSnapshotJson.writeFields(g, s.snapshot);
                    g.writeObjectFieldStart("value");
                    g.writeNumberField("expected_purchases", s.expectedPurchases);
                    g.writeNumberField("purchase_probability", s.purchaseProbability);
                    g.writeNumberField("expected_spend", s.expectedSpend);
                    g.writeNumberField("horizon_days", s.horizonDays);
                    JsonOut.string(g, "model_version", s.modelVersion);
                    g.writeEndObject();
                });
    }

    public static ScoredWindow fromJson(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            ScoredWindow s = new ScoredWindow();
            s.snapshot = WindowSnapshotJson.fromJson(json);
            JsonNode v = n.get("value");
            s.expectedPurchases = v.get("expected_purchases").asDouble();
            s.purchaseProbability = v.get("purchase_probability").asDouble();
            s.expectedSpend = v.get("expected_spend").asDouble();
            s.horizonDays = v.get("horizon_days").asDouble();
            s.modelVersion = v.get("model_version").asText();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
