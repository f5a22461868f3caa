package io.retentionloop.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.retentionloop.agent.DecisionJson;
import io.retentionloop.agent.OutcomeJson;
import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.events.EventParser;
import io.retentionloop.events.EventRules;
import io.retentionloop.events.Ingested;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.security.Secret;
import io.retentionloop.security.Signer;
import io.retentionloop.value.ModelRef;
import io.retentionloop.value.ScoredWindowJson;
import io.retentionloop.value.TestModels;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real graph ({@link RetentionLoopJob#defineWorkflow}, RocksDB, checkpoints) on a MiniCluster
 * in seconds, without a broker: a bounded source of the generator's records parsed with the job's
 * {@link EventParser}, and sinks that keep what the job's own JSON writers encode. The end of input
 * brings event time to its end, so every user's windows close until they expire and every reward
 * matures; what came out must be exactly what the events call for ({@link GraphOutputs}), as in the
 * Kafka end-to-end test.
 */
class RetentionLoopGraphTest {
    private static final long DAY = EventGenerator.DAY;
    private static final long START = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();
    private static final int USERS = 200;
    private static final int DAYS = 28;

    /** What the collecting sinks kept, per run and output. */
    private static final Map<String, Queue<byte[]>> KEPT = new ConcurrentHashMap<>();

    @TempDir Path dir;

    @Test
    void everyWindowDecisionAndRewardComesOutOnceAndMatchesTheEvents() throws Exception {
        Path model = TestModels.tiny(1);
        JobConfig config =
                JobConfig.load(
                        null,
                        List.of(
                                "job.parallelism=1",
                                "job.checkpoint-interval=1s",
                                "lifecycle.expire-after=14d",
                                "lifecycle.state-ttl=30d",
                                "agent.horizon=7d",
                                "value.model-uri=" + model.toUri(),
                                TestEventWriter.SETTINGS.get(2)));
        EventGenerator gen = new EventGenerator(new SplittableRandom(5), START, USERS);
        Records records = new Records();
        gen.produceDays(records, 0, DAYS);

        String run = UUID.randomUUID().toString();
        Configuration flinkConf = new Configuration();
        flinkConf.setString("state.backend.type", "rocksdb");
        flinkConf.setString("execution.checkpointing.dir", dir.resolve("cp").toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, flinkConf);
        JobEnvironment.configure(env, config);
        Path empty = Files.createFile(dir.resolve("empty"));
        DecisionJson decisions = new DecisionJson(config.catalogue());
        Signer signer = new Signer(Secret.random());
        RetentionLoopJob.defineWorkflow(
                env,
                config,
                new RetentionLoopJob.Sources(
                        records.source(config.eventRules()),
                        EmptySource.of(empty, ModelRef.class),
                        EmptySource.of(empty, PolicySnapshot.class)),
                new RetentionLoopJob.Sinks(
                        new Keeping<>(run, "dead-letters", DeadLetterJson::toJson),
                        new Keeping<>(run, "snapshots", ScoredWindowJson::toJson),
                        new Keeping<>(run, "decisions", decisions::toJson),
                        new Keeping<>(run, "interventions", decisions::toJson),
                        new Keeping<>(run, "outcomes", OutcomeJson::toJson),
                        new Keeping<>(run, "policy", s -> s.toBytes(signer))));
        env.execute("graph-test");

        GraphOutputs out = new GraphOutputs();
        kept(run, "snapshots").forEach(out::snapshot);
        kept(run, "dead-letters").forEach(out::deadLetter);
        kept(run, "decisions").forEach(out::decision);
        kept(run, "outcomes").forEach(out::outcome);
        // past the last event by more than expire-after: every user's last window
        long end = START + (DAYS + 30) * DAY;
        Map<Long, Long> expected =
                new TreeMap<>(gen.expectation.expected(config.lifecycleRules(), end));
        expected.values().removeIf(n -> n == 0);
        long total = expected.values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).as("windows the events call for").isGreaterThan(USERS);
        // the end of input matures every reward
        out.assertExactlyOnce(gen, config, expected, total, end, model);

        // interventions are the decisions that act, and the control group is never among them
        Set<String> acting = new TreeSet<>();
        for (JsonNode d : out.decisions) {
            if (!d.get("action").asText().equals("none")) {
                acting.add(d.get("decision_id").asText());
            }
        }
        GraphOutputs sent = new GraphOutputs();
        kept(run, "interventions").forEach(sent::decision);
        assertThat(sent.decisions)
                .extracting(d -> d.get("control_group").asBoolean())
                .containsOnly(false);
        assertThat(sent.decisions.stream().map(d -> d.get("decision_id").asText()))
                .containsExactlyInAnyOrderElementsOf(acting);
        assertThat(acting).as("the default policy acts on someone").isNotEmpty();
        KEPT.keySet().removeIf(k -> k.startsWith(run));
    }

    private static List<byte[]> kept(String run, String output) {
        return new ArrayList<>(
                KEPT.getOrDefault(run + "/" + output, new ConcurrentLinkedQueue<>()));
    }

    /** The generator's records in order, read back by a bounded source as the job parses them. */
    private static final class Records implements EventGenerator.Out {
        final List<byte[]> values = new ArrayList<>();
        final List<Long> times = new ArrayList<>();

        @Override
        public void send(String user, long t, byte[] value) {
            values.add(value);
            times.add(t);
        }

        @Override
        public void heartbeat(long t) {
            // the end of input ends event time; nothing to keep partitions moving
        }

        DataGeneratorSource<Ingested> source(EventRules rules) {
            return new DataGeneratorSource<>(
                    new Parse(
                            rules,
                            values.toArray(new byte[0][]),
                            times.stream().mapToLong(Long::longValue).toArray()),
                    values.size(),
                    TypeInformation.of(Ingested.class));
        }
    }

    /** Record i, parsed with the job's parser at offset i. */
    private static final class Parse implements GeneratorFunction<Long, Ingested> {
        private final EventRules rules;
        private final byte[][] values;
        private final long[] times;
        private transient EventParser parser;

        Parse(EventRules rules, byte[][] values, long[] times) {
            this.rules = rules;
            this.values = values;
            this.times = times;
        }

        @Override
        public void open(SourceReaderContext context) {
            parser = new EventParser(rules);
        }

        @Override
        public Ingested map(Long i) {
            int k = Math.toIntExact(i);
            return parser.parse(values[k], "events", 0, k, times[k]);
        }
    }

    /** Encodes with the job's writer and keeps the bytes in {@link #KEPT}. */
    private static final class Keeping<T> implements Sink<T> {
        interface Encoder<T> extends Function<T, byte[]>, Serializable {}

        private final String key;
        private final Encoder<T> encoder;

        Keeping(String run, String output, Encoder<T> encoder) {
            this.key = run + "/" + output;
            this.encoder = encoder;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Queue<byte[]> kept = KEPT.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    kept.add(encoder.apply(element));
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
