package io.retentionloop.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.retentionloop.local.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The SQL tables get the job's Kafka client properties (from a properties file, {@code -D
 * kafka.properties.*} and {@code ${file:...}} references) and read a real broker with them, and the
 * runner never prints a secret one.
 */
class SqlKafkaPropertiesIT {

    @Test
    void tablesGetTheJobsClientPropertiesAndPrintNoSecret(@TempDir Path dir) throws Exception {
        String secret = "sql-secret-4f9a";
        Path secretFile = dir.resolve("key-password");
        Files.writeString(secretFile, secret + "\n");
        Path props = dir.resolve("client.properties");
        // PLAINTEXT settings prove the path without a secured broker; ssl.* is unused there
        Files.writeString(
                props,
                "client.dns.lookup=use_all_dns_ips\nssl.key.password=${file:" + secretFile + "}\n");
        Path script = dir.resolve("check.sql");
        Files.writeString(
                script,
                "SHOW CREATE TABLE decisions;\nSET;\nSELECT COUNT(*) AS n FROM outcomes;\n");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            Map<String, Integer> topics = new LinkedHashMap<>();
            for (String t :
                    List.of(
                            "decisions",
                            "interventions",
                            "outcomes",
                            "events",
                            "window-snapshots")) {
                topics.put(t, 1);
            }
            kafka.createTopics(topics, List.of());
            SqlRunner runner = new SqlRunner();
            new CommandLine(runner)
                    .parseArgs(
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "-D",
                            "kafka.properties-file=" + props,
                            "-D",
                            "kafka.properties.request.timeout.ms=20000",
                            "--out-dir",
                            dir.resolve("out").toString(),
                            "sql/00-tables.sql",
                            script.toString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<SqlRunner.Result> results =
                    runner.printTo(
                                    new PrintStream(out, true, StandardCharsets.UTF_8),
                                    new PrintStream(log, true, StandardCharsets.UTF_8))
                            .run();

            // the table definition carries every client property, the secret resolved
            String ddl = results.get(0).rows().get(0).getField(0).toString();
            assertThat(ddl)
                    .contains("'properties.client.dns.lookup' = 'use_all_dns_ips'")
                    .contains("'properties.request.timeout.ms' = '20000'")
                    .contains("'properties.ssl.key.password' = '" + secret + "'")
                    .contains("'properties.bootstrap.servers' = '" + kafka.bootstrapServers());
            // ... and a query over such a table reads the broker (an empty topic: 0)
            assertThat(results.get(1).rows().get(0).getField(0)).isEqualTo(0L);

            String printed =
                    out.toString(StandardCharsets.UTF_8) + log.toString(StandardCharsets.UTF_8);
            assertThat(printed)
                    .contains("'properties.client.dns.lookup' = 'use_all_dns_ips'")
                    .contains("'properties.ssl.key.password' = '***'")
                    .doesNotContain(secret);
        }
    }
}
