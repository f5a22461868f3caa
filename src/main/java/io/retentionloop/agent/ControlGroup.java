package io.retentionloop.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The global control group: a stable, salted hash of the user id decides membership, so a user is
 * in or out for good (across restarts, rescaling and releases) and anyone can recompute it.
 *
 * <p>Formula: {@code u = first 8 bytes of SHA-256(UTF-8(salt + ":" + userId)), big-endian, >>> 11,
 * / 2^53}, a uniform number in [0, 1); the user is in the control group when {@code u < share}.
 * Shares are nested: raising the share only adds users.
 */
public final class ControlGroup {

    private static final ThreadLocal<MessageDigest> SHA256 =
            ThreadLocal.withInitial(
                    () -> {
                        try {
                            return MessageDigest.getInstance("SHA-256");
                        } catch (NoSuchAlgorithmException e) {
                            throw new IllegalStateException("SHA-256 is part of every JVM", e);
                        }
                    });

    private ControlGroup() {}

    /** Whether the user belongs to the control group of this share and salt. */
    public static boolean isControl(String userId, double share, String salt) {
        return unit(userId, salt) < share;
    }

    /** The user's uniform hash in [0, 1). */
    public static double unit(String userId, String salt) {
        MessageDigest md = SHA256.get();
        md.reset();
        byte[] h = md.digest((salt + ":" + userId).getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (h[i] & 0xFF);
        }
        return (bits >>> 11) * 0x1.0p-53;
    }
}
