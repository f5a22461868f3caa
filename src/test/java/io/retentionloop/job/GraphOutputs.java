package io.retentionloop.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.value.ScoredWindow;
import io.retentionloop.value.ScoredWindowJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the graph wrote, decoded from the bytes of its outputs with the job's readers, and the
 * checks that it is exactly what {@link EventGenerator}'s events call for: each expected window
 * snapshot once, each bad record dead-lettered once, one decision per scored window with the
 * control group never treated, each matured reward once, and the stream's features and scores equal
 * to an offline replay.
 */
final class GraphOutputs {
    final List<WindowSnapshot> snapshots = new ArrayList<>();
    final List<ScoredWindow> scored = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final List<JsonNode> decisions = new ArrayList<>();
    final List<JsonNode> outcomes = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    void snapshot(byte[] value) {
        ScoredWindow s = ScoredWindowJson.fromJson(value);
        assertThat(s.expectedPurchases).isNotNegative();
        assertThat(s.modelVersion).startsWith("clv-");
        snapshots.add(s.snapshot);
        scored.add(s);
    }

    void deadLetter(byte[] value) {
        deadLetters.add(DeadLetterJson.fromJson(value));
    }

    void decision(byte[] value) {
        decisions.add(tree(value));
    }

    void outcome(byte[] value) {
        outcomes.add(tree(value));
    }

    private JsonNode tree(byte[] value) {
        try {
            return json.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Snapshots per window end. */
    Map<Long, Long> windows() {
        Map<Long, Long> w = new TreeMap<>();
        snapshots.forEach(s -> w.merge(s.windowEnd, 1L, Long::sum));
        return w;
    }

    /**
     * Checks everything against {@code gen}'s events: {@code expected} snapshots per window end,
     * {@code maturable} outcomes, offline replay up to {@code end} with {@code model}.
     */
    void assertExactlyOnce(
            EventGenerator gen,
            JobConfig config,
            Map<Long, Long> expected,
            long maturable,
            long end,
            Path modelFile)
            throws IOException {
        long expectedTotal = expected.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Integer> perSnapshot = new HashMap<>();
        for (WindowSnapshot s : this.snapshots) {
            perSnapshot.merge(s.userId + "@" + s.windowEnd, 1, Integer::sum);
        }
        assertThat(perSnapshot.values()).allMatch(n -> n == 1);
        for (long w : expected.keySet()) {
            java.util.Set<String> emitted = new java.util.TreeSet<>();
            this.snapshots.stream()
                    .filter(s -> s.windowEnd == w)
                    .forEach(s -> emitted.add(s.userId));
            java.util.Set<String> live = gen.expectation.liveUsers(config.lifecycleRules(), w);
            java.util.Set<String> extra = new java.util.TreeSet<>(emitted);
            extra.removeAll(live);
            java.util.Set<String> missing = new java.util.TreeSet<>(live);
            missing.removeAll(emitted);
            StringBuilder why = new StringBuilder();
            extra.forEach(
                    u ->
                            why.append(u)
                                    .append(" extra, days ")
                                    .append(gen.expectation.activeDays(u))
                                    .append('\n'));
            missing.forEach(
                    u ->
                            why.append(u)
                                    .append(" missing, days ")
                                    .append(gen.expectation.activeDays(u))
                                    .append('\n'));
            assertThat(emitted).as("window %s\n%s", Instant.ofEpochMilli(w), why).isEqualTo(live);
        }
        assertThat(this.windows()).isEqualTo(expected);
        assertThat(this.snapshots).hasSize((int) expectedTotal);

        Map<String, Integer> perLetter = new HashMap<>();
        for (DeadLetter d : this.deadLetters) {
            perLetter.merge(d.sourcePartition + "/" + d.sourceOffset, 1, Integer::sum);
        }
        assertThat(perLetter.values()).allMatch(n -> n == 1);
        assertThat(this.deadLetters).hasSize(gen.bad);
        assertThat(this.deadLetters)
                .extracting(d -> d.reason)
                .containsOnly(DeadLetterReason.MALFORMED_JSON, DeadLetterReason.NEGATIVE_AMOUNT);

        // one decision per scored window, none twice, none lost, control group never treated
        Map<String, Integer> perDecision = new HashMap<>();
        for (var d : this.decisions) {
            perDecision.merge(d.get("decision_id").asText(), 1, Integer::sum);
            if (d.get("control_group").asBoolean()) {
                assertThat(d.get("action").asText()).isEqualTo("none");
            }
            assertThat(d.get("propensity").asDouble()).isGreaterThan(0);
        }
        assertThat(perDecision.values()).allMatch(n -> n == 1);
        assertThat(perDecision).hasSize((int) expectedTotal);
        // rewards of decisions whose horizon (7 d + 1 d lateness) ended by day 35, each once
        Map<String, Integer> perOutcome = new HashMap<>();
        this.outcomes.forEach(
                o -> perOutcome.merge(o.get("decision_id").asText(), 1, Integer::sum));
        assertThat(perOutcome.values()).allMatch(n -> n == 1);
        assertThat(perOutcome.keySet()).isSubsetOf(perDecision.keySet());
        assertThat((long) perOutcome.size()).isEqualTo(maturable);

        // train/serve parity: replaying the same events offline through the lifecycle code and
        // scoring them with the same model file gives what the stream emitted
        io.retentionloop.lifecycle.UserLifecycle offline =
                new io.retentionloop.lifecycle.UserLifecycle(config.lifecycleRules());
        Map<String, WindowSnapshot> replayed = new HashMap<>();
        gen.history.forEach(
                (u, events) ->
                        offline.replay(
                                u,
                                events,
                                end,
                                s -> replayed.put(s.userId + "@" + s.windowEnd, s)));
        io.retentionloop.value.model.ClvModel model =
                io.retentionloop.value.model.ClvModel.load(modelFile);
        List<double[]> features = new ArrayList<>();
        for (ScoredWindow s : this.scored) {
            WindowSnapshot o = replayed.get(s.snapshot.userId + "@" + s.snapshot.windowEnd);
            assertThat(o).as("offline snapshot of %s", s.snapshot).isEqualTo(s.snapshot);
            features.add(o.features);
        }
        var offlineScores = model.predict(features, model.horizonDays());
        for (int i = 0; i < offlineScores.length; i++) {
            assertThat(this.scored.get(i).expectedPurchases)
                    .isCloseTo(
                            offlineScores[i].expectedPurchases(),
                            org.assertj.core.data.Percentage.withPercentage(1e-3));
        }

        // the features survived the crash: a user's purchase count is exact
        String user = gen.purchases.keySet().iterator().next();
        WindowSnapshot last =
                this.snapshots.stream()
                        .filter(s -> s.userId.equals(user))
                        .max((a, b) -> Long.compare(a.windowEnd, b.windowEnd))
                        .orElseThrow();
        long purchasesBefore =
                gen.purchaseTimes.get(user).stream().filter(t -> t < last.windowEnd).count();
        assertThat(last.feature("purchases")).isEqualTo((double) purchasesBefore);
    }
}
