package io.retentionloop.lifecycle;

/**
 * Users per lifecycle stage held by one subtask; checkpointed as operator state so the gauges
 * survive restarts, and summed when rescaling hands a subtask several of them.
 */
public class StageCounts {
    public long[] counts = new long[LifecycleStage.values().length];

    public StageCounts() {}

    void add(LifecycleStage stage, long delta) {
        counts[stage.ordinal()] += delta;
    }

    void addAll(StageCounts other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    long of(LifecycleStage stage) {
        return counts[stage.ordinal()];
    }

    long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }
}
