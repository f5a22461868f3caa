package io.retentionloop.ops.metrics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter for code in the cluster's own JVM (a MiniCluster): it keeps a reference to
 * every counter and gauge the jobs register, so the benchmark reads how many events have arrived
 * (and how many users the lifecycle holds) straight from the metrics, without polling the REST API
 * (whose cost would be charged to the job). It ships in the reporter jar beside {@link
 * BoundPrometheusReporterFactory}, with which it shares the service registration; a cluster that
 * does not name it never starts it.
 */
public final class InProcessMetrics implements MetricReporter {
    private static final Map<String, List<Counter>> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, List<Gauge<?>>> GAUGES = new ConcurrentHashMap<>();

    /** Sum of the counters registered under any of {@code names}, over all tasks. */
    public static long sum(Collection<String> names) {
        long total = 0;
        for (String name : names) {
            for (Counter c : COUNTERS.getOrDefault(name, List.of())) {
                total += c.getCount();
            }
        }
        return total;
    }

    /**
     * Sum of the numeric gauges registered under {@code name} over all tasks, or -1 when none is
     * registered.
     */
    public static long gauge(String name) {
        List<Gauge<?>> gauges = GAUGES.getOrDefault(name, List.of());
        if (gauges.isEmpty()) {
            return -1;
        }
        long total = 0;
        for (Gauge<?> g : gauges) {
            if (g.getValue() instanceof Number n) {
                total += n.longValue();
            }
        }
        return total;
    }

    /** Forgets every metric (between runs; a cancelled job's metrics are removed anyway). */
    public static void clear() {
        COUNTERS.clear();
        GAUGES.clear();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter c) {
            COUNTERS.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(c);
        } else if (metric instanceof Gauge<?> g) {
            GAUGES.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(g);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        List<Counter> counters = COUNTERS.get(name);
        if (counters != null) {
            counters.remove(metric);
        }
        List<Gauge<?>> gauges = GAUGES.get(name);
        if (gauges != null) {
            gauges.remove(metric);
        }
    }

    /** Named by {@code metrics.reporter.NAME.factory.class} in the benchmark's configuration. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new InProcessMetrics();
        }
    }
}
