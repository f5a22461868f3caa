package io.retentionloop.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retentionloop.security.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

    @Test
    void theDocumentedDefaultsLoadAndOverridesApply() {
        JobConfig c =
                JobConfig.load(null, List.of("agent.budget-pacing=0.5", "agent.epsilon=0.05"));
        assertThat(c.agentSettings().budgetPacing()).isEqualTo(0.5);
        assertThat(c.agentSettings().epsilon()).isEqualTo(0.05);
        assertThat(c.agent().horizon()).isPositive();
    }

    @Test
    void aDiscountNeedsAHorizonNoLongerThanTheWindow() {
        JobConfig ok =
                JobConfig.load(
                        null,
                        List.of("learner.gamma=0.75", "agent.horizon=7d", "lifecycle.window=7d"));
        assertThat(ok.agent().horizon()).isEqualTo(Duration.ofDays(7));
        JobConfig bandit = JobConfig.load(null, List.of("learner.gamma=0", "agent.horizon=28d"));
        assertThat(bandit.learner().gamma()).isZero();
        assertThatThrownBy(
                        () ->
                                JobConfig.load(
                                        null,
                                        List.of(
                                                "learner.gamma=0.5",
                                                "agent.horizon=28d",
                                                "lifecycle.window=7d")))
                .hasMessageContaining("learner.gamma > 0 needs agent.horizon <= lifecycle.window");
    }

    @Test
    void badValuesFailWithTheKeyNamed() {
        assertThatThrownBy(() -> JobConfig.load(null, List.of("agent.budget-pacing=1.5")))
                .hasMessageContaining("agent.budget-pacing");
        assertThatThrownBy(() -> JobConfig.load(null, List.of("agent.no-such-key=1")))
                .hasMessageContaining("unknown config key");
    }

    @Test
    void dottedKeysBelowAMapAreOneEntry() {
        JobConfig c =
                JobConfig.load(
                        null,
                        List.of(
                                "kafka.properties.ssl.key.password=pw-from-test",
                                "kafka.properties.security.protocol=SASL_SSL",
                                "events.fx-rates.EUR=1.1",
                                "kafka.topic-retention.dead-letters=3d"));
        assertThat(c.kafka().properties())
                .containsEntry("ssl.key.password", "pw-from-test")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.events().fxRates()).containsEntry("EUR", 1.1).containsEntry("USD", 1.0);
        assertThat(c.kafka().retentionMs("dead-letters")).isEqualTo(Duration.ofDays(3).toMillis());
        assertThatThrownBy(() -> JobConfig.load(null, List.of("kafka.properties=x")))
                .hasMessageContaining("kafka.properties is a map");
        assertThatThrownBy(() -> JobConfig.load(null, List.of("kafka.no.such.key=1")))
                .hasMessageContaining("unknown config key kafka.no.such.key");
    }

    @Test
    void topicRetentionHasFiniteDefaultsAndAFileMergesOneRole(@TempDir Path dir) throws Exception {
        JobConfig d = JobConfig.defaults();
        assertThat(d.kafka().retentionMs("dead-letters")).isEqualTo(Duration.ofDays(14).toMillis());
        assertThat(d.kafka().retentionMs("decisions")).isEqualTo(Duration.ofDays(365).toMillis());
        assertThat(d.kafka().retentionMs("policy")).isEqualTo(-1);
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "kafka:\n  topic-retention:\n    dead-letters: forever\n");
        JobConfig c = JobConfig.load(file, List.of());
        assertThat(c.kafka().retentionMs("dead-letters")).isEqualTo(-1);
        assertThat(c.kafka().retentionMs("events")).isEqualTo(Duration.ofDays(30).toMillis());
        assertThatThrownBy(() -> JobConfig.load(null, List.of("kafka.topic-retention.policy=1d")))
                .hasMessageContaining("kafka.topic-retention.policy");
        assertThatThrownBy(() -> JobConfig.load(null, List.of("kafka.topic-retention.events=soon")))
                .hasMessageContaining("kafka.topic-retention.events must be a duration");
    }

    @Test
    void clientPropertiesComeFromTheFileTheEnvironmentAndFilesExplicitOnesWin(@TempDir Path dir)
            throws Exception {
        Path secret = dir.resolve("key-password");
        Files.writeString(secret, "s3cret-from-file\n");
        Path props = dir.resolve("client.properties");
        Files.writeString(
                props,
                "security.protocol=SASL_SSL\n"
                        + "sasl.mechanism=PLAIN\n"
                        + "client.dns.lookup=use_all_dns_ips\n");
        JobConfig c =
                JobConfig.load(
                        null,
                        List.of(
                                "kafka.properties-file=" + props,
                                "kafka.properties.sasl.mechanism=SCRAM-SHA-512",
                                "kafka.properties.ssl.key.password=${file:" + secret + "}",
                                "kafka.properties.sasl.jaas.config=Login required user=\"u\""
                                        + " home=\"${env:HOME}\";"));
        Properties p = KafkaIO.clientProperties(c.kafka());
        assertThat(p.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(p.getProperty("client.dns.lookup")).isEqualTo("use_all_dns_ips");
        assertThat(p.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(p.getProperty("ssl.key.password")).isEqualTo("s3cret-from-file");
        assertThat(p.getProperty("sasl.jaas.config"))
                .isEqualTo("Login required user=\"u\" home=\"" + System.getenv("HOME") + "\";");
        assertThat(p.getProperty("bootstrap.servers")).isEqualTo("localhost:9092");
        // the record's printed form carries no property value
        assertThat(c.kafka().toString()).doesNotContain("SCRAM").doesNotContain("${file:");
    }

    @Test
    void aMissingVariableOrFileFailsNamingTheKeyNotTheValue(@TempDir Path dir) {
        String unset = "RETENTION_LOOP_UNSET_VARIABLE_4711";
        assertThat(System.getenv(unset)).isNull();
        JobConfig env =
                JobConfig.load(
                        null,
                        List.of("kafka.properties.sasl.jaas.config=a b ${env:" + unset + "}"));
        assertThatThrownBy(() -> KafkaIO.clientProperties(env.kafka()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "kafka.properties.sasl.jaas.config: environment variable "
                                + unset
                                + " is not set");
        Path missing = dir.resolve("nope");
        JobConfig file =
                JobConfig.load(
                        null, List.of("kafka.properties.ssl.key.password=${file:" + missing + "}"));
        assertThatThrownBy(() -> KafkaIO.clientProperties(file.kafka()))
                .hasMessageStartingWith(
                        "kafka.properties.ssl.key.password: cannot read secret file " + missing);
        JobConfig noFile = JobConfig.load(null, List.of("kafka.properties-file=" + missing));
        assertThatThrownBy(() -> KafkaIO.clientProperties(noFile.kafka()))
                .hasMessageStartingWith("kafka.properties-file: cannot read " + missing);
    }

    @Test
    void configErrorsNeverCarryASecretValue(@TempDir Path dir) throws Exception {
        String secret = "hunter2-do-not-print";
        // a secret value where a map entry is expected, and a bad value next to a secret
        Throwable wrongShape =
                org.assertj.core.api.Assertions.catchThrowable(
                        () ->
                                JobConfig.load(
                                        null,
                                        List.of(
                                                "kafka.properties.ssl.key.password=" + secret,
                                                "kafka.transaction-timeout=" + secret)));
        assertThat(wrongShape).hasMessageContaining("kafka.transaction-timeout");
        assertThat(wrongShape.getMessage()).doesNotContain(secret);
        assertThat(wrongShape.getCause()).isNull();
        // YAML that does not parse: the parser would quote the line
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(
                bad, "kafka:\n  properties:\n    ssl.key.password: \"" + secret + "\n  x: [\n");
        Throwable parse =
                org.assertj.core.api.Assertions.catchThrowable(
                        () -> JobConfig.load(bad, List.of()));
        assertThat(parse).hasMessageContaining("is not valid YAML (line");
        assertThat(parse.getMessage()).doesNotContain(secret);
        assertThatThrownBy(() -> JobConfig.load(null, List.of("ssl.key.password" + secret)))
                .hasMessage("override must be key=value: ***");
    }

    @Test
    void secretKeysAndArgumentsAreMasked() {
        assertThat(Secrets.isSecretKey("sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSecretKey("kafka.properties.ssl.key.password")).isTrue();
        assertThat(Secrets.isSecretKey("ssl.keystore.password")).isTrue();
        assertThat(Secrets.isSecretKey("ssl.keystore.key")).isTrue();
        assertThat(Secrets.isSecretKey("sasl.oauthbearer.token.endpoint.url")).isTrue();
        assertThat(Secrets.isSecretKey("security.hmac-key")).isTrue();
        assertThat(Secrets.isSecretKey("ssl.keystore.location")).isFalse();
        assertThat(Secrets.isSecretKey("key.serializer")).isFalse();
        assertThat(Secrets.isSecretKey("security.protocol")).isFalse();
        assertThat(
                        Secrets.maskArgs(
                                List.of(
                                        "job",
                                        "--set",
                                        "kafka.properties.sasl.jaas.config=x required pw=\"p\";",
                                        "--set=kafka.properties.ssl.key.password=pw",
                                        "-Dkafka.properties.ssl.keystore.password=pw",
                                        "--set",
                                        "kafka.bootstrap-servers=b:9092")))
                .containsExactly(
                        "job",
                        "--set",
                        "kafka.properties.sasl.jaas.config=***",
                        "--set=kafka.properties.ssl.key.password=***",
                        "-Dkafka.properties.ssl.keystore.password=***",
                        "--set",
                        "kafka.bootstrap-servers=b:9092");
        assertThat(Secrets.resolve("k", "plain ${other:x} $HOME", n -> null))
                .isEqualTo("plain ${other:x} $HOME");
        assertThat(Secrets.resolve("k", "${env:A}-${env:B}", Map.of("A", "1", "B", "2")::get))
                .isEqualTo("1-2");
    }
}
