package io.retentionloop.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.value.ModelRef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model announcements and policy snapshots act only when the owner's key signed them. */
class SignedControlMessagesTest {
    private static final Signer OWNER = new Signer(Secret.of("owner-key"));
    private static final Signer ATTACKER = new Signer(Secret.of("attacker-key"));
    private static final String SHA = "ab".repeat(32);

    @Test
    void aModelAnnouncementIsAcceptedOnlyWithTheOwnersSignatureAndAFullSha256() {
        ModelRef ref = new ModelRef("v2", "file:///models/v2.model", SHA, 2);
        assertThat(ModelRef.fromJson(ref.toJson(OWNER), OWNER)).isEqualTo(ref);
        assertThatThrownBy(() -> ModelRef.fromJson(ref.toJson(ATTACKER), OWNER))
                .hasMessageContaining("signature");
        assertThatThrownBy(() -> ModelRef.fromJson(ref.toJson(OWNER), new Signer(Secret.none())))
                .hasMessageContaining("no security.signing-key");
        // a signed field changed afterwards: the signature no longer covers it
        String tampered =
                new String(ref.toJson(OWNER), StandardCharsets.UTF_8)
                        .replace("\"sequence\":2", "\"sequence\":9223372036854775807");
        assertThatThrownBy(
                        () -> ModelRef.fromJson(tampered.getBytes(StandardCharsets.UTF_8), OWNER))
                .hasMessageContaining("signature");
        // the old unsigned form, an empty or short hash, a negative or huge sequence
        String unsigned =
                "{\"version\":\"x\",\"uri\":\"file:///dev/zero\",\"sha256\":\""
                        + SHA
                        + "\","
                        + "\"sequence\":9223372036854775807}";
        assertThatThrownBy(
                        () -> ModelRef.fromJson(unsigned.getBytes(StandardCharsets.UTF_8), OWNER))
                .hasMessageContaining("signature");
        for (String bad :
                new String[] {
                    "{\"uri\":\"file:///m\",\"sha256\":\"\",\"sequence\":1}",
                    "{\"uri\":\"file:///m\",\"sha256\":\"00\",\"sequence\":1}",
                    "{\"uri\":\"file:///m\",\"sha256\":\"" + SHA + "\",\"sequence\":-1}",
                    "{\"uri\":\"file:///m\",\"sha256\":\"" + SHA + "\",\"sequence\":1e30}",
                    "{\"uri\":\"file:///m\",\"sha256\":\"" + SHA + "\"}",
                    "{\"uri\":7,\"sha256\":\"" + SHA + "\",\"sequence\":1}",
                    "not json",
                    "[]"
                }) {
            assertThatThrownBy(() -> ModelRef.fromJson(bad.getBytes(StandardCharsets.UTF_8), OWNER))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPolicySnapshotIsAcceptedOnlySignedByTheOwnerAndWithAUsableNetwork() {
        PolicySnapshot p = policy(7, 5, 3, 2, 4);
        PolicySnapshot back = PolicySnapshot.fromBytes(p.toBytes(OWNER), OWNER);
        assertThat(back.version).isEqualTo(7);
        assertThat(back.params).isEqualTo(p.params);
        assertThatThrownBy(() -> PolicySnapshot.fromBytes(p.toBytes(ATTACKER), OWNER))
                .hasMessageContaining("signature");
        byte[] flipped = p.toBytes(OWNER);
        flipped[20] ^= 1;
        assertThatThrownBy(() -> PolicySnapshot.fromBytes(flipped, OWNER))
                .hasMessageContaining("signature");
        // format 1 was unsigned: whoever could write the topic steered every decision
        byte[] format1 = p.toBytes(OWNER);
        ByteBuffer.wrap(format1).putInt(4, 1);
        assertThatThrownBy(() -> PolicySnapshot.fromBytes(format1, OWNER))
                .hasMessageContaining("format 1");
        assertThatThrownBy(() -> PolicySnapshot.fromBytes(new byte[3], OWNER))
                .isInstanceOf(IllegalArgumentException.class);
        // signed by the owner but unusable: wrong parameter count, NaN weights, absurd shape
        PolicySnapshot shortParams = policy(8, 5, 3, 2, 4);
        shortParams.params = Arrays.copyOf(shortParams.params, shortParams.params.length - 4);
        assertThatThrownBy(() -> PolicySnapshot.fromBytes(shortParams.toBytes(OWNER), OWNER))
                .hasMessageContaining("parameters for a network of");
        PolicySnapshot nan = policy(9, 5, 3, 2, 4);
        ByteBuffer.wrap(nan.params).order(ByteOrder.LITTLE_ENDIAN).putFloat(8, Float.NaN);
        assertThatThrownBy(() -> PolicySnapshot.fromBytes(nan.toBytes(OWNER), OWNER))
                .hasMessageContaining("not finite");
        PolicySnapshot wide = policy(10, 5, 3, 2, 4);
        wide.hiddenUnits = Integer.MAX_VALUE;
        assertThatThrownBy(() -> PolicySnapshot.fromBytes(wide.toBytes(OWNER), OWNER))
                .hasMessageContaining("out of bounds");
    }

    @Test
    void theParameterCountMatchesTheNetworkTheAgentBuilds() {
        PolicySnapshot p = policy(1, 11, 5, 2, 8);
        p.validate();
        // the agent builds exactly this network from it
        assertThat(io.retentionloop.learner.PolicyNetwork.fromSnapshot(p).actionCount())
                .isEqualTo(5);
    }

    @Test
    void secretsResolveFromTheEnvironmentOrAFileAndNeverShowThemselves(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, "from-file\n");
        assertThat(Secret.resolve("${file:" + file + "}", "k", Map.of()).reveal())
                .isEqualTo("from-file");
        assertThat(Secret.resolve("${env:KEY}", "k", Map.of("KEY", "from-env")).reveal())
                .isEqualTo("from-env");
        assertThat(Secret.resolve("", "k", Map.of()).isEmpty()).isTrue();
        assertThatThrownBy(() -> Secret.resolve("${env:NOPE}", "security.signing-key", Map.of()))
                .hasMessage("security.signing-key: environment variable NOPE is not set");
        assertThatThrownBy(
                        () -> Secret.resolve("${file:" + dir.resolve("none") + "}", "k", Map.of()))
                .hasMessageStartingWith("k: cannot read");
        Secret s = Secret.of("hunter2");
        assertThat(s.toString()).doesNotContain("hunter2");
        assertThat(new Signer(s).toString()).doesNotContain("hunter2");
    }

    /** A dense network's snapshot with small random finite parameters. */
    static PolicySnapshot policy(long version, int in, int out, int layers, int units) {
        long n =
                (long) in * units
                        + units
                        + (long) (layers - 1) * (units * units + units)
                        + (long) units * out
                        + out;
        ByteBuffer b = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat((i % 7 - 3) * 0.01f);
        }
        PolicySnapshot s = new PolicySnapshot();
        s.version = version;
        s.stateSize = in;
        s.actionCount = out;
        s.hiddenLayers = layers;
        s.hiddenUnits = units;
        s.updates = 10;
        s.params = b.array();
        return s;
    }
}
