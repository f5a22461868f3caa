package io.retentionloop.ops.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Iterator;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter, serving its {@code /metrics} on one configured address instead of
 * every interface. Flink's {@code PrometheusReporter} has a port option only and binds the wildcard
 * address; everything else (metric names, labels, types) is Flink's own {@link
 * AbstractPrometheusReporter}, so dashboards and alerts see the same series.
 */
public class BoundPrometheusReporter extends AbstractPrometheusReporter {
    private final HTTPServer server;
    private final InetSocketAddress address;

    BoundPrometheusReporter(String host, PortRange ports) {
        CollectorRegistry registry = registry(this);
        HTTPServer started = null;
        InetSocketAddress bound = null;
        Iterator<Integer> it = ports.getPortsIterator();
        while (started == null && it.hasNext()) {
            InetSocketAddress candidate = new InetSocketAddress(host, it.next());
            try {
                started = new HTTPServer(candidate, registry, true);
                bound = candidate;
            } catch (IOException e) {
                log.debug("Prometheus port {} taken, trying the next", candidate, e);
            }
        }
        if (started == null) {
            throw new IllegalStateException(
                    "no free port for the Prometheus endpoint on " + host + " in " + ports);
        }
        this.server = started;
        this.address = new InetSocketAddress(bound.getAddress(), started.getPort());
        log.info("Prometheus metrics on http://{}:{}/metrics", host, address.getPort());
    }

    /** Where the endpoint listens. */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }

    /**
     * The registry the base class fills: package-private there, so read once by reflection (the
     * reporter test fails loudly if a Flink upgrade renames it).
     */
    private static CollectorRegistry registry(AbstractPrometheusReporter reporter) {
        try {
            Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
            f.setAccessible(true);
            return (CollectorRegistry) f.get(reporter);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "this Flink's AbstractPrometheusReporter has no registry field", e);
        }
    }
}
