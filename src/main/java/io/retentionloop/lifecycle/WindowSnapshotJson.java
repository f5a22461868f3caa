package io.retentionloop.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;

/** JSON form of a {@link WindowSnapshot} on the {@code window-snapshots} topic. */
public final class WindowSnapshotJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WindowSnapshotJson() {}

    public static byte[] toJson(WindowSnapshot s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("user_id", s.userId);
        n.put("window_start", Instant.ofEpochMilli(s.windowStart).toString());
        n.put("window_end", Instant.ofEpochMilli(s.windowEnd).toString());
        n.put("stage", s.stage.name().toLowerCase(Locale.ROOT));
        n.put("previous_stage", s.previousStage.name().toLowerCase(Locale.ROOT));
        n.put("feature_version", s.featureVersion);
        ObjectNode f = n.putObject("features");
        for (int i = 0; i < Features.SIZE; i++) {
            f.put(Features.NAMES.get(i), s.features[i]);
        }
        ObjectNode engagement = n.putObject("engagement");
        engagement.put("sessions", s.sessions);
        engagement.put("views", s.views);
        engagement.put("carts", s.carts);
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WindowSnapshot fromJson(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            double[] features = new double[Features.SIZE];
            JsonNode f = n.get("features");
            for (int i = 0; i < Features.SIZE; i++) {
                features[i] = f.get(Features.NAMES.get(i)).asDouble();
            }
            WindowSnapshot s =
                    new WindowSnapshot(
                            n.get("user_id").asText(),
                            Instant.parse(n.get("window_start").asText()).toEpochMilli(),
                            Instant.parse(n.get("window_end").asText()).toEpochMilli(),
                            stage(n.get("stage").asText()),
                            stage(n.get("previous_stage").asText()),
                            features);
            s.featureVersion = n.get("feature_version").asInt();
            JsonNode e = n.get("engagement"); // absent before 0.2
            if (e != null) {
                s.sessions = e.path("sessions").asLong();
                s.views = e.path("views").asLong();
                s.carts = e.path("carts").asLong();
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LifecycleStage stage(String s) {
        return LifecycleStage.valueOf(s.toUpperCase(Locale.ROOT));
    }
}
