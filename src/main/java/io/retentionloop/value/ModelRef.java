package io.retentionloop.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * An announcement that a model version is ready: where its file is (any URI Flink's file systems
 * read) and the SHA-256 it must have. Published on the {@code models} topic; the scorer swaps to it
 * only when the file checks out.
 */
public class ModelRef implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public String version;
    public String uri;
    public String sha256;

    /** Order of announcements: a restored scorer keeps the highest. */
    public long sequence;

    public ModelRef() {}

    public ModelRef(String version, String uri, String sha256, long sequence) {
        this.version = version;
        this.uri = uri;
        this.sha256 = sha256;
        this.sequence = sequence;
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public byte[] toJson() {
        try {
            return MAPPER.writeValueAsBytes(
                    MAPPER.createObjectNode()
                            .put("version", version)
                            .put("uri", uri)
                            .put("sha256", sha256)
                            .put("sequence", sequence));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses an announcement; null when it is not one (it is then counted and ignored). */
    public static ModelRef fromJson(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || !n.hasNonNull("uri") || !n.hasNonNull("sha256")) {
                return null;
            }
            return new ModelRef(
                    n.path("version").asText(n.get("sha256").asText()),
                    n.get("uri").asText(),
                    n.get("sha256").asText(),
                    n.path("sequence").asLong(0));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelRef r
                && Objects.equals(version, r.version)
                && Objects.equals(uri, r.uri)
                && Objects.equals(sha256, r.sha256)
                && sequence == r.sequence;
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, uri, sha256, sequence);
    }

    @Override
    public String toString() {
        return "ModelRef(" + version + " @ " + uri + ")";
    }
}
