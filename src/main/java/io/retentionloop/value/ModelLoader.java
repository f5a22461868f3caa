package io.retentionloop.value;

import io.retentionloop.value.model.ClvModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Reads the model an announcement points at, trusting nothing in it: the URI must lie inside one of
 * the configured locations ({@code value.model-locations}), the file is read through Flink's file
 * systems up to {@code value.max-model-bytes} (a device or a huge file cannot exhaust the task
 * manager), its SHA-256 must be the announced one, and the model must load and check out.
 */
public final class ModelLoader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> locations;
    private final long maxBytes;

    /**
     * @param locations URI prefixes a model may be read from, each a directory ({@code
     *     file:///models/}, {@code s3://bucket/models/}); normalized to end with {@code /}
     */
    public ModelLoader(List<String> locations, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("value.max-model-bytes must be > 0");
        }
        this.locations = locations.stream().map(ModelLoader::directory).toList();
        this.maxBytes = maxBytes;
    }

    /** Why a model was not loaded, as a metric label and a log line. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        public final String reason;

        Rejected(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    /**
     * Loads the model {@code ref} announces.
     *
     * @throws Rejected with the reason ({@code location}, {@code too_big}, {@code unreadable},
     *     {@code checksum}, {@code invalid}) when it is not served
     */
    public ClvModel load(ModelRef ref) throws Rejected {
        String uri = allowed(ref.uri);
        byte[] bytes = read(uri);
        String actual = ClvModel.sha256(bytes);
        if (!actual.equals(ref.sha256)) {
            throw new Rejected(
                    "checksum", "sha256 of " + uri + " is " + actual + ", announced " + ref.sha256);
        }
        try {
            return ClvModel.load(bytes, uri);
        } catch (IOException | RuntimeException e) {
            throw new Rejected("invalid", uri + " is not a usable model: " + e.getMessage());
        }
    }

    /** The normalized URI when it lies inside a configured location. */
    String allowed(String uri) throws Rejected {
        URI u;
        try {
            u = new URI(uri).normalize();
        } catch (URISyntaxException e) {
            throw new Rejected("location", "not a URI: " + e.getMessage());
        }
        if (u.getScheme() == null
                || u.getRawQuery() != null
                || u.getRawFragment() != null
                || u.getRawUserInfo() != null
                || u.getRawPath() == null
                || u.getRawPath().contains("/../")
                || u.getRawPath().endsWith("/..")) {
            throw new Rejected("location", uri + " is not a plain absolute URI");
        }
        String normalized = canonical(u);
        for (String location : locations) {
            if (normalized.startsWith(location) && normalized.length() > location.length()) {
                return normalized;
            }
        }
        throw new Rejected(
                "location", normalized + " is outside value.model-locations " + locations);
    }

    private byte[] read(String uri) throws Rejected {
        Path path = new Path(uri);
        try (InputStream in = FileSystem.get(path.toUri()).open(path)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(chunk)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new Rejected(
                            "too_big", uri + " is larger than value.max-model-bytes " + maxBytes);
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new Rejected("unreadable", "cannot read " + uri + ": " + e.getMessage());
        }
    }

    /** {@code scheme://authority/path}, so {@code file:/x} and {@code file:///x} compare equal. */
    private static String canonical(URI u) {
        return u.getScheme()
                + "://"
                + (u.getRawAuthority() == null ? "" : u.getRawAuthority())
                + u.getRawPath();
    }

    /** {@code uri} as a directory prefix: normalized, ending with {@code /}. */
    static String directory(String uri) {
        URI u = URI.create(uri).normalize();
        if (u.getScheme() == null || u.getRawPath() == null) {
            throw new IllegalArgumentException(
                    "value.model-locations: " + uri + " is not an absolute URI");
        }
        String d = canonical(u);
        return d.endsWith("/") ? d : d + "/";
    }

    /** The directory holding {@code uri} (the default location: beside the initial model). */
    public static String parentOf(String uri) {
        return canonical(URI.create(uri).normalize().resolve("."));
    }

    @Override
    public String toString() {
        return "ModelLoader(" + locations + ", max " + maxBytes + " bytes)";
    }
}
