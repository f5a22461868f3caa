package io.retentionloop.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** JSON form of a {@link DeadLetter} on the {@code events-dlq} topic. */
public final class DeadLetterJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {}

    public static byte[] toJson(DeadLetter d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("reason", d.reason.code());
        n.put("detail", d.detail);
        n.put("source_topic", d.sourceTopic);
        n.put("source_partition", d.sourcePartition);
        n.put("source_offset", d.sourceOffset);
        n.put("record_timestamp", d.recordTimestamp);
        n.put("payload_bytes", d.payloadBytes);
        n.put("payload_truncated", d.payloadTruncated);
        n.put("payload", d.payload);
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DeadLetter fromJson(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            DeadLetter d =
                    new DeadLetter(
                            DeadLetterReason.valueOf(
                                    n.get("reason").asText().toUpperCase(Locale.ROOT)),
                            n.get("detail").asText(),
                            n.get("source_topic").asText(),
                            n.get("source_partition").asInt(),
                            n.get("source_offset").asLong(),
                            n.get("record_timestamp").asLong(),
                            n.get("payload_bytes").asInt(),
                            n.get("payload").asText());
            d.payloadTruncated = n.path("payload_truncated").asBoolean();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
