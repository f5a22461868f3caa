package io.retentionloop.security;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * A secret value (a signing key, a password) that never shows itself: {@link #toString()} prints a
 * mask, and error messages name the setting, never the value. Read from configuration as {@code
 * ${env:NAME}} (an environment variable), {@code ${file:/path}} (a file's content, trailing newline
 * dropped) or, discouraged because command lines and logs may show it, the literal value (see
 * {@link Secrets#resolve}).
 */
public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Secret NONE = new Secret(new byte[0]);

    private final byte[] value;

    private Secret(byte[] value) {
        this.value = value;
    }

    /** No secret. */
    public static Secret none() {
        return NONE;
    }

    /** A fresh random 256-bit secret. */
    public static Secret random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return new Secret(HexFormat.of().formatHex(b).getBytes(StandardCharsets.US_ASCII));
    }

    /** A secret with this value; for callers that already hold it (tests, generated keys). */
    public static Secret of(String value) {
        return value == null || value.isEmpty()
                ? NONE
                : new Secret(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Resolves a configured value: {@code ${env:NAME}}, {@code ${file:/path}}, empty (no secret) or
     * a literal.
     *
     * @param setting the configuration key, named in errors
     * @throws IllegalArgumentException naming the setting (never the value) when the variable or
     *     file is missing or empty
     */
    public static Secret resolve(String spec, String setting, Map<String, String> env) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        String v = Secrets.resolve(setting, spec.strip(), env::get);
        if (v.isEmpty()) {
            throw new IllegalArgumentException(setting + " resolves to an empty value");
        }
        return of(v);
    }

    /** {@link #resolve(String, String, Map)} against this process's environment. */
    public static Secret resolve(String spec, String setting) {
        return resolve(spec, setting, System.getenv());
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    /** The secret's bytes; a copy, so callers cannot change it. */
    public byte[] bytes() {
        return value.clone();
    }

    /** The secret as text, for clients that take it so (a Kafka password); never log it. */
    public String reveal() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && java.security.MessageDigest.isEqual(value, s.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return isEmpty() ? "(none)" : "******";
    }
}
