package io.retentionloop.job;

import io.retentionloop.agent.ActionCatalogue;
import io.retentionloop.agent.AgentInput;
import io.retentionloop.agent.AgentSettings;
import io.retentionloop.agent.Decision;
import io.retentionloop.agent.DecisionJson;
import io.retentionloop.agent.Outcome;
import io.retentionloop.agent.OutcomeJson;
import io.retentionloop.agent.PolicyMode;
import io.retentionloop.agent.RetentionAgentOperator;
import io.retentionloop.agent.StateEncoder;
import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterJson;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventTimeWatermarks;
import io.retentionloop.events.IngestRouter;
import io.retentionloop.events.Ingested;
import io.retentionloop.learner.PolicyLearnerOperator;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.lifecycle.UserLifecycleOperator;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.security.Secret;
import io.retentionloop.security.Signer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code retention-loop} job graph. {@link #defineWorkflow} wires it from a source and sinks,
 * so tests run the real graph with whatever ends they plug in; {@link #build} plugs in Kafka.
 */
public final class RetentionLoopJob {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionLoopJob.class);

    private RetentionLoopJob() {}

    /** The sinks the graph writes to. */
    public record Sinks(
            Sink<DeadLetter> deadLetters,
            Sink<ScoredWindow> windowSnapshots,
            Sink<Decision> decisions,
            Sink<Decision> interventions,
            Sink<Outcome> outcomes,
            Sink<PolicySnapshot> policy) {}

    /** The sources the graph reads. */
    public record Sources(
            Source<Ingested, ?, ?> events,
            Source<ModelRef, ?, ?> models,
            Source<PolicySnapshot, ?, ?> policy) {}

    /** Wires the job against Kafka as configured. */
    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        JobEnvironment.configure(env, config);
        Signer control = new Signer(controlKey(config));
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
                                }),
                        KafkaIO.exactlyOnceSink(
                                config,
                                config.topics().decisions(),
                                "decisions",
                                decisions(config)),
                        KafkaIO.exactlyOnceSink(
                                config,
                                config.topics().interventions(),
                                "interventions",
                                decisions(config)),
                        KafkaIO.exactlyOnceSink(
                                config,
                                config.topics().outcomes(),
                                "outcomes",
                                new KafkaIO.Encoder<Outcome>() {
                                    @Override
                                    public byte[] key(Outcome o) {
                                        return o.userId.getBytes(StandardCharsets.UTF_8);
                                    }

                                    @Override
                                    public byte[] value(Outcome o) {
                                        return OutcomeJson.toJson(o);
                                    }
                                }),
                        KafkaIO.exactlyOnceSink(
                                config,
                                config.topics().policy(),
                                "policy",
                                new KafkaIO.Encoder<PolicySnapshot>() {
                                    @Override
                                    public byte[] key(PolicySnapshot s) {
                                        return "policy".getBytes(StandardCharsets.UTF_8);
                                    }

                                    @Override
                                    public byte[] value(PolicySnapshot s) {
                                        return s.toBytes(control);
                                    }
                                }));
        defineWorkflow(
                env,
                config,
                new Sources(
                        KafkaIO.eventsSource(config),
                        KafkaIO.modelsSource(config, control),
                        KafkaIO.policySource(config, control)),
                sinks);
    }

    /**
     * The key that signs and verifies the control topics: {@code security.signing-key}, or when
     * none is set a one-off random key for this submission, so the learner's policies still reach
     * the agent while nothing published from outside (model announcements, another submission's
     * policies) is accepted.
     */
    static Secret controlKey(JobConfig config) {
        Secret key = config.signingKey();
        if (key.isEmpty()) {
            LOG.warn(
                    "no security.signing-key: policies are signed with a one-off key of this"
                            + " submission; model announcements and policies published by earlier"
                            + " submissions will be rejected (see security.md)");
            return Secret.random();
        }
        return key;
    }

    private static KafkaIO.Encoder<Decision> decisions(JobConfig config) {
        DecisionJson json = new DecisionJson(config.catalogue());
        return new KafkaIO.Encoder<Decision>() {
            @Override
            public byte[] key(Decision d) {
                return d.userId.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] value(Decision d) {
                return json.toJson(d);
            }
        };
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
                                        wm.idle(),
                                        wm.maxLead()),
                                Uids.EVENTS_SOURCE)
                        .uid(Uids.EVENTS_SOURCE);

        SingleOutputStreamOperator<Event> events =
                ingested.process(new IngestRouter())
                        .uid(Uids.PARSE_VALIDATE)
                        .name(Uids.PARSE_VALIDATE);

        SingleOutputStreamOperator<WindowSnapshot> snapshots =
                events.keyBy(e -> e.userId)
                        .transform(
                                Uids.USER_LIFECYCLE,
                                TypeInformation.of(WindowSnapshot.class),
                                new UserLifecycleOperator(
                                        config.lifecycleRules(),
                                        config.topics().events(),
                                        config.lifecycle().bundleSize()))
                        .uid(Uids.USER_LIFECYCLE);

        DataStream<ModelRef> models =
                env.fromSource(
                                sources.models(),
                                WatermarkStrategy.noWatermarks(),
                                Uids.MODELS_SOURCE)
                        .uid(Uids.MODELS_SOURCE)
                        .setParallelism(1);
        ModelRef initialModel = ModelRefs.initial(config.value());
        SingleOutputStreamOperator<ScoredWindow> scored =
                snapshots
                        .connect(models.broadcast())
                        .transform(
                                Uids.VALUE_SCORER,
                                TypeInformation.of(ScoredWindow.class),
                                new ValueScorerOperator(
                                        initialModel,
                                        config.value().batchSize(),
                                        ModelRefs.loader(config.value(), initialModel)))
                        .uid(Uids.VALUE_SCORER);

        DataStream<DeadLetter> agentDeadLetters =
                agentAndLearner(env, config, sources, sinks, scored, snapshots);

        events.getSideOutput(IngestRouter.DEAD_LETTERS)
                .union(snapshots.getSideOutput(UserLifecycleOperator.LATE), agentDeadLetters)
                .sinkTo(sinks.deadLetters())
                .uid(Uids.DEAD_LETTER_SINK)
                .name(Uids.DEAD_LETTER_SINK);

        scored.sinkTo(sinks.windowSnapshots())
                .uid(Uids.WINDOW_SNAPSHOT_SINK)
                .name(Uids.WINDOW_SNAPSHOT_SINK);
    }

    /**
     * The retention agent and the policy learner; the loop closes through the policy topic. Returns
     * the agent's dead letters.
     */
    private static DataStream<DeadLetter> agentAndLearner(
            StreamExecutionEnvironment env,
            JobConfig config,
            Sources sources,
            Sinks sinks,
            DataStream<ScoredWindow> scored,
            SingleOutputStreamOperator<WindowSnapshot> lifecycle) {
        ActionCatalogue catalogue = config.catalogue();
        AgentSettings agentSettings = config.agentSettings();
        DataStream<AgentInput> inputs =
                scored.map(AgentInput::of)
                        .returns(AgentInput.class)
                        .uid(Uids.AGENT_WINDOWS)
                        .name(Uids.AGENT_WINDOWS)
                        .union(
                                lifecycle
                                        .getSideOutput(UserLifecycleOperator.REVENUE)
                                        .map(AgentInput::of)
                                        .returns(AgentInput.class)
                                        .uid(Uids.AGENT_REVENUE)
                                        .name(Uids.AGENT_REVENUE));
        DataStream<PolicySnapshot> policy =
                env.fromSource(
                                sources.policy(),
                                WatermarkStrategy.noWatermarks(),
                                Uids.POLICY_SOURCE)
                        .uid(Uids.POLICY_SOURCE)
                        .setParallelism(1);
        SingleOutputStreamOperator<Decision> decisions =
                inputs.keyBy(AgentInput::userId)
                        .connect(policy.broadcast())
                        .transform(
                                Uids.RETENTION_AGENT,
                                TypeInformation.of(Decision.class),
                                new RetentionAgentOperator(
                                        catalogue,
                                        agentSettings,
                                        PolicyMode.parse(config.agent().policy(), catalogue),
                                        config.agent().batchSize(),
                                        config.lifecycle().allowedLateness().toMillis(),
                                        config.lifecycle().stateTtl().toMillis(),
                                        config.learner().gamma()))
                        .uid(Uids.RETENTION_AGENT);
        decisions.sinkTo(sinks.decisions()).uid(Uids.DECISIONS_SINK).name(Uids.DECISIONS_SINK);
        decisions
                .filter(Decision::actionable)
                .uid(Uids.ACTIONABLE)
                .name(Uids.ACTIONABLE)
                .sinkTo(sinks.interventions())
                .uid(Uids.INTERVENTIONS_SINK)
                .name(Uids.INTERVENTIONS_SINK);
        decisions
                .getSideOutput(RetentionAgentOperator.OUTCOMES)
                .sinkTo(sinks.outcomes())
                .uid(Uids.OUTCOMES_SINK)
                .name(Uids.OUTCOMES_SINK);

        JobConfig.Learner l = config.learner();
        PolicyLearnerOperator.Settings learner =
                new PolicyLearnerOperator.Settings(
                        config.dqnSettings(),
                        new StateEncoder(catalogue).size(),
                        catalogue.size(),
                        l.computeShare(),
                        l.maxBacklog(),
                        l.publishEvery(),
                        l.gateWindow(),
                        l.gateLevel(),
                        l.gateTolerance(),
                        new io.retentionloop.agent.ActionSelector(agentSettings));
        decisions
                .getSideOutput(RetentionAgentOperator.TRANSITIONS)
                .transform(
                        Uids.POLICY_LEARNER,
                        TypeInformation.of(PolicySnapshot.class),
                        new PolicyLearnerOperator(learner))
                .uid(Uids.POLICY_LEARNER)
                .setParallelism(1)
                // its own task: training slices never run on the agent's thread
                .startNewChain()
                .sinkTo(sinks.policy())
                .uid(Uids.POLICY_SINK)
                .name(Uids.POLICY_SINK)
                .setParallelism(1);
        return decisions.getSideOutput(RetentionAgentOperator.DEAD_LETTERS);
    }
}
