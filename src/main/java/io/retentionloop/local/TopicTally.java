package io.retentionloop.local;

import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.value.ScoredWindow;
import io.retentionloop.value.ScoredWindowJson;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's output topics as a downstream consumer would ({@code read_committed}) and keeps
 * counts: window snapshots per window end (and any (user, window) seen twice), dead letters per
 * reason. Runs on its own thread until closed.
 */
final class TopicTally implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String snapshotTopic;
    private final String deadLetterTopic;
    private final Thread thread;
    private volatile boolean running = true;

    private final Map<Long, Long> snapshotsByWindow = new TreeMap<>();
    private final Set<String> seenSnapshots = new HashSet<>();
    private final Map<String, Long> deadLettersByReason = new TreeMap<>();
    private final AtomicLong snapshots = new AtomicLong();
    private final AtomicLong duplicateSnapshots = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private volatile long latestWindowEnd = Long.MIN_VALUE;
    private final Map<String, Double> predictions = new java.util.HashMap<>();
    private final java.util.function.Predicate<String> track;
    private final Set<String> modelVersions = new java.util.TreeSet<>();

    /**
     * @param track users whose predicted purchases are kept, keyed {@code user@windowEnd}
     */
    TopicTally(
            Properties client,
            String snapshotTopic,
            String deadLetterTopic,
            java.util.function.Predicate<String> track) {
        this.track = track;
        Properties p = new Properties();
        p.putAll(client);
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.put("group.id", "local-run-tally");
        this.consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.snapshotTopic = snapshotTopic;
        this.deadLetterTopic = deadLetterTopic;
        consumer.subscribe(List.of(snapshotTopic, deadLetterTopic));
        this.thread = new Thread(this::run, "local-run-tally");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(snapshotTopic)) {
                    countSnapshot(ScoredWindowJson.fromJson(r.value()));
                } else if (r.topic().equals(deadLetterTopic)) {
                    String reason = DeadLetterJson.fromJson(r.value()).reason.code();
                    synchronized (this) {
                        deadLettersByReason.merge(reason, 1L, Long::sum);
                    }
                    deadLetters.incrementAndGet();
                }
            }
        }
        consumer.close();
    }

    private synchronized void countSnapshot(ScoredWindow scored) {
        WindowSnapshot s = scored.snapshot;
        String key = s.userId + "@" + s.windowEnd;
        if (!seenSnapshots.add(key)) {
            duplicateSnapshots.incrementAndGet();
            return;
        }
        modelVersions.add(scored.modelVersion);
        if (track.test(s.userId)) {
            predictions.put(key, scored.expectedPurchases);
        }
        snapshotsByWindow.merge(s.windowEnd, 1L, Long::sum);
        latestWindowEnd = Math.max(latestWindowEnd, s.windowEnd);
        snapshots.incrementAndGet();
    }

    long snapshots() {
        return snapshots.get();
    }

    long duplicateSnapshots() {
        return duplicateSnapshots.get();
    }

    long deadLetters() {
        return deadLetters.get();
    }

    long latestWindowEnd() {
        return latestWindowEnd;
    }

    synchronized Map<Long, Long> snapshotsByWindow() {
        return new TreeMap<>(snapshotsByWindow);
    }

    /** Predicted expected purchases of tracked users, keyed {@code user@windowEnd}. */
    synchronized Map<String, Double> predictions() {
        return new java.util.HashMap<>(predictions);
    }

    synchronized Set<String> modelVersions() {
        return new java.util.TreeSet<>(modelVersions);
    }

    synchronized Map<String, Long> deadLettersByReason() {
        return new TreeMap<>(deadLettersByReason);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
