package io.retentionloop.benchmark;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter the benchmark plugs into its own MiniCluster: it keeps a reference to every
 * counter the jobs register, so the benchmark reads how many events have arrived straight from the
 * counters, without polling the REST API (whose cost would be charged to the job).
 */
public final class InProcessCounters implements MetricReporter {
    private static final Map<String, List<Counter>> COUNTERS = new ConcurrentHashMap<>();

    /** Sum of the counters registered under any of {@code names}, over all tasks. */
    static long sum(Collection<String> names) {
        long total = 0;
        for (String name : names) {
            for (Counter c : COUNTERS.getOrDefault(name, List.of())) {
                total += c.getCount();
            }
        }
        return total;
    }

    /** Forgets every counter (between runs; a cancelled job's counters are removed anyway). */
    static void clear() {
        COUNTERS.clear();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter c) {
            COUNTERS.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(c);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        List<Counter> list = COUNTERS.get(name);
        if (list != null) {
            list.remove(metric);
        }
    }

    /** Named by {@code metrics.reporter.NAME.factory.class} in the benchmark's configuration. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new InProcessCounters();
        }
    }
}
