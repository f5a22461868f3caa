package io.retentionloop.job;

import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.security.Secret;
import io.retentionloop.security.Signer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The single records that once stopped, corrupted or steered the job (issue "Hardening"), for the
 * tests that send them to a running job: each with what the job must make of it. Users of these
 * records are named {@code attacker*}: none of them may ever get state, a decision or an action.
 */
public final class HostileRecords {
    private static final long DAY = 86_400_000L;

    private HostileRecords() {}

    /**
     * Event-topic payloads and the dead-letter reason each must get; {@code now} is the job's
     * clock, {@code t} a time inside the ordinary traffic.
     */
    public static Map<String, DeadLetterReason> events(long now, long t) {
        String ok = "\"type\":\"view\",\"event_time\":" + t;
        Map<String, DeadLetterReason> m = new LinkedHashMap<>();
        // a date whose epoch millis overflow: once an endless restart loop
        m.put(
                "{\"event_id\":\"h1\",\"user_id\":\"attacker-1\",\"type\":\"view\","
                        + "\"event_time\":\"+999999999-12-31T23:59:59Z\"}",
                DeadLetterReason.INVALID_FIELD);
        // an integer past a long: once wrapped silently
        m.put(
                "{\"event_id\":\"h2\",\"user_id\":\"attacker-2\",\"type\":\"view\","
                        + "\"event_time\":18446744073709551616}",
                DeadLetterReason.INVALID_FIELD);
        // the heartbeat that moved the watermark 22 months ahead, and an unsigned one a month
        // ahead of the traffic but behind the job's clock
        m.put(
                "{\"type\":\"heartbeat\",\"event_time\":" + (now + DAY) + "}",
                DeadLetterReason.FAR_FUTURE);
        m.put(
                "{\"type\":\"heartbeat\",\"event_time\":" + (t + 30 * DAY) + "}",
                DeadLetterReason.UNAUTHENTICATED);
        m.put(
                "{\"event_id\":\"h3\",\"user_id\":\"attacker-3\",\"type\":\"purchase\","
                        + "\"event_time\":"
                        + (now + DAY)
                        + ",\"amount\":10,\"currency\":\"USD\"}",
                DeadLetterReason.FAR_FUTURE);
        // NUL, a lone surrogate, trailing garbage
        m.put(
                "{\"event_id\":\"h4\",\"user_id\":\"attacker\\u00004\"," + ok + "}",
                DeadLetterReason.INVALID_FIELD);
        m.put(
                "{\"event_id\":\"h5\",\"user_id\":\"attacker\\ud8005\"," + ok + "}",
                DeadLetterReason.INVALID_FIELD);
        m.put(
                "{\"event_id\":\"h6\",\"user_id\":\"attacker-6\"," + ok + "} garbage",
                DeadLetterReason.MALFORMED_JSON);
        return m;
    }

    /** The same event as UTF-16 JSON, which must be malformed_json. */
    public static byte[] utf16Event(long t) {
        return ("{\"event_id\":\"h7\",\"user_id\":\"attacker-7\",\"type\":\"view\",\"event_time\":"
                        + t
                        + "}")
                .getBytes(StandardCharsets.UTF_16);
    }

    /** Model announcements no job may act on: unsigned, with an empty hash, an endless file. */
    public static List<byte[]> unsignedModels() {
        List<byte[]> m = new ArrayList<>();
        m.add(
                ("{\"version\":\"x\",\"uri\":\"file:///dev/zero\",\"sha256\":\"\","
                                + "\"sequence\":9223372036854775807}")
                        .getBytes(StandardCharsets.UTF_8));
        m.add(
                ("{\"version\":\"y\",\"uri\":\"file:///dev/zero\",\"sha256\":\""
                                + "ab".repeat(32)
                                + "\",\"sequence\":9223372036854775806}")
                        .getBytes(StandardCharsets.UTF_8));
        return m;
    }

    /** A policy of this version whose parameter count is off by one. */
    public static PolicySnapshot wrongShapePolicy(long version) {
        PolicySnapshot s = new PolicySnapshot();
        s.version = version;
        s.stateSize = 4;
        s.actionCount = 3;
        s.hiddenLayers = 1;
        s.hiddenUnits = 2;
        s.updates = 1_000_000;
        s.params = new byte[4 * (4 * 2 + 2 + 2 * 3 + 3 - 1)];
        return s;
    }

    /** Policy-topic payloads no job may act on: an attacker's signature, a bare header. */
    public static List<byte[]> unsignedPolicies() {
        return List.of(
                wrongShapePolicy(999_999_999L).toBytes(new Signer(Secret.of("not-the-key"))),
                new byte[] {0x52, 0x4c, 0x50, 0x53});
    }
}
