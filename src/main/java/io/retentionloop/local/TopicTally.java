package io.retentionloop.local;

import io.retentionloop.agent.ActionCatalogue;
import io.retentionloop.agent.Decision;
import io.retentionloop.agent.DecisionJson;
import io.retentionloop.agent.Outcome;
import io.retentionloop.agent.OutcomeJson;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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
            String decisionTopic,
            String outcomeTopic,
            ActionCatalogue catalogue,
            java.util.function.Predicate<String> track) {
        this.track = track;
        this.decisionJson = new DecisionJson(catalogue);
        this.actionIds = catalogue.ids();
        this.decisionTopic = decisionTopic;
        this.outcomeTopic = outcomeTopic;
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
        consumer.subscribe(List.of(snapshotTopic, deadLetterTopic, decisionTopic, outcomeTopic));
        this.thread = new Thread(this::run, "local-run-tally");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(snapshotTopic)) {
                    countSnapshot(ScoredWindowJson.fromJson(r.value()));
                } else if (r.topic().equals(decisionTopic)) {
                    countDecision(decisionJson.fromJson(r.value()));
                } else if (r.topic().equals(outcomeTopic)) {
                    countOutcome(OutcomeJson.fromJson(r.value()));
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

    /** A decision as the runner needs it. */
    record Seen(
            String userId,
            long windowEnd,
            String action,
            String stage,
            boolean control,
            double expectedSpend,
            double expectedCost,
            long policyVersion,
            double budgetPrice,
            Map<String, Double> qValues,
            Map<String, Double> probabilities) {}

    private final String decisionTopic;
    private final String outcomeTopic;
    private final Map<Long, List<Seen>> decisionsByWindow = new TreeMap<>();
    private final Set<String> seenDecisions = new HashSet<>();
    private final Map<String, Long> decisionsByAction = new TreeMap<>();
    private final Map<Long, Long> policyVersionsByWindow = new TreeMap<>();
    private final Map<Long, Double> budgetPriceByWindow = new TreeMap<>();
    private final AtomicLong duplicateDecisions = new AtomicLong();
    private final AtomicLong controlTreated = new AtomicLong();
    private final AtomicLong outcomes = new AtomicLong();
    private final Set<String> seenOutcomes = new HashSet<>();
    private double rewardSum;
    private long terminalOutcomes;
    private final DecisionJson decisionJson;
    private final String[] actionIds;

    private synchronized void countDecision(Decision d) {
        if (!seenDecisions.add(d.decisionId)) {
            duplicateDecisions.incrementAndGet();
            return;
        }
        Seen s =
                new Seen(
                        d.userId,
                        d.windowEnd,
                        d.actionId,
                        d.stage == null ? "" : d.stage.name().toLowerCase(java.util.Locale.ROOT),
                        d.controlGroup,
                        orZero(d.expectedSpend),
                        orZero(d.expectedCost),
                        d.policyVersion,
                        d.budgetPrice,
                        byAction(d.qValues),
                        byAction(d.probabilities));
        decisionsByWindow.computeIfAbsent(s.windowEnd(), w -> new java.util.ArrayList<>()).add(s);
        decisionsByAction.merge(s.action(), 1L, Long::sum);
        policyVersionsByWindow.merge(s.windowEnd(), s.policyVersion(), Math::max);
        budgetPriceByWindow.merge(s.windowEnd(), s.budgetPrice(), Math::max);
        if (s.control() && !s.action().equals("none")) {
            controlTreated.incrementAndGet();
        }
        notifyAll();
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** Values by action id; empty when there are none (policies without a net). */
    private Map<String, Double> byAction(double[] values) {
        Map<String, Double> out = new java.util.HashMap<>();
        if (values != null) {
            for (int a = 0; a < values.length; a++) {
                if (!Double.isNaN(values[a])) {
                    out.put(actionIds[a], values[a]);
                }
            }
        }
        return out;
    }

    private synchronized void countOutcome(Outcome o) {
        if (seenOutcomes.add(o.decisionId)) {
            outcomes.incrementAndGet();
            rewardSum += o.reward;
            if (o.done) {
                terminalOutcomes++;
            }
        }
    }

    /**
     * Waits until {@code expected} decisions for the window ending at {@code windowEnd} are
     * committed, and hands them over (each window once). While it waits it keeps one checkpoint of
     * {@code checkpoint} in flight (their completion commits the decisions), so a simulated day
     * costs the job's work and a checkpoint, not a whole checkpoint interval.
     */
    synchronized List<Seen> awaitDecisions(
            long windowEnd,
            long expected,
            Duration timeout,
            Supplier<CompletableFuture<?>> checkpoint)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<?> inFlight = null;
        long nextTrigger = 0;
        while (decisionsByWindow.getOrDefault(windowEnd, List.of()).size() < expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(
                        "timed out waiting for "
                                + expected
                                + " decisions of window "
                                + java.time.Instant.ofEpochMilli(windowEnd)
                                + ", have "
                                + decisionsByWindow.getOrDefault(windowEnd, List.of()).size());
            }
            long now = System.nanoTime();
            if ((inFlight == null || inFlight.isDone()) && now >= nextTrigger) {
                // a failed or declined trigger is retried after a pause; the periodic
                // checkpoints go on anyway
                boolean failed = inFlight != null && inFlight.isCompletedExceptionally();
                if (failed && nextTrigger == 0) {
                    nextTrigger = now + 500_000_000L;
                } else {
                    inFlight = checkpoint.get();
                    nextTrigger = 0;
                }
            }
            wait(Math.max(1, Math.min(20, left / 1_000_000)));
        }
        return new java.util.ArrayList<>(decisionsByWindow.get(windowEnd));
    }

    synchronized long decisions() {
        return seenDecisions.size();
    }

    synchronized Map<String, Long> decisionsByAction() {
        return new TreeMap<>(decisionsByAction);
    }

    synchronized Map<Long, Long> policyVersionsByWindow() {
        return new TreeMap<>(policyVersionsByWindow);
    }

    /** The highest budget price a decision of each window was chosen with. */
    synchronized Map<Long, Double> budgetPriceByWindow() {
        return new TreeMap<>(budgetPriceByWindow);
    }

    long duplicateDecisions() {
        return duplicateDecisions.get();
    }

    long controlTreated() {
        return controlTreated.get();
    }

    synchronized long outcomes() {
        return outcomes.get();
    }

    /** Matured outcomes without a next state (the user expired, or none came in time). */
    synchronized long terminalOutcomes() {
        return terminalOutcomes;
    }

    synchronized double rewardSum() {
        return rewardSum;
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
