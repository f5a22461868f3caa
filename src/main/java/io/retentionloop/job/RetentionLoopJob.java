package io.retentionloop.job;

import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventTimeWatermarks;
import io.retentionloop.events.IngestRouter;
import io.retentionloop.events.Ingested;
import io.retentionloop.lifecycle.UserLifecycleFunction;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.value.ModelRef;
import io.retentionloop.value.ScoredWindow;
import io.retentionloop.value.ScoredWindowJson;
import io.retentionloop.value.ValueScorerOperator;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
    public record Sinks(Sink<DeadLetter> deadLetters, Sink<ScoredWindow> windowSnapshots) {}

    /** The sources the graph reads. */
    public record Sources(Source<Ingested, ?, ?> events, Source<ModelRef, ?, ?> models) {}

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
                                new KafkaIO.Encoder<ScoredWindow>() {
                                    @Override
                                    public byte[] key(ScoredWindow s) {
                                        return s.snapshot.userId.getBytes(StandardCharsets.UTF_8);
                                    }

                                    @Override
                                    public byte[] value(ScoredWindow s) {
                                        return ScoredWindowJson.toJson(s);
                                    }
                                }));
        defineWorkflow(
                env,
                config,
                new Sources(KafkaIO.eventsSource(config), KafkaIO.modelsSource(config)),
                sinks);
    }

    /** The graph: parse and validate, user lifecycle, value scoring, and the sinks. */
    public static void defineWorkflow(
            StreamExecutionEnvironment env, JobConfig config, Sources sources, Sinks sinks) {
        JobConfig.Watermarks wm = config.watermarks();
        DataStream<Ingested> ingested =
                env.fromSource(
                                sources.events(),
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

        DataStream<ModelRef> models =
                env.fromSource(
                                sources.models(),
                                WatermarkStrategy.noWatermarks(),
                                Uids.MODELS_SOURCE)
                        .uid(Uids.MODELS_SOURCE)
                        .setParallelism(1);
        SingleOutputStreamOperator<ScoredWindow> scored =
                snapshots
                        .connect(models.broadcast())
                        .transform(
                                Uids.VALUE_SCORER,
                                TypeInformation.of(ScoredWindow.class),
                                new ValueScorerOperator(
                                        ModelRefs.initial(config.value()),
                                        config.value().batchSize()))
                        .uid(Uids.VALUE_SCORER);

        scored.sinkTo(sinks.windowSnapshots())
                .uid(Uids.WINDOW_SNAPSHOT_SINK)
                .name(Uids.WINDOW_SNAPSHOT_SINK);
    }
}
