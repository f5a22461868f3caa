package io.retentionloop.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.security.Signer;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An announcement that a model version is ready: where its file is (any URI Flink's file systems
 * read) and the SHA-256 it must have. Published on the {@code models} topic as JSON signed with the
 * owner's key ({@link #toJson(Signer)}); the job acts only on announcements whose signature
 * verifies, and the scorer swaps to one only when the file checks out.
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
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_TEXT = 2048;

    /** The announcement as JSON, with {@code signature} the owner's HMAC of its fields. */
    public byte[] toJson(Signer signer) {
        try {
            return MAPPER.writeValueAsBytes(
                    MAPPER.createObjectNode()
                            .put("version", version)
                            .put("uri", uri)
                            .put("sha256", sha256)
                            .put("sequence", sequence)
                            .put("signature", signer.signHex(signedText())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the signature covers: every field, unambiguously (a JSON array). */
    private String signedText() {
        try {
            return MAPPER.writeValueAsString(List.of("model", version, uri, sha256, sequence));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses an announcement and checks its signature under {@code signer}'s key.
     *
     * @throws IllegalArgumentException naming why it is not a valid, signed announcement
     */
    public static ModelRef fromJson(byte[] json, Signer signer) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String uri = text(n, "uri");
        String sha = text(n, "sha256");
        String version = n.hasNonNull("version") ? text(n, "version") : sha;
        if (!SHA256.matcher(sha).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
        }
        JsonNode seq = n.get("sequence");
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 0) {
            throw new IllegalArgumentException("sequence must be a non-negative integer");
        }
        ModelRef ref = new ModelRef(version, uri, sha, seq.asLong());
        JsonNode sig = n.get("signature");
        if (!signer.verifyHex(
                ref.signedText(), sig != null && sig.isTextual() ? sig.asText() : null)) {
            throw new IllegalArgumentException(
                    signer.hasKey()
                            ? "signature missing or not valid under security.signing-key"
                            : "no security.signing-key to verify it with");
        }
        return ref;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        if (v.asText().length() > MAX_TEXT) {
            throw new IllegalArgumentException(field + " longer than " + MAX_TEXT);
        }
        return v.asText();
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
