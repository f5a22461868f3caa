package io.retentionloop.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.agent.ActionCatalogue;
import io.retentionloop.agent.Decision;
import io.retentionloop.agent.DecisionJson;
import io.retentionloop.events.EventJson;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.RetentionLoopJob;
import io.retentionloop.job.Uids;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.local.EmbeddedKafka;
import io.retentionloop.local.LocalFlink;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import io.retentionloop.value.ScoredWindowJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The current job restores every savepoint kept under {@code savepoints/release-*} (written by
 * earlier releases, see savepoints/README.md) and carries on: per-user state continues exactly, new
 * windows get one snapshot and one decision per user, nothing from before the savepoint is emitted
 * again. Operators added since the savepoint start empty.
 */
class SavepointCompatibilityIT {
    private static final long DAY = 86_400_000L;

    /** Days simulated after the restore: two more windows. */
    private static final int MORE_DAYS = 14;

    @TempDir Path tmp;

    static Stream<Path> keptSavepoints() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("savepoints"))) {
            List<Path> kept =
                    dirs.filter(d -> d.getFileName().toString().startsWith("release-"))
                            .filter(d -> Files.isRegularFile(d.resolve(CompatSavepoint.MANIFEST)))
                            .sorted()
                            .toList();
            assertThat(kept).as("kept savepoints under savepoints/release-*").isNotEmpty();
            return kept.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("keptSavepoints")
    void currentJobContinuesEveryUserFromTheKeptSavepoint(Path kept) throws Exception {
        JsonNode manifest =
                new ObjectMapper().readTree(kept.resolve(CompatSavepoint.MANIFEST).toFile());
        JsonNode world = manifest.get("world");
        Instant start = Instant.parse(world.get("start").asText());
        int days = world.get("days").asInt();
        long savedUntil = Instant.parse(manifest.get("last_window_end").asText()).toEpochMilli();
        Map<String, JsonNode> saved = new HashMap<>();
        manifest.get("users_at_last_window")
                .fields()
                .forEachRemaining(e -> saved.put(e.getKey(), e.getValue()));

        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"))) {
            List<String> settings = new ArrayList<>();
            manifest.get("job_settings").forEach(s -> settings.add(s.asText()));
            settings.add("kafka.bootstrap-servers=" + kafka.bootstrapServers());
            settings.add(
                    "value.model-uri="
                            + kept.resolve(manifest.get("model").get("file").asText())
                                    .toAbsolutePath()
                                    .toUri());
            settings.addAll(io.retentionloop.job.TestEventWriter.SETTINGS);
            JobConfig config = JobConfig.load(null, settings);
            LifecycleRules rules = config.lifecycleRules();
            kafka.createTopics(config.topics(), CompatSavepoint.PARTITIONS);
            // the restored sources resume at the offsets they had: give every input topic the
            // records it had then (their content is never read again)
            manifest.get("input_topic_end_offsets")
                    .fields()
                    .forEachRemaining(e -> fill(kafka, e.getKey(), e.getValue(), savedUntil));

            Configuration conf = CompatSavepoint.flinkConf(Path.of("conf"), tmp);
            conf.setString(
                    "execution.state-recovery.path",
                    kept.resolve(manifest.get("savepoint").asText())
                            .toAbsolutePath()
                            .toUri()
                            .toString());
            try (LocalFlink flink = LocalFlink.start(conf, 1, config.job().parallelism())) {
                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.getExecutionEnvironment(conf);
                RetentionLoopJob.build(env, config);
                JobID job = flink.submit(env, config.job().name());

                Simulator sim =
                        new Simulator(
                                WorldConfig.load(Path.of(world.get("file").asText())),
                                world.get("users").asInt(),
                                world.get("seed").asLong(),
                                start);
                long end = savedUntil + MORE_DAYS * DAY;
                Set<Long> newWindows = new TreeSet<>();
                for (long w = savedUntil + rules.windowMillis();
                        w <= end;
                        w += rules.windowMillis()) {
                    newWindows.add(w);
                }
                try (CompatSavepoint.Feed feed = new CompatSavepoint.Feed(kafka, config)) {
                    feed.days(sim, 0, days, false); // the world as it was, not sent again
                    feed.days(sim, days, days + MORE_DAYS, true);
                    feed.close(end);

                    Map<String, Map<Long, List<WindowSnapshot>>> snapshots = new HashMap<>();
                    Map<String, Integer> decisionIds = new HashMap<>();
                    Set<String> expectedUsers = new TreeSet<>(saved.keySet());
                    expectedUsers.addAll(feed.liveAt(rules, end));
                    // restored users keep the common grid; users first seen after the restore
                    // get their own phase, and those on the grid's phase are awaited with them
                    Set<String> onGrid = new TreeSet<>(saved.keySet());
                    expectedUsers.stream().filter(u -> rules.phase(u) == 0).forEach(onGrid::add);
                    readUntilComplete(
                            kafka,
                            config,
                            snapshots,
                            decisionIds,
                            onGrid,
                            newWindows,
                            Duration.ofMinutes(2));
                    assertThat(flink.status(job).isGloballyTerminalState()).isFalse();
                    flink.cancel(job);

                    // nothing from before the savepoint again, and nothing twice
                    snapshots.forEach(
                            (user, byWindow) ->
                                    byWindow.forEach(
                                            (w, list) -> {
                                                if (saved.containsKey(user)) {
                                                    assertThat(w).as(user).isIn(newWindows);
                                                } else {
                                                    assertThat(w)
                                                            .as(user)
                                                            .isGreaterThan(savedUntil);
                                                    assertThat(rules.windowEndFor(user, w - 1))
                                                            .as(user + " on its phase")
                                                            .isEqualTo(w);
                                                }
                                                assertThat(list)
                                                        .as(user + " at " + Instant.ofEpochMilli(w))
                                                        .hasSize(1);
                                            }));
                    decisionIds.forEach((id, n) -> assertThat(n).as(id).isEqualTo(1));

                    for (String user : expectedUsers) {
                        JsonNode before = saved.get(user);
                        long purchases = before == null ? 0 : before.get("purchases").asLong();
                        for (long w :
                                before != null
                                        ? newWindows
                                        : windowsOf(rules, user, savedUntil, end)) {
                            WindowSnapshot s =
                                    snapshots
                                            .getOrDefault(user, Map.of())
                                            .getOrDefault(w, List.of())
                                            .stream()
                                            .findFirst()
                                            .orElse(null);
                            if (before == null && !feed.liveAt(rules, w).contains(user)) {
                                continue; // first seen later
                            }
                            assertThat(s).as(user + " at " + Instant.ofEpochMilli(w)).isNotNull();
                            long total =
                                    purchases
                                            + feed.purchases.getOrDefault(user, List.of()).stream()
                                                    .filter(t -> t < w)
                                                    .count();
                            assertThat(s.feature("purchases"))
                                    .as(user + " purchases")
                                    .isEqualTo((double) total);
                            if (before != null) {
                                // the profile came from the savepoint: not new, tenure carried on
                                assertThat(s.stage.name()).as(user).isNotEqualTo("NEW");
                                assertThat(s.feature("tenure_days"))
                                        .as(user + " tenure")
                                        .isCloseTo(
                                                before.get("tenure_days").asDouble()
                                                        + (w - savedUntil) / (double) DAY,
                                                within(1e-6));
                                assertThat(decisionIds)
                                        .as(user + " decision")
                                        .containsKey(Decision.idOf(user, w));
                            }
                        }
                    }
                    assertThat(saved).isNotEmpty();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("keptSavepoints")
    void inspectorReadsTheKeptSavepoint(Path kept) throws Exception {
        JsonNode manifest =
                new ObjectMapper().readTree(kept.resolve(CompatSavepoint.MANIFEST).toFile());
        Map<String, Long> stages = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> users = manifest.get("users_at_last_window").fields();
        Map.Entry<String, JsonNode> someone = null;
        while (users.hasNext()) {
            Map.Entry<String, JsonNode> u = users.next();
            stages.merge(u.getValue().get("stage").asText(), 1L, Long::sum);
            if (someone == null
                    || u.getValue().get("purchases").asLong()
                            > someone.getValue().get("purchases").asLong()) {
                someone = u;
            }
        }
        SavepointInspector.Summary s =
                SavepointInspector.inspect(
                        kept.resolve(manifest.get("savepoint").asText()).toString(),
                        someone.getKey());
        SavepointInspector.print(s, System.out);

        assertThat(s.users()).isEqualTo(manifest.get("users_at_last_window").size());
        stages.forEach(
                (stage, n) -> assertThat(s.usersByStage().get(stage)).as(stage).isEqualTo(n));
        assertThat(s.stageCountsState()).isEqualTo(s.usersByStage());
        assertThat(s.model().sha256).isEqualTo(manifest.get("model").get("sha256").asText());
        assertThat(s.operators())
                .extracting(SavepointInspector.OperatorInfo::uid)
                .contains(Uids.USER_LIFECYCLE, Uids.VALUE_SCORER, Uids.EVENTS_SOURCE);
        JsonNode profile = new ObjectMapper().readTree(s.user().profileJson());
        assertThat(profile.get("purchases").asLong())
                .isEqualTo(someone.getValue().get("purchases").asLong());
        assertThat(profile.get("stage").asText())
                .isEqualToIgnoringCase(someone.getValue().get("stage").asText());
        assertThat(s.user().eventTimeTimers()).hasSize(1);
        if (s.pendingDecisions() != null) {
            // every user got a decision at every window end; none has matured yet (H = 28 d)
            assertThat(s.usersWithPendingDecisions()).isEqualTo(s.users());
            assertThat(s.user().pending()).isNotEmpty();
        }
    }

    private static void fill(EmbeddedKafka kafka, String topic, JsonNode offsets, long time) {
        Properties p = kafka.clientProperties();
        p.put("enable.idempotence", "true");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < offsets.size(); partition++) {
                for (long i = 0; i < offsets.get(partition).asLong(); i++) {
                    producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    partition,
                                    time,
                                    "filler".getBytes(StandardCharsets.UTF_8),
                                    EventJson.heartbeat(time, null)));
                }
            }
            producer.flush();
            List<Long> now = CompatSavepoint.endOffsets(kafka, topic);
            for (int partition = 0; partition < offsets.size(); partition++) {
                assertThat(now.get(partition))
                        .as(topic + "-" + partition)
                        .isEqualTo(offsets.get(partition).asLong());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user's own window ends in {@code (from, to]}. */
    private static List<Long> windowsOf(LifecycleRules rules, String user, long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long w = rules.windowEndFor(user, from); w <= to; w += rules.windowMillis()) {
            out.add(w);
        }
        return out;
    }

    private static void readUntilComplete(
            EmbeddedKafka kafka,
            JobConfig config,
            Map<String, Map<Long, List<WindowSnapshot>>> snapshots,
            Map<String, Integer> decisionIds,
            Set<String> users,
            Set<Long> windows,
            Duration limit)
            throws Exception {
        long last = windows.stream().mapToLong(Long::longValue).max().orElseThrow();
        DecisionJson decisions = new DecisionJson(ActionCatalogue.defaults());
        Set<String> lastSnapshots = new TreeSet<>();
        Set<String> lastDecisions = new TreeSet<>();
        long deadline = System.nanoTime() + limit.toNanos();
        Properties p = kafka.clientProperties();
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("group.id", "compat-it-" + System.nanoTime());
        try (var consumer =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                        p,
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(
                    List.of(config.topics().windowSnapshots(), config.topics().decisions()));
            // wait for the last window, then one more checkpoint for stragglers of other topics
            long settledAt = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settledAt)) {
                for (var r : consumer.poll(Duration.ofMillis(300))) {
                    if (r.topic().equals(config.topics().windowSnapshots())) {
                        WindowSnapshot s = ScoredWindowJson.fromJson(r.value()).snapshot;
                        snapshots
                                .computeIfAbsent(s.userId, u -> new HashMap<>())
                                .computeIfAbsent(s.windowEnd, w -> new ArrayList<>())
                                .add(s);
                        if (s.windowEnd == last) {
                            lastSnapshots.add(s.userId);
                        }
                    } else {
                        Decision d = decisions.fromJson(r.value());
                        decisionIds.merge(d.decisionId, 1, Integer::sum);
                        if (d.windowEnd == last) {
                            lastDecisions.add(d.userId);
                        }
                    }
                }
                if (settledAt == Long.MAX_VALUE
                        && lastSnapshots.containsAll(users)
                        && lastDecisions.containsAll(users)) {
                    settledAt = System.nanoTime() + config.job().checkpointInterval().toNanos() * 2;
                }
            }
        }
        assertThat(lastSnapshots).as("snapshots at the last new window").containsAll(users);
        assertThat(lastDecisions).as("decisions at the last new window").containsAll(users);
    }
}
