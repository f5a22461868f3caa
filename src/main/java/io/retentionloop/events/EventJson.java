package io.retentionloop.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** JSON form of an {@link Event}, in the input schema (amounts in the base currency). */
public final class EventJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {}

    public static byte[] toJson(Event e, String baseCurrency) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("event_id", e.eventId);
        n.put("user_id", e.userId);
        n.put("type", e.type.jsonName());
        n.put("event_time", Instant.ofEpochMilli(e.eventTime).toString());
        if (e.type.monetary()) {
            n.put("amount", e.amount);
            n.put("currency", baseCurrency);
        }
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * A heartbeat: tells the job that its partition has reached {@code time}; {@code signature} is
     * {@link EventParser#heartbeatSignature} (null: unsigned, which the job rejects).
     */
    public static byte[] heartbeat(long time, String signature) {
        return ("{\"type\":\"heartbeat\",\"event_time\":\""
                        + Instant.ofEpochMilli(time)
                        + "\""
                        + (signature == null ? "" : ",\"signature\":\"" + signature + "\"")
                        + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
