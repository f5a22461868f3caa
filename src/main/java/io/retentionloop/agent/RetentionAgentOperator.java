package io.retentionloop.agent;

import io.retentionloop.encoding.StateLayout;
import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventType;
import io.retentionloop.learner.PolicyNetwork;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.learner.Transition;
import io.retentionloop.value.ScoredWindow;
import io.retentionloop.value.model.ValuePrediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code retention-agent} operator, keyed by user; the second input broadcasts policy versions.
 * For every scored window it builds the state (features, value outputs, intervention history), gets
 * Q-values from the current policy — for all windows that close at one watermark in one network
 * call —, applies the control group, eligibility, cooldowns, frequency cap and this subtask's share
 * of the daily budget, picks an action with exploration, and logs the decision with its propensity.
 * Purchases and refunds are attributed in event time to every decision whose horizon holds them; at
 * {@code t + H} (+ allowed lateness) a decision matures into an {@link Outcome} and a {@link
 * Transition} for the learner.
 *
 * <p>The daily budget is a hard cap: each of the {@code p} subtasks may commit {@code 1/p} of what
 * is left of the day's budget; after a restore at another parallelism the day's spending so far is
 * summed and the rest split again, so the total never exceeds the budget. Within it, the learned
 * policy chooses on Q-values less a price per unit of expected cost ({@link BudgetPacer}), so a
 * short budget goes to the decisions that expect the most for it rather than to the first ones.
 */
public final class RetentionAgentOperator extends AbstractStreamOperator<Decision>
        implements TwoInputStreamOperator<AgentInput, PolicySnapshot, Decision>,
                Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RetentionAgentOperator.class);

    public static final OutputTag<Outcome> OUTCOMES =
            new OutputTag<>("outcomes", TypeInformation.of(Outcome.class));
    public static final OutputTag<Transition> TRANSITIONS =
            new OutputTag<>("transitions", TypeInformation.of(Transition.class));

    /** Revenue events whose attribution threw: dead letters, so the job goes on. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("agent-dead-letters", TypeInformation.of(DeadLetter.class));

    /** State names: part of the savepoint format. */
    public static final String USER_STATE = "user";

    public static final String POLICY_STATE = "policy";
    public static final String BUDGET_STATE = "budget";
    public static final String PACER_STATE = "budget-pacer";

    /** Release 0.1.0's keyed states, read only to move users into {@link #USER_STATE}. */
    public static final String LEGACY_HISTORY_STATE = "intervention-history";

    public static final String LEGACY_PENDING_STATE = "pending-decisions";
    public static final String LEGACY_LOOKAHEAD_STATE = "lookahead-revenue";
    public static final String LEGACY_LAST_DECISION_STATE = "last-decision-window";

    /** Decisions per day the budget pacer samples on each subtask. */
    static final int PACER_SAMPLE = 4096;

    private final ActionCatalogue catalogue;
    private final AgentSettings settings;
    private final PolicyMode mode;
    private final int batchSize;
    private final long allowedLatenessMs;
    private final long stateTtlMs;
    private final double gamma;

    private transient StateEncoder encoder;
    private transient ActionSelector selector;
    private transient ActionSelector coldStartSelector;
    private transient ActionSelector fixedSelector;
    private transient RewardAttribution attribution;
    private transient ValueState<AgentUserState> users;
    private transient StateLayout layout;
    private transient boolean legacy;
    private transient ValueState<InterventionHistory> legacyHistory;
    private transient ListState<PendingDecision> legacyPending;
    private transient ListState<Event> legacyLookahead;
    private transient ValueState<Long> legacyLastDecision;
    private transient InternalTimerService<VoidNamespace> timers;

    private transient ListState<PolicySnapshot> policyState;
    private transient PolicySnapshot policy;
    private transient PolicyNetwork network;
    private transient ListState<BudgetShare> budgetState;
    private transient BudgetShare budget;
    private transient ListState<BudgetPacer> pacerState;
    private transient BudgetPacer pacer;
    private transient List<StreamRecord<AgentInput>> buffer;

    private transient Counter decisions;
    private transient Counter explored;
    private transient Counter controlDecisions;
    private transient Counter budgetDenied;
    private transient Counter matured;
    private transient Counter policiesRejected;
    private transient Counter recordsFailed;
    private transient Counter[] perAction;

    public RetentionAgentOperator(
            ActionCatalogue catalogue,
            AgentSettings settings,
            PolicyMode mode,
            int batchSize,
            long allowedLatenessMs,
            long stateTtlMs,
            double gamma) {
        this.catalogue = catalogue;
        this.settings = settings.validateFor(catalogue);
        this.mode = mode;
        this.batchSize = batchSize;
        this.allowedLatenessMs = allowedLatenessMs;
        this.stateTtlMs = stateTtlMs;
        this.gamma = gamma;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        policyState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        POLICY_STATE, TypeInformation.of(PolicySnapshot.class)));
        for (PolicySnapshot s : policyState.get()) {
            if (policy == null || s.version > policy.version) {
                policy = s;
            }
        }
        budgetState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        BUDGET_STATE, TypeInformation.of(BudgetShare.class)));
        budget =
                BudgetShare.restore(
                        budgetState.get(),
                        getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        pacerState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        PACER_STATE, TypeInformation.of(BudgetPacer.class)));
        pacer = BudgetPacer.restore(pacerState.get());
        layout = StateLayout.restore(context.getOperatorStateStore(), context.isRestored());
        legacy = layout.legacyMayRemain();
    }

    @Override
    public void open() throws Exception {
        super.open();
        encoder = new StateEncoder(catalogue);
        selector = new ActionSelector(settings);
        coldStartSelector =
                new ActionSelector(settings.coldStartEpsilon(), settings.explorationFloor());
        fixedSelector = new ActionSelector(1.0, settings.explorationFloor());
        attribution = new RewardAttribution(settings);
        StateTtlConfig ttl =
                StateTtlConfig.newBuilder(java.time.Duration.ofMillis(stateTtlMs))
                        .updateTtlOnCreateAndWrite()
                        .neverReturnExpired()
                        .build();
        ValueStateDescriptor<AgentUserState> u =
                new ValueStateDescriptor<>(USER_STATE, AgentStateSerializer.INSTANCE);
        u.enableTimeToLive(ttl);
        users = getPartitionedState(u);
        if (legacy) {
            ValueStateDescriptor<InterventionHistory> h =
                    new ValueStateDescriptor<>(
                            LEGACY_HISTORY_STATE, TypeInformation.of(InterventionHistory.class));
            h.enableTimeToLive(ttl);
            ListStateDescriptor<PendingDecision> p =
                    new ListStateDescriptor<>(
                            LEGACY_PENDING_STATE, TypeInformation.of(PendingDecision.class));
            p.enableTimeToLive(ttl);
            ListStateDescriptor<Event> l =
                    new ListStateDescriptor<>(
                            LEGACY_LOOKAHEAD_STATE, TypeInformation.of(Event.class));
            l.enableTimeToLive(ttl);
            ValueStateDescriptor<Long> last =
                    new ValueStateDescriptor<>(
                            LEGACY_LAST_DECISION_STATE, TypeInformation.of(Long.class));
            last.enableTimeToLive(ttl);
            legacyHistory = getPartitionedState(h);
            legacyPending = getPartitionedState(p);
            legacyLookahead = getPartitionedState(l);
            legacyLastDecision = getPartitionedState(last);
        }
        timers = getInternalTimerService("agent-maturity", VoidNamespaceSerializer.INSTANCE, this);
        buffer = new ArrayList<>();
        if (policy != null && !fits(policy)) {
            // restored from a release with another state layout or catalogue: explore as at a
            // cold start until the learner publishes a policy for this one
            LOG.warn(
                    "restored policy v{} does not fit ({}); exploring until a new one arrives",
                    policy.version,
                    shape(policy));
            policy = null;
        }
        if (policy != null) {
            try {
                use(policy, PolicyNetwork.fromSnapshot(policy));
            } catch (RuntimeException e) {
                // never a restart loop over a restored policy: explore until a new one arrives
                LOG.warn(
                        "restored policy v{} is unusable ({}); exploring",
                        policy.version,
                        e.getMessage());
                policy = null;
            }
        }

        MetricGroup m = getRuntimeContext().getMetricGroup();
        decisions = m.counter("decisions");
        explored = m.counter("decisionsExplored");
        controlDecisions = m.counter("controlGroupDecisions");
        budgetDenied = m.counter("budgetDenied");
        matured = m.counter("rewardsMatured");
        policiesRejected = m.counter("policiesRejected");
        recordsFailed = m.counter("recordsFailed");
        perAction = new Counter[catalogue.size()];
        for (int a = 0; a < catalogue.size(); a++) {
            perAction[a] = m.addGroup("action", catalogue.id(a)).counter("decisionsByAction");
        }
        m.gauge("policyVersion", () -> policy == null ? 0L : policy.version);
        m.gauge(
                "epsilon",
                () ->
                        !mode.learned()
                                ? 1.0
                                : policy == null
                                        ? settings.coldStartEpsilon()
                                        : settings.epsilonAfter(policy.updates));
        m.gauge("budgetSpentToday", () -> budget.spent);
        m.gauge("budgetPrice", () -> pacer.price);
    }

    @Override
    public void processElement1(StreamRecord<AgentInput> element) throws Exception {
        AgentInput in = element.getValue();
        if (in.window != null) {
            buffer.add(element.copy(in));
            if (buffer.size() >= batchSize) {
                flush();
            }
        } else {
            try {
                attribute(in.event);
            } catch (RuntimeException e) {
                recordsFailed.inc();
                LOG.warn("attributing event {} failed: {}", in.event.eventId, e.toString());
                output.collect(
                        DEAD_LETTERS,
                        new StreamRecord<>(failed(in.event, e), element.getTimestamp()));
            }
        }
    }

    private static DeadLetter failed(Event e, RuntimeException ex) {
        byte[] json = io.retentionloop.events.EventJson.toJson(e, "base");
        return new DeadLetter(
                DeadLetterReason.INTERNAL_ERROR,
                "retention-agent: " + ex,
                "retention-agent",
                -1,
                -1,
                e.eventTime,
                json.length,
                new String(json, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void processElement2(StreamRecord<PolicySnapshot> element) throws Exception {
        PolicySnapshot s = element.getValue();
        if (policy != null && s.version <= policy.version) {
            return;
        }
        if (!fits(s)) {
            policiesRejected.inc();
            LOG.warn("ignoring policy v{}: {}", s.version, shape(s));
            return;
        }
        PolicyNetwork next;
        try {
            s.validate();
            next = PolicyNetwork.fromSnapshot(s);
        } catch (RuntimeException e) {
            // a signed snapshot that still cannot be used: keep acting on the current policy
            policiesRejected.inc();
            LOG.warn("rejected policy v{}: {}", s.version, e.getMessage());
            return;
        }
        flush(); // decisions waiting were asked of the old policy
        use(s, next);
        LOG.info(
                "policy v{} in use ({} updates, ε {})",
                s.version,
                s.updates,
                settings.epsilonAfter(s.updates));
    }

    /** Acts with this policy from now on, exploring as much as its training warrants. */
    private void use(PolicySnapshot s, PolicyNetwork net) {
        policy = s;
        network = net;
        selector =
                new ActionSelector(settings.epsilonAfter(s.updates), settings.explorationFloor());
    }

    private boolean fits(PolicySnapshot s) {
        return s.actionCount == catalogue.size() && s.stateSize == encoder.size();
    }

    private String shape(PolicySnapshot s) {
        return s.actionCount
                + " actions x "
                + s.stateSize
                + " state values, expected "
                + catalogue.size()
                + " x "
                + encoder.size();
    }

    /** Event time comes from the users' input; policy versions carry none. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        policyState.update(policy == null ? List.of() : List.of(policy));
        budgetState.update(List.of(budget));
        pacerState.update(List.of(pacer));
        layout.snapshot();
    }

    /** The current user's state; after a restore of release 0.1.0, moved from its layout. */
    private AgentUserState user() throws Exception {
        AgentUserState u = users.value();
        if (u != null || !legacy) {
            return u;
        }
        u = new AgentUserState();
        u.history = legacyHistory.value();
        for (PendingDecision p : legacyPending.get()) {
            u.pending.add(p);
        }
        for (Event e : legacyLookahead.get()) {
            u.lookahead.add(e);
        }
        Long last = legacyLastDecision.value();
        if (u.history == null && u.pending.isEmpty() && u.lookahead.isEmpty() && last == null) {
            return null;
        }
        u.lastDecisionWindow = last == null ? AgentUserState.NO_DECISION : last;
        legacyHistory.clear();
        legacyPending.clear();
        legacyLookahead.clear();
        legacyLastDecision.clear();
        users.update(u);
        return u;
    }

    /** Decides for every buffered window: states first, then one policy call, then choices. */
    private void flush() throws Exception {
        if (buffer.isEmpty()) {
            return;
        }
        int n = buffer.size();
        double[][] states = new double[n][];
        boolean[][] allowed = new boolean[n][];
        boolean[] control = new boolean[n];
        // one state object per user in this batch, written back once after all decisions
        Map<String, AgentUserState> byUser = new HashMap<>();
        AgentUserState[] user = new AgentUserState[n];
        for (int i = 0; i < n; i++) {
            ScoredWindow w = buffer.get(i).getValue().window;
            setCurrentKey(w.snapshot.userId);
            AgentUserState u = byUser.get(w.snapshot.userId);
            if (u == null) {
                u = user();
                if (u == null) {
                    u = new AgentUserState();
                }
                byUser.put(w.snapshot.userId, u);
            }
            if (u.history == null) {
                u.history = InterventionHistory.create(catalogue);
            }
            u.history.recordWindow(catalogue, w.snapshot);
            user[i] = u;
            states[i] =
                    AgentStateCodec.atStatePrecision(
                            encoder.encode(w.snapshot, prediction(w), u.history));
            control[i] =
                    ControlGroup.isControl(
                            w.snapshot.userId, settings.controlShare(), settings.controlSalt());
            allowed[i] =
                    control[i]
                            ? Constraints.noneOnly(catalogue)
                            : Constraints.allowed(
                                    catalogue, w.snapshot.stage, u.history, w.snapshot.windowEnd);
            offerNextState(u, states[i], baseline(w), allowed[i], w.snapshot.windowEnd);
        }
        double[][] q = qValues(states);
        for (int i = 0; i < n; i++) {
            StreamRecord<AgentInput> r = buffer.get(i);
            ScoredWindow w = r.getValue().window;
            setCurrentKey(w.snapshot.userId);
            Decision d = decide(w, states[i], q[i], allowed[i], control[i], user[i]);
            output.collect(r.replace(d));
        }
        for (Map.Entry<String, AgentUserState> e : byUser.entrySet()) {
            setCurrentKey(e.getKey());
            users.update(e.getValue());
        }
        buffer.clear();
    }

    private double[][] qValues(double[][] states) {
        if (mode.learned()) {
            if (network == null) {
                return new double[states.length][catalogue.size()]; // no policy yet: all equal
            }
            return network.qValues(states);
        }
        double[][] q = new double[states.length][];
        for (int i = 0; i < q.length; i++) {
            q[i] = mode.fixedQ(catalogue.size());
        }
        return q;
    }

    private Decision decide(
            ScoredWindow w,
            double[] state,
            double[] q,
            boolean[] allowed,
            boolean control,
            AgentUserState u)
            throws Exception {
        InterventionHistory h = u.history;
        long t = w.snapshot.windowEnd;
        String id = Decision.idOf(w.snapshot.userId, t);
        double[] expectedCosts = new double[catalogue.size()];
        for (int a = 0; a < catalogue.size(); a++) {
            expectedCosts[a] = catalogue.get(a).cost(w.expectedSpend);
        }
        boolean[] mask = allowed.clone();
        boolean denied =
                Constraints.applyBudget(
                        mask, expectedCosts, budget.remaining(t, settings.dailyBudget()));
        ActionSelector.Selection s;
        double price = 0;
        if (control) {
            s = deterministic(0);
        } else if (mode.deterministic()) {
            s = deterministic(mask[mode.fixedAction()] ? mode.fixedAction() : 0);
        } else if (pacing()) {
            // allowed (before the budget) is what the day's demand would be without a cap
            pacer.observe(t, q, allowed, expectedCosts, PACER_SAMPLE, paceTarget(), selector);
            price = pacer.price;
            s = selector.select(pacer.priced(q, expectedCosts), mask, id);
        } else {
            s = behaviour().select(q, mask, id);
        }

        Decision d = new Decision();
        d.decisionId = id;
        d.userId = w.snapshot.userId;
        d.windowEnd = t;
        d.actionIndex = s.action();
        d.actionId = catalogue.id(s.action());
        d.propensity = s.propensity();
        d.probabilities = s.probabilities();
        d.qValues = q;
        d.policyVersion = mode.learned() && policy != null ? policy.version : 0;
        d.modelVersion = w.modelVersion;
        d.controlGroup = control;
        d.explored = s.explored();
        d.stage = w.snapshot.stage;
        d.expectedPurchases = w.expectedPurchases;
        d.purchaseProbability = w.purchaseProbability;
        d.expectedSpend = w.expectedSpend;
        d.expectedCost = expectedCosts[s.action()];
        d.budgetDenied = denied;
        d.budgetPrice = price;

        if (d.actionable()) {
            if (!budget.charge(t, d.expectedCost, settings.dailyBudget())) {
                throw new IllegalStateException("budget mask let through " + d.decisionId);
            }
            h.recordSend(catalogue, d.actionIndex, t);
            h.addCost(d.expectedCost);
        }

        PendingDecision p = attribution.open(d, state, catalogue, h);
        p.baseline = baseline(w);
        List<Event> keep = new ArrayList<>();
        for (Event e : u.lookahead) {
            credit(p, e);
            if (e.eventTime > t) {
                keep.add(e);
            }
        }
        u.lookahead = keep;
        u.pending.add(p);
        u.lastDecisionWindow = t;
        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, p.maturesAt + allowedLatenessMs);

        decisions.inc();
        perAction[d.actionIndex].inc();
        if (d.explored) {
            explored.inc();
        }
        if (control) {
            controlDecisions.inc();
        }
        if (denied) {
            budgetDenied.inc();
        }
        return d;
    }

    /**
     * ε-greedy over the policy's Q-values; before the first policy arrives, over all-equal ones
     * with the cold-start ε; uniform for the random baseline.
     */
    private ActionSelector behaviour() {
        if (!mode.learned()) {
            return fixedSelector;
        }
        return network == null ? coldStartSelector : selector;
    }

    /**
     * The value model's expected spend scaled from its horizon to the reward horizon H, the
     * learner's baseline (a function of the state only, so it leaves the best action unchanged).
     */
    private double baseline(ScoredWindow w) {
        double horizonDays = settings.horizonMillis() / 86_400_000.0;
        double scale = w.horizonDays > 0 ? Math.min(1, horizonDays / w.horizonDays) : 1;
        return w.expectedSpend * scale;
    }

    /** Whether the learned policy chooses on budget-priced Q-values. */
    private boolean pacing() {
        return mode.learned() && network != null && settings.budgetPacing() > 0;
    }

    /** What this subtask's share of a day's decisions should be expected to spend. */
    private double paceTarget() {
        int p = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        return settings.budgetPacing() * settings.dailyBudget() / p;
    }

    /** A choice made with certainty: the control group, and the none/fixed baselines. */
    private ActionSelector.Selection deterministic(int action) {
        double[] p = new double[catalogue.size()];
        p[action] = 1;
        return new ActionSelector.Selection(action, 1.0, p, action, false);
    }

    private static ValuePrediction prediction(ScoredWindow w) {
        return new ValuePrediction(w.expectedPurchases, w.purchaseProbability, w.expectedSpend, 0);
    }

    /** s' of earlier decisions is the state at the user's next window end. */
    private static void offerNextState(
            AgentUserState u,
            double[] state,
            double baselineThere,
            boolean[] allowedThere,
            long windowEnd) {
        for (PendingDecision p : u.pending) {
            if (p.decision.windowEnd < windowEnd) {
                p.offerNextState(state, baselineThere, allowedThere);
            }
        }
    }

    private void attribute(Event e) throws Exception {
        if (e.type != EventType.PURCHASE && e.type != EventType.REFUND) {
            return;
        }
        AgentUserState u = user();
        if (u == null) {
            u = new AgentUserState();
        }
        boolean changed = false;
        for (PendingDecision p : u.pending) {
            changed |= credit(p, e);
        }
        if (u.lastDecisionWindow == AgentUserState.NO_DECISION
                || e.eventTime > u.lastDecisionWindow) {
            u.lookahead.add(e); // may belong to a decision not made yet
            changed = true;
        }
        if (changed) {
            users.update(u);
        }
    }

    private boolean credit(PendingDecision p, Event e) {
        return e.type == EventType.PURCHASE
                ? attribution.purchase(p, e.eventTime, e.amount)
                : attribution.refund(p, e.eventTime, e.amount);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long watermark = timer.getTimestamp() - allowedLatenessMs;
        AgentUserState u = user();
        if (u == null) {
            return; // state expired by TTL
        }
        List<PendingDecision> open = new ArrayList<>();
        for (PendingDecision p : u.pending) {
            if (RewardAttribution.isMature(p, watermark)) {
                RewardAttribution.Matured m = attribution.mature(p, false);
                output.collect(OUTCOMES, new StreamRecord<>(m.outcome(), timer.getTimestamp()));
                Transition t = m.transition();
                // the learner sees the reward minus what the value model expected anyway (plus γ
                // times what it expects after s'): potential-based shaping, so it leaves the best
                // action unchanged while removing most of the variance the action did not cause
                t.reward += p.shaping(gamma, p.decision.expectedSpend);
                output.collect(TRANSITIONS, new StreamRecord<>(t, timer.getTimestamp()));
                matured.inc();
            } else {
                open.add(p);
            }
        }
        u.pending = open;
        if (open.isEmpty()) {
            u.lookahead = new ArrayList<>(0);
        }
        users.update(u);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}
}
