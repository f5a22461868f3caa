package io.retentionloop.benchmark;

import io.retentionloop.agent.DecisionJson;
import io.retentionloop.agent.OutcomeJson;
import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.events.Ingested;
import io.retentionloop.job.EmptySource;
import io.retentionloop.job.JobConfig;
import io.retentionloop.job.JobEnvironment;
import io.retentionloop.job.KafkaIO;
import io.retentionloop.job.RetentionLoopJob;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.security.Secret;
import io.retentionloop.security.Signer;
import io.retentionloop.value.ModelRef;
import io.retentionloop.value.ScoredWindowJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The graphs the benchmark runs on its event file: the bare keyed job, and the real graph through
 * {@link RetentionLoopJob#defineWorkflow} with the learner idle or on, whose sinks encode with the
 * job's JSON writers and drop, and whose model and policy sources are empty.
 */
final class ScenarioJobs {
    /** The lifecycle's counters that together count every event reaching the keyed operator. */
    static final List<String> GRAPH_COUNTERS =
            List.of("eventsAccepted", "duplicatesDropped", "lateEvents");

    private final JobConfig learned;
    private final JobConfig idle;
    private final Path events;
    private final Path empty;

    /** The embedded broker the kafka-* scenarios read and write, once {@link #useKafka} set it. */
    private String bootstrapServers;

    /** The idle configuration with more overrides. */
    private java.util.function.Function<List<String>, JobConfig> idleWith;

    private int kafkaRuns;

    /**
     * @param learned the job's configuration (learner on)
     * @param idle the same with {@code learner.updates-per-transition=0}
     * @param events the event file
     * @param work a directory for the empty file the model and policy sources read
     */
    ScenarioJobs(JobConfig learned, JobConfig idle, Path events, Path work) throws IOException {
        this.learned = learned;
        this.idle = idle;
        this.events = events;
        this.empty = work.resolve("empty");
        if (!Files.exists(empty)) {
            Files.createFile(empty);
        }
    }

    /**
     * Defines {@code scenario}'s graph on {@code env}; returns the names of the counters whose sum
     * is the number of events that reached its keyed operator.
     */
    List<String> define(StreamExecutionEnvironment env, String scenario) {
        if (scenario.equals("bare")) {
            BareKeyedJob.define(env, learned, source(learned));
            return List.of(BareKeyedJob.COUNTER);
        }
        if (scenario.equals("kafka-bare")) {
            JobConfig k = kafka();
            BareKeyedJob.define(env, k, KafkaIO.eventsSource(k));
            return List.of(BareKeyedJob.COUNTER);
        }
        if (scenario.equals("kafka-idle")) {
            // the job as submitted: Kafka source, exactly-once Kafka sinks, control topics
            RetentionLoopJob.build(env, kafka());
            return GRAPH_COUNTERS;
        }
        JobConfig c = scenario.equals("idle") ? idle : learned;
        JobEnvironment.configure(env, c);
        RetentionLoopJob.defineWorkflow(env, c, sources(c), sinks(c));
        return GRAPH_COUNTERS;
    }

    /**
     * The kafka-* scenarios use the broker at {@code bootstrapServers}; {@code idleWith} loads the
     * idle configuration with more overrides.
     */
    void useKafka(
            String bootstrapServers,
            java.util.function.Function<List<String>, JobConfig> idleWith) {
        this.bootstrapServers = bootstrapServers;
        this.idleWith = idleWith;
    }

    /**
     * The idle configuration against the embedded broker, reading the events topic from its start
     * with a consumer group and transactional ids of this run's own.
     */
    private JobConfig kafka() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("no broker for the kafka scenarios");
        }
        String run = "benchmark-" + (++kafkaRuns);
        List<String> o = new java.util.ArrayList<>(JobConfig.retentionForever());
        o.add("kafka.bootstrap-servers=" + bootstrapServers);
        o.add("kafka.group-id=" + run);
        o.add("kafka.transactional-id-prefix=" + run);
        o.add("job.start-from=earliest");
        return idleWith.apply(o);
    }

    private FileSource<Ingested> source(JobConfig config) {
        return FileSource.forRecordStreamFormat(
                        new EventFileFormat(config.eventRules()),
                        new org.apache.flink.core.fs.Path(events.toUri()))
                // unbounded: the end of the file is no end of event time (a bounded source's final
                // watermark would close every user's windows to expiry)
                .monitorContinuously(Duration.ofMillis(100))
                .build();
    }

    private RetentionLoopJob.Sources sources(JobConfig config) {
        return new RetentionLoopJob.Sources(
                source(config),
                EmptySource.of(empty, ModelRef.class),
                EmptySource.of(empty, PolicySnapshot.class));
    }

    private static RetentionLoopJob.Sinks sinks(JobConfig config) {
        DecisionJson decisions = new DecisionJson(config.catalogue());
        Signer signer = new Signer(Secret.random());
        return new RetentionLoopJob.Sinks(
                new DiscardingSink<>(DeadLetterJson::toJson),
                new DiscardingSink<>(ScoredWindowJson::toJson),
                new DiscardingSink<>(decisions::toJson),
                new DiscardingSink<>(decisions::toJson),
                new DiscardingSink<>(OutcomeJson::toJson),
                new DiscardingSink<>(s -> s.toBytes(signer)));
    }
}
