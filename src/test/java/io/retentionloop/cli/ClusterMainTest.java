package io.retentionloop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;

class ClusterMainTest {

    @Test
    void aFailedCommandLineIsReportedWithItsSecretsMasked() {
        // Flink returns this message in the REST response of /jars/{id}/run and logs it
        Throwable t =
                catchThrowable(
                        () ->
                                ClusterMain.main(
                                        new String[] {
                                            "job",
                                            "--set",
                                            "kafka.bootstrap-servers=broker:9092",
                                            "kafka.properties.ssl.key.password=hunter2-secret"
                                        }));
        assertThat(t).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.getMessage())
                .contains("kafka.bootstrap-servers=broker:9092")
                .contains("kafka.properties.ssl.key.password=***")
                .contains("Unmatched argument")
                .doesNotContain("hunter2-secret");
    }

    @Test
    void theCliListsTheOperatorToolsWhereTheirApisArePresent() {
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute()).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("sql", "inspect-savepoint", "job", "benchmark");
    }
}
