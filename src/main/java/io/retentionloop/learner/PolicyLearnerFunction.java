package io.retentionloop.learner;

import io.retentionloop.agent.ActionSelector;
import io.retentionloop.agent.AgentSettings;
import io.retentionloop.learner.ope.Bootstrap;
import io.retentionloop.learner.ope.LoggedDecision;
import io.retentionloop.learner.ope.NotWorseGate;
import io.retentionloop.learner.ope.Snips;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code policy-learner} operator (parallelism 1): feeds matured transitions to the RL4J double
 * DQN, trains a bounded number of updates per transition (so checkpoint barriers keep moving), and
 * every {@code publishEvery} updates proposes a new policy version. A version is published only
 * when SNIPS on the recent logged decisions says, with a one-sided bound, that it is not worse than
 * the version in use; otherwise the reason is logged and counted. The whole learner (networks,
 * replay buffer, counters) and the recent log live in operator state.
 */
public final class PolicyLearnerFunction extends ProcessFunction<Transition, PolicySnapshot>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PolicyLearnerFunction.class);

    /** State names: part of the savepoint format. */
    public static final String LEARNER_STATE = "learner";

    public static final String RECENT_STATE = "recent-transitions";
    public static final String PUBLISHED_STATE = "published-policy";

    /** How the learner trains and when it publishes. */
    public record Settings(
            DqnSettings dqn,
            int stateSize,
            int actionCount,
            int maxUpdatesPerRecord,
            int publishEvery,
            int gateWindow,
            double gateLevel,
            double gateTolerance,
            AgentSettings agent)
            implements java.io.Serializable {}

    private final Settings s;

    private transient DqnLearner learner;
    private transient ArrayDeque<Transition> recent;
    private transient PolicySnapshot published;
    private transient ListState<byte[]> learnerState;
    private transient ListState<Transition> recentState;
    private transient ListState<PolicySnapshot> publishedState;
    private transient long updatesAtLastProposal;

    private transient Counter publishedCount;
    private transient Counter heldBack;
    private transient Counter dropped;
    private transient volatile double estimatedValue = Double.NaN;

    public PolicyLearnerFunction(Settings settings) {
        this.s = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        learnerState =
                ctx.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        LEARNER_STATE,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        recentState =
                ctx.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        RECENT_STATE, TypeInformation.of(Transition.class)));
        publishedState =
                ctx.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        PUBLISHED_STATE, TypeInformation.of(PolicySnapshot.class)));
        learner = null;
        for (byte[] b : learnerState.get()) {
            try {
                learner = DqnLearner.restore(b);
            } catch (IllegalArgumentException e) {
                // a checkpoint of an older learner format: the policy versions continue, the
                // learning starts over
                LOG.warn("cannot restore the learner ({}): starting a new one", e.getMessage());
            }
        }
        if (learner != null && !fits(learner.stateSize(), learner.actionCount())) {
            // a release with another state layout or catalogue: what the old network learned does
            // not apply, so learning starts over; policy versions keep counting up
            LOG.warn(
                    "restored learner has {} state values and {} actions, this job {} and {}:"
                            + " starting a new learner",
                    learner.stateSize(),
                    learner.actionCount(),
                    s.stateSize(),
                    s.actionCount());
            learner = null;
        }
        if (learner == null) {
            learner = new DqnLearner(s.dqn(), s.stateSize(), s.actionCount());
        }
        recent = new ArrayDeque<>();
        for (Transition t : recentState.get()) {
            if (fits(t)) {
                recent.add(t);
            }
        }
        for (PolicySnapshot p : publishedState.get()) {
            published = p;
        }
        updatesAtLastProposal = learner.updates();
    }

    @Override
    public void open(OpenContext ctx) {
        MetricGroup m = getRuntimeContext().getMetricGroup();
        publishedCount = m.counter("policiesPublished");
        heldBack = m.counter("policiesHeldBack");
        dropped = m.counter("transitionsDropped");
        m.gauge("tdLoss", () -> learner.lastTdLoss());
        m.gauge("updates", () -> learner.updates());
        m.gauge("replaySize", () -> learner.replaySize());
        m.gauge("policyVersion", () -> published == null ? 0L : published.version);
        m.gauge("estimatedPolicyValue", () -> estimatedValue);
    }

    private boolean fits(int stateSize, int actionCount) {
        return stateSize == s.stateSize() && actionCount == s.actionCount();
    }

    /** Whether a transition was encoded for this job's state layout and catalogue. */
    private boolean fits(Transition t) {
        return t.state != null
                && t.state.length == s.stateSize()
                && (t.done || (t.nextState != null && t.nextState.length == s.stateSize()))
                && t.action >= 0
                && t.action < s.actionCount()
                && Double.isFinite(t.reward);
    }

    @Override
    public void processElement(Transition t, Context ctx, Collector<PolicySnapshot> out) {
        if (!fits(t)) {
            // decided before an upgrade that changed the state layout (restored pending
            // decisions), or broken: counted and logged, never a crash
            dropped.inc();
            if (Long.bitCount(dropped.getCount()) == 1) {
                LOG.warn(
                        "dropped transition {} (state of {} values, action {}, reward {}); this"
                                + " learner takes {} values and {} actions; {} dropped so far",
                        t.decisionId,
                        t.state == null ? 0 : t.state.length,
                        t.action,
                        t.reward,
                        s.stateSize(),
                        s.actionCount(),
                        dropped.getCount());
            }
            return;
        }
        learner.add(t);
        recent.addLast(t);
        while (recent.size() > s.gateWindow()) {
            recent.removeFirst();
        }
        learner.train(s.maxUpdatesPerRecord());
        if (learner.updates() - updatesAtLastProposal >= s.publishEvery()) {
            updatesAtLastProposal = learner.updates();
            propose(out);
        }
    }

    private void propose(Collector<PolicySnapshot> out) {
        long version = published == null ? 1 : published.version + 1;
        PolicySnapshot candidate = learner.exportPolicy(version);
        List<LoggedDecision> logs = new ArrayList<>();
        double[][] states = new double[recent.size()][];
        int i = 0;
        for (Transition t : recent) {
            logs.add(new LoggedDecision(t.action, t.propensity, t.reward, t.state));
            states[i++] = t.state;
        }
        double[][] candidateP = probabilities(learner.qValues(states));
        double[][] currentP =
                probabilities(
                        published == null || !fits(published.stateSize, published.actionCount)
                                ? new double[states.length][s.actionCount()]
                                : PolicyNetwork.fromSnapshot(published).qValues(states));
        NotWorseGate gate =
                new NotWorseGate(
                        new Snips(new Bootstrap(200, 0.95, version)),
                        s.gateLevel(),
                        s.gateTolerance());
        NotWorseGate.Verdict v = gate.check(candidateP, currentP, logs);
        if (v.publish()) {
            published = candidate;
            publishedCount.inc();
            estimatedValue = v.difference().estimate();
            LOG.info(
                    "published policy v{} after {} updates: {}",
                    version,
                    learner.updates(),
                    v.reason());
            out.collect(candidate);
        } else {
            heldBack.inc();
            LOG.info(
                    "held back policy v{} after {} updates: {}",
                    version,
                    learner.updates(),
                    v.reason());
        }
    }

    /** The agent's action distribution for these Q-values, all actions allowed. */
    private double[][] probabilities(double[][] q) {
        ActionSelector selector = new ActionSelector(s.agent());
        boolean[] all = new boolean[s.actionCount()];
        java.util.Arrays.fill(all, true);
        double[][] p = new double[q.length][];
        for (int i = 0; i < q.length; i++) {
            p[i] = selector.select(q[i], all, "gate").probabilities();
        }
        return p;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        learnerState.update(List.of(learner.checkpoint()));
        recentState.update(new ArrayList<>(recent));
        publishedState.update(published == null ? List.of() : List.of(published));
    }
}
