package io.retentionloop.encoding;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Writes one JSON record straight through Jackson's streaming generator, with no tree in between:
 * the output records' writers are on the job's per-record path. Also the field forms they share:
 * ISO-8601 times and numbers that are {@code null} when not finite.
 */
public final class JsonOut {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** The last time formatted on this thread: window ends repeat from record to record. */
    private static final ThreadLocal<Object[]> LAST_TIME =
            ThreadLocal.withInitial(() -> new Object[] {Long.MIN_VALUE, ""});

    private JsonOut() {}

    /** What writes one record's fields. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** One object: {@code body} writes its fields. */
    public static byte[] object(Body body) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(512)) {
            try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
                g.writeStartObject();
                body.write(g);
                g.writeEndObject();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code epochMillis} as {@link Instant#toString()} writes it. */
    public static String time(long epochMillis) {
        Object[] last = LAST_TIME.get();
        if ((Long) last[0] != epochMillis) {
            last[1] = Instant.ofEpochMilli(epochMillis).toString();
            last[0] = epochMillis;
        }
        return (String) last[1];
    }

    /** A number, or null when it is NaN or infinite (unknown). */
    public static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(field, v);
        } else {
            g.writeNullField(field);
        }
    }

    /** A string, or null. */
    public static void string(JsonGenerator g, String field, String v) throws IOException {
        if (v == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, v);
        }
    }
}
