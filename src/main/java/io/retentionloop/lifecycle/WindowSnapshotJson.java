package io.retentionloop.lifecycle;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.encoding.JsonOut;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;

/** JSON form of a {@link WindowSnapshot} on the {@code window-snapshots} topic. */
public final class WindowSnapshotJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WindowSnapshotJson() {}

    public static byte[] toJson(WindowSnapshot s) {
        return JsonOut.object(g -> writeFields(g, s));
    }

    /** The snapshot's fields, into an object being written (the scored form adds its own). */
    public static void writeFields(JsonGenerator g, WindowSnapshot s) throws IOException {
        g.writeStringField("user_id", s.userId);
        g.writeStringField("window_start", JsonOut.time(s.windowStart));
        g.writeStringField("window_end", JsonOut.time(s.windowEnd));
        g.writeStringField("stage", s.stage.name().toLowerCase(Locale.ROOT));
        g.writeStringField("previous_stage", s.previousStage.name().toLowerCase(Locale.ROOT));
        g.writeNumberField("feature_version", s.featureVersion);
        g.writeObjectFieldStart("features");
        for (int i = 0; i < Features.SIZE; i++) {
            g.writeNumberField(Features.NAMES.get(i), s.features[i]);
        }
        g.writeEndObject();
        g.writeObjectFieldStart("engagement");
        g.writeNumberField("sessions", s.sessions);
        g.writeNumberField("views", s.views);
        g.writeNumberField("carts", s.carts);
        g.writeEndObject();
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
