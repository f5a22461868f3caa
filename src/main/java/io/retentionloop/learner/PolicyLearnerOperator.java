package io.retentionloop.learner;

import io.retentionloop.learner.ope.NotWorseGate;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code policy-learner} operator (parallelism 1, its own task): feeds matured transitions to
 * the RL4J double DQN and every {@code publishEvery} updates proposes a new policy version. A
 * version is published only when SNIPS on the recent logged decisions says, with a one-sided bound,
 * that it is not worse than the version in use; otherwise the reason is logged and counted.
 *
 * <p>Acting never waits on learning. A transition costs the operator only its copy into the replay
 * buffer; the updates it earns ({@code learner.updates-per-transition}) are done by a
 * processing-time tick, at most {@code learner.compute-share} of one core's time and at most one
 * tick's worth per firing, so transitions keep being taken in between and checkpoint barriers wait
 * at most one slice. When more than {@code learner.max-backlog} updates are owed the learner is
 * behind: new transitions earn nothing and are reservoir-sampled into the buffer ({@link
 * DqnLearner#offer}), so the backlog and the memory stay bounded whatever the burst.
 *
 * <p>The whole learner (networks, replay buffer, counters) and the recent log live in operator
 * state; the learner is stored as chunks of at most {@link #CHUNK_BYTES}.
 */
public final class PolicyLearnerOperator extends AbstractStreamOperator<PolicySnapshot>
        implements OneInputStreamOperator<Transition, PolicySnapshot>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PolicyLearnerOperator.class);

    /** State names: part of the savepoint format. */
    public static final String LEARNER_STATE = "learner";

    public static final String RECENT_STATE = "recent-transitions";
    public static final String PUBLISHED_STATE = "published-policy";

    /** Processing time between training slices. */
    static final long TICK_MS = 100;

    /** The learner's checkpoint is stored as list elements of at most this many bytes. */
    static final int CHUNK_BYTES = 1 << 20;

    /** How the learner trains and when it publishes. */
    public record Settings(
            DqnSettings dqn,
            int stateSize,
            int actionCount,
            double computeShare,
            double maxBacklog,
            int publishEvery,
            int gateWindow,
            double gateLevel,
            double gateTolerance,
            ActionProbabilities behaviour)
            implements java.io.Serializable {
        public Settings {
            if (!(computeShare > 0 && computeShare <= 1)) {
                throw new IllegalArgumentException(
                        "learner.compute-share must be > 0 and <= 1, was " + computeShare);
            }
            if (!(maxBacklog >= 1)) {
                throw new IllegalArgumentException(
                        "learner.max-backlog must be >= 1, was " + maxBacklog);
            }
        }
    }

    private final Settings s;
    private final int chunkBytes;

    private transient DqnLearner learner;
    private transient ArrayDeque<Transition> recent;
    private transient PolicySnapshot published;
    private transient ListState<byte[]> learnerState;
    private transient ListState<Transition> recentState;
    private transient ListState<PolicySnapshot> publishedState;
    private transient long updatesAtLastProposal;

    /** The longest single update (with its proposal) so far: what a slice may overrun by. */
    private transient long longestStepNanos;

    /** Nanoseconds of training the compute share has granted and not yet used; may go negative. */
    private transient double budgetNanos;

    private transient long lastTick;

    /** Event time of the latest transition: the timestamp of the policies proposed after it. */
    private transient long lastInputTimestamp;

    private transient Counter received;
    private transient Counter sampledOut;
    private transient Counter publishedCount;
    private transient Counter heldBack;
    private transient Counter dropped;
    private transient Counter trainingNanos;
    private transient volatile double estimatedValue = Double.NaN;

    public PolicyLearnerOperator(Settings settings) {
        this(settings, CHUNK_BYTES);
    }

    PolicyLearnerOperator(Settings settings, int chunkBytes) {
        this.s = settings;
        this.chunkBytes = chunkBytes;
    }

    @Override
    public void initializeState(StateInitializationContext ctx) throws Exception {
        super.initializeState(ctx);
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
        // one parallel instance: its chunks come back in the order they were written (a release
        // before chunking wrote one element, the whole checkpoint); read as one stream, never
        // copied into one array
        List<ByteArrayInputStream> chunks = new ArrayList<>();
        for (byte[] chunk : learnerState.get()) {
            chunks.add(new ByteArrayInputStream(chunk));
        }
        if (!chunks.isEmpty()) {
            try {
                learner =
                        DqnLearner.restore(
                                new SequenceInputStream(Collections.enumeration(chunks)));
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
    public void open() throws Exception {
        super.open();
        MetricGroup m = getRuntimeContext().getMetricGroup();
        received = m.counter("transitionsReceived");
        sampledOut = m.counter("transitionsSampledOut");
        publishedCount = m.counter("policiesPublished");
        heldBack = m.counter("policiesHeldBack");
        dropped = m.counter("transitionsDropped");
        trainingNanos = m.counter("trainingNanos");
        m.gauge("tdLoss", () -> learner.lastTdLoss());
        m.gauge("updates", () -> learner.updates());
        m.gauge("updateBacklog", () -> learner.backlog());
        // owed updates that can run now (none until the buffer holds a batch)
        m.gauge("updatesReady", () -> learner.canTrain() ? learner.backlog() : 0.0);
        m.gauge("updatesShed", () -> learner.shed());
        m.gauge("replaySize", () -> learner.replaySize());
        m.gauge("policyVersion", () -> published == null ? 0L : published.version);
        m.gauge("estimatedPolicyValue", () -> estimatedValue);
        lastTick = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(lastTick + TICK_MS, this);
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
    public void processElement(StreamRecord<Transition> record) {
        Transition t = record.getValue();
        received.inc();
        if (record.hasTimestamp()) {
            lastInputTimestamp = Math.max(lastInputTimestamp, record.getTimestamp());
        }
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
        if (!learner.offer(t, s.maxBacklog())) {
            sampledOut.inc();
        }
        recent.addLast(t);
        while (recent.size() > s.gateWindow()) {
            recent.removeFirst();
        }
    }

    long longestStepNanos() {
        return longestStepNanos;
    }

    /**
     * A training slice: the compute share of the processing time since the last slice is added to
     * the budget (at most one second's share is carried), and updates run while they can, the
     * budget lasts and this slice is shorter than one tick. Proposing a version is charged to the
     * budget like the updates.
     */
    @Override
    public void onProcessingTime(long time) {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        double share = s.computeShare();
        budgetNanos =
                Math.min(
                        budgetNanos + share * Math.max(0, now - lastTick) * 1e6,
                        share * 1_000_000_000.0);
        lastTick = now;
        long start = System.nanoTime();
        long sliceEnd = start + TICK_MS * 1_000_000;
        long at = start;
        while (budgetNanos > 0 && at < sliceEnd && learner.canTrain()) {
            learner.train(1);
            if (learner.updates() - updatesAtLastProposal >= s.publishEvery()) {
                updatesAtLastProposal = learner.updates();
                propose();
            }
            long after = System.nanoTime();
            budgetNanos -= after - at;
            trainingNanos.inc(after - at);
            longestStepNanos = Math.max(longestStepNanos, after - at);
            at = after;
        }
        // cut short by the slice's end with work and budget left: come back after the input
        // that waits; otherwise at the next tick
        boolean more = budgetNanos > 0 && learner.canTrain();
        getProcessingTimeService().registerTimer(now + (more ? 1 : TICK_MS), this);
    }

    private void propose() {
        long version = published == null ? 1 : published.version + 1;
        PolicySnapshot candidate = learner.exportPolicy(version);
        double[][] states = PublishGate.states(recent);
        double[][] current =
                published == null || !fits(published.stateSize, published.actionCount)
                        ? null
                        : PolicyNetwork.fromSnapshot(published).qValues(states);
        NotWorseGate.Verdict v =
                new PublishGate(s.behaviour(), s.actionCount(), s.gateLevel(), s.gateTolerance())
                        .check(learner.qValues(states), current, recent, version);
        if (v.publish()) {
            published = candidate;
            publishedCount.inc();
            estimatedValue = v.difference().estimate();
            LOG.info(
                    "published policy v{} after {} updates: {}",
                    version,
                    learner.updates(),
                    v.reason());
            output.collect(new StreamRecord<>(candidate, lastInputTimestamp));
        } else {
            heldBack.inc();
            LOG.info(
                    "held back policy v{} after {} updates: {}",
                    version,
                    learner.updates(),
                    v.reason());
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext ctx) throws Exception {
        super.snapshotState(ctx);
        Chunks chunks = new Chunks(chunkBytes);
        learner.checkpoint(chunks);
        learnerState.update(chunks.chunks());
        recentState.update(new ArrayList<>(recent));
        publishedState.update(published == null ? List.of() : List.of(published));
    }

    /** An output stream into arrays of at most {@code size} bytes: no copy of the whole. */
    static final class Chunks extends OutputStream {
        private final int size;
        private final List<byte[]> full = new ArrayList<>();
        private byte[] current;
        private int used;

        Chunks(int size) {
            this.size = size;
            this.current = new byte[size];
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (used == size) {
                    full.add(current);
                    current = new byte[size];
                    used = 0;
                }
                int n = Math.min(len, size - used);
                System.arraycopy(b, off, current, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() {}

        /** Every chunk written, the last one trimmed. */
        List<byte[]> chunks() {
            List<byte[]> out = new ArrayList<>(full);
            if (used > 0) {
                out.add(Arrays.copyOf(current, used));
            }
            return out;
        }
    }

    /** Updates owed and not yet done (for tests). */
    double backlog() {
        return learner.backlog();
    }

    long updates() {
        return learner.updates();
    }

    long trainingNanos() {
        return trainingNanos.getCount();
    }
}
