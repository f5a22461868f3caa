package io.retentionloop.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.cli.Main;
import io.retentionloop.local.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicsCommandTest {

    @Test
    void createdTopicsGetTheConfiguredRetention(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            int code =
                    Main.execute(
                            "topics",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--partitions",
                            "2",
                            "--set",
                            "kafka.topic-retention.events=2d",
                            "--set",
                            "kafka.topic-retention.outcomes=forever");
            assertThat(code).isZero();
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                List<String> names =
                        List.of(
                                "events",
                                "events-dlq",
                                "interventions",
                                "decisions",
                                "outcomes",
                                "policy",
                                "models");
                Map<String, Config> configs =
                        admin
                                .describeConfigs(
                                        names.stream()
                                                .map(
                                                        n ->
                                                                new ConfigResource(
                                                                        ConfigResource.Type.TOPIC,
                                                                        n))
                                                .toList())
                                .all()
                                .get()
                                .entrySet()
                                .stream()
                                .collect(
                                        Collectors.toMap(
                                                e -> e.getKey().name(), e -> e.getValue()));
                assertThat(retention(configs, "events")).isEqualTo(days(2));
                // the defaults of conf/retention-loop.yaml
                assertThat(retention(configs, "events-dlq")).isEqualTo(days(14));
                assertThat(retention(configs, "interventions")).isEqualTo(days(90));
                assertThat(retention(configs, "decisions")).isEqualTo(days(365));
                assertThat(retention(configs, "outcomes")).isEqualTo("-1");
                assertThat(retention(configs, "policy")).isEqualTo("-1");
                assertThat(configs.get("policy").get("cleanup.policy").value())
                        .isEqualTo("compact");
                assertThat(configs.get("models").get("cleanup.policy").value())
                        .isEqualTo("compact");
            }
        }
    }

    private static String retention(Map<String, Config> configs, String topic) {
        return configs.get(topic).get("retention.ms").value();
    }

    private static String days(int n) {
        return String.valueOf(Duration.ofDays(n).toMillis());
    }
}
