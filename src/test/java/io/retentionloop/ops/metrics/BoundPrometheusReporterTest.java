package io.retentionloop.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.retentionloop.local.LocalFlink;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class BoundPrometheusReporterTest {

    @Test
    void aFlinkClusterServesItsMetricsOnLoopbackOnly() throws Exception {
        int port = freePort();
        Configuration conf = new Configuration();
        conf.setString("rest.bind-port", "0");
        conf.setString(
                "metrics.reporter.prom.factory.class",
                BoundPrometheusReporterFactory.class.getName());
        conf.setString("metrics.reporter.prom.port", port + "-" + (port + 5));
        // host left to its default: 127.0.0.1
        try (LocalFlink flink = LocalFlink.start(conf, 1, 1)) {
            String body = get("http://127.0.0.1:" + port + "/metrics");
            assertThat(body).contains("flink_jobmanager_numRegisteredTaskManagers");
            assertThat(body).contains("flink_taskmanager_Status_JVM_CPU_Load");
            Optional<InetAddress> external = nonLoopbackAddress();
            assumeThat(external).as("a non-loopback address to probe").isPresent();
            assertThatThrownBy(
                            () -> {
                                try (Socket s = new Socket()) {
                                    s.connect(new InetSocketAddress(external.get(), port), 2000);
                                }
                            })
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void theConfiguredHostIsWhereItListens() throws Exception {
        int port = freePort();
        java.util.Properties props = new java.util.Properties();
        props.setProperty("host", "127.0.0.2");
        props.setProperty("port", String.valueOf(port));
        BoundPrometheusReporter reporter =
                new BoundPrometheusReporterFactory().createMetricReporter(props);
        try {
            assertThat(reporter.address().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
            assertThat(reporter.address().getPort()).isEqualTo(port);
            assertThat(get("http://127.0.0.2:" + port + "/metrics")).isNotNull();
            assertThatThrownBy(() -> get("http://127.0.0.1:" + port + "/metrics"))
                    .isInstanceOf(ConnectException.class);
        } finally {
            reporter.close();
        }
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (n.isUp() && !n.isLoopback()) {
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
