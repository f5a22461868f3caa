package io.retentionloop.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * CPU time of this process's threads, grouped by what they do (a task's chain, RocksDB, the JIT,
 * ...), between two readings: where a run's CPU went. Threads that end between the readings are not
 * seen; the process total is read separately.
 */
final class ThreadCpu {
    private static final Pattern SUBTASK = Pattern.compile(" \\(\\d+/\\d+\\)(#\\d+)?$");
    private static final Pattern NUMBERED = Pattern.compile("[-#]?\\d+$");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> start = new HashMap<>();

    private ThreadCpu() {}

    /** Reads every live thread's CPU time now. */
    static ThreadCpu start() {
        ThreadCpu t = new ThreadCpu();
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            if (cpu >= 0) {
                t.start.put(id, cpu);
            }
        }
        return t;
    }

    /** CPU seconds per thread group since {@link #start}, largest first in name order. */
    Map<String, Double> secondsByGroup() {
        Map<String, Double> groups = new TreeMap<>();
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = THREADS.getThreadCpuTime(ids[i]);
            if (cpu < 0 || infos[i] == null) {
                continue;
            }
            double s = (cpu - start.getOrDefault(ids[i], 0L)) / 1e9;
            if (s > 0.005) {
                groups.merge(group(infos[i].getThreadName()), s, Double::sum);
            }
        }
        return groups;
    }

    /** A thread's name without its subtask index, attempt or sequence number. */
    static String group(String threadName) {
        String n = SUBTASK.matcher(threadName).replaceFirst("");
        if (n.startsWith("Thread-")) {
            return "unnamed threads";
        }
        n = NUMBERED.matcher(n).replaceFirst("");
        return n.length() > 80 ? n.substring(0, 80) : n;
    }
}
