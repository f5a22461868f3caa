package io.retentionloop.job;

import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventTimeWatermarks;
import io.retentionloop.events.IngestRouter;
import io.retentionloop.events.Ingested;
import io.retentionloop.lifecycle.UserLifecycleFunction;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.lifecycle.WindowSnapshotJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The {@code retention-loop} job graph. {@link #defineWorkflow} wires it from a source and sinks,
 * so tests run the real graph with whatever ends they plug in; {@link #build} plugs in Kafka.
 */
public final class RetentionLoopJob {
    private RetentionLoopJob() {}

    /** The sinks the graph writes to. */
    public record Sinks(Sink<DeadLetter> deadLetters, Sink<WindowSnapshot> windowSnapshots) {}

    /** Wires the job against Kafka as configured. */
    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        JobEnvironment.configure(env, config);
        Sinks sinks =
                new Sinks(
                        KafkaIO.exactlyOnceSink(
                                config,
                                config.topics().deadLetters(),
                                "dlq",
                                new KafkaIO.Encoder<DeadLetter>() {
                                    @Override
                                    public byte[] key(DeadLetter d) {
                                        return null;
                                    }

                                    @Override
                                    public byte[] value(DeadLetter d) {
                                        return DeadLetterJson.toJson(d);
                                    }
                                }),
                        KafkaIO.exactlyOnceSink(
                                config,
                                config.topics().windowSnapshots(),
                                "snapshots",
                                new KafkaIO.Encoder<WindowSnapshot>() {
                                    @Override
                                    public byte[] key(WindowSnapshot s) {
                                        return s.userId.getBytes(StandardCharsets.UTF_8);
                                    }

                                    @Override
                                    public byte[] value(WindowSnapshot s) {
                                        return WindowSnapshotJson.toJson(s);
                                    }
                                }));
        defineWorkflow(env, config, KafkaIO.eventsSource(config), sinks);
    }

    /** The graph: parse and validate, user lifecycle, and the sinks. */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            JobConfig config,
            Source<Ingested, ?, ?> source,
            Sinks sinks) {
        JobConfig.Watermarks wm = config.watermarks();
        DataStream<Ingested> ingested =
                env.fromSource(
                                source,
                                EventTimeWatermarks.strategy(
                                        wm.maxOutOfOrderness(),
                                        wm.idleTimeout(),
                                        wm.advanceWhenIdle()),
                                Uids.EVENTS_SOURCE)
                        .uid(Uids.EVENTS_SOURCE);

        SingleOutputStreamOperator<Event> events =
                ingested.process(new IngestRouter())
                        .uid(Uids.PARSE_VALIDATE)
                        .name(Uids.PARSE_VALIDATE);

        SingleOutputStreamOperator<WindowSnapshot> snapshots =
                events.keyBy(e -> e.userId)
                        .process(
                                new UserLifecycleFunction(
                                        config.lifecycleRules(), config.topics().events()))
                        .uid(Uids.USER_LIFECYCLE)
                        .name(Uids.USER_LIFECYCLE);

        events.getSideOutput(IngestRouter.DEAD_LETTERS)
                .union(snapshots.getSideOutput(UserLifecycleFunction.LATE))
                .sinkTo(sinks.deadLetters())
                .uid(Uids.DEAD_LETTER_SINK)
                .name(Uids.DEAD_LETTER_SINK);

        snapshots
                .sinkTo(sinks.windowSnapshots())
                .uid(Uids.WINDOW_SNAPSHOT_SINK)
                .name(Uids.WINDOW_SNAPSHOT_SINK);
    }
}
