package io.retentionloop.ops.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Creates a {@link BoundPrometheusReporter}: {@code metrics.reporter.NAME.factory.class} names this
 * class, {@code metrics.reporter.NAME.host} is the address to listen on (default {@value
 * #DEFAULT_HOST}: loopback only) and {@code metrics.reporter.NAME.port} a port or range (default
 * {@value #DEFAULT_PORT}; processes on one host each take the next free one).
 */
public class BoundPrometheusReporterFactory implements MetricReporterFactory {
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_PORT = "9249";

    @Override
    public BoundPrometheusReporter createMetricReporter(Properties properties) {
        String host = properties.getProperty(HOST, DEFAULT_HOST).strip();
        String ports = properties.getProperty(PORT, DEFAULT_PORT).strip();
        return new BoundPrometheusReporter(host, new PortRange(ports));
    }
}
