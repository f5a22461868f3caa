package io.retentionloop.security;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies messages with HMAC-SHA256 under a key from the configuration (never from the
 * message). The job acts on a control message (a model announcement, a policy snapshot, a
 * heartbeat) only when its signature verifies; comparison is constant-time. A signer without a key
 * signs nothing and verifies nothing.
 */
public final class Signer implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String ALGORITHM = "HmacSHA256";

    /** Length of a signature in bytes. */
    public static final int LENGTH = 32;

    private final Secret key;
    private transient Mac mac;

    public Signer(Secret key) {
        this.key = key;
    }

    /** Whether a key is configured; without one every verification fails. */
    public boolean hasKey() {
        return !key.isEmpty();
    }

    /** HMAC-SHA256 of {@code data}. */
    public byte[] sign(byte[] data, int offset, int length) {
        if (!hasKey()) {
            throw new IllegalStateException("no signing key configured");
        }
        Mac m = mac();
        m.update(data, offset, length);
        return m.doFinal();
    }

    public byte[] sign(byte[] data) {
        return sign(data, 0, data.length);
    }

    /** Hex HMAC-SHA256 of the UTF-8 bytes of {@code text}. */
    public String signHex(String text) {
        return HexFormat.of().formatHex(sign(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code signature} is this key's signature of {@code data}. */
    public boolean verify(byte[] data, int offset, int length, byte[] signature) {
        return hasKey()
                && signature != null
                && MessageDigest.isEqual(sign(data, offset, length), signature);
    }

    /** Whether {@code hexSignature} is this key's hex signature of {@code text}. */
    public boolean verifyHex(String text, String hexSignature) {
        if (!hasKey() || hexSignature == null || hexSignature.length() != 2 * LENGTH) {
            return false;
        }
        byte[] sig;
        try {
            sig = HexFormat.of().parseHex(hexSignature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return verify(data, 0, data.length, sig);
    }

    private Mac mac() {
        if (mac == null) {
            try {
                mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(key.bytes(), ALGORITHM));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(ALGORITHM + " unavailable", e);
            }
        }
        return mac;
    }

    @Override
    public String toString() {
        return "Signer(" + (hasKey() ? "key set" : "no key") + ")";
    }
}
