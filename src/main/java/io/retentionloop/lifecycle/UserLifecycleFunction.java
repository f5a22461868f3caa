package io.retentionloop.lifecycle;

import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The {@code user-lifecycle} operator: keyed by user, keeps one {@link UserState} per user (the
 * {@link UserProfile}, the event ids seen, the events held for a later window) so that an event
 * costs one state read and one write; drops duplicate event ids, and on one event-time timer per
 * user per window emits a {@link WindowSnapshot} (for inactive users too) until the user expires,
 * when their state and timers are cleared. Events too late for the allowed lateness go to {@link
 * #LATE} as dead letters. The rules themselves are in {@link UserLifecycle}.
 *
 * <p>State of release 0.1.0 (a profile, a map of event ids and a list of held events per user, each
 * with a TTL) is read when a user is first touched after a restore and moved into the new state;
 * {@link #LAYOUT_STATE} records whether any may remain.
 */
public final class UserLifecycleFunction extends KeyedProcessFunction<String, Event, WindowSnapshot>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    /** Accepted purchases and refunds (deduplicated, not too late): the agent's revenue. */
    public static final OutputTag<Event> REVENUE =
            new OutputTag<>("revenue-events", TypeInformation.of(Event.class));

    /** State names are part of the savepoint format: never rename them. */
    public static final String USER_STATE = "user";

    public static final String STAGE_COUNTS_STATE = "stage-counts";

    /** The state layouts the operator's keyed state may hold: 1 (release 0.1.0) and 2. */
    public static final String LAYOUT_STATE = "state-layout";

    /** Release 0.1.0's keyed states, read only to move users into {@link #USER_STATE}. */
    public static final String LEGACY_PROFILE_STATE = "profile";

    public static final String LEGACY_SEEN_STATE = "seen-event-ids";
    public static final String LEGACY_PENDING_STATE = "pending-events";

    static final int LEGACY_LAYOUT = 1;
    static final int LAYOUT = 2;

    private final LifecycleRules rules;
    private final String sourceTopic;

    private transient UserLifecycle lifecycle;
    private transient ValueState<UserState> users;
    private transient ListState<StageCounts> stageCountsState;
    private transient StageCounts stageCounts;
    private transient ListState<Integer> layoutState;
    private transient boolean legacy;
    private transient ValueState<UserProfile> legacyProfile;
    private transient MapState<String, Long> legacySeen;
    private transient ListState<Event> legacyPending;

    private transient Counter accepted;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter failed;
    private transient Counter snapshots;
    private transient Counter expired;

    public UserLifecycleFunction(LifecycleRules rules, String sourceTopic) {
        this.rules = rules;
        this.sourceTopic = sourceTopic;
    }

    @Override
    public void open(OpenContext ctx) {
        lifecycle = new UserLifecycle(rules);
        // no TTL: every user has a timer, and the timer forgets users who expire
        users =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        USER_STATE, UserStateSerializer.INSTANCE));
        if (legacy) {
            StateTtlConfig ttl =
                    StateTtlConfig.newBuilder(rules.stateTtl())
                            .updateTtlOnCreateAndWrite()
                            .neverReturnExpired()
                            .cleanupInRocksdbCompactFilter(1000)
                            .build();
            ValueStateDescriptor<UserProfile> profileDesc =
                    new ValueStateDescriptor<>(
                            LEGACY_PROFILE_STATE, TypeInformation.of(UserProfile.class));
            profileDesc.enableTimeToLive(ttl);
            MapStateDescriptor<String, Long> seenDesc =
                    new MapStateDescriptor<>(LEGACY_SEEN_STATE, Types.STRING, Types.LONG);
            seenDesc.enableTimeToLive(ttl);
            ListStateDescriptor<Event> pendingDesc =
                    new ListStateDescriptor<>(
                            LEGACY_PENDING_STATE, TypeInformation.of(Event.class));
            pendingDesc.enableTimeToLive(ttl);
            legacyProfile = getRuntimeContext().getState(profileDesc);
            legacySeen = getRuntimeContext().getMapState(seenDesc);
            legacyPending = getRuntimeContext().getListState(pendingDesc);
        }

        MetricGroup m = getRuntimeContext().getMetricGroup();
        accepted = m.counter("eventsAccepted");
        duplicates = m.counter("duplicatesDropped");
        late = m.counter("lateEvents");
        failed = m.counter("recordsFailed");
        snapshots = m.counter("windowSnapshots");
        expired = m.counter("usersExpired");
        m.gauge("users", () -> stageCounts.total());
        for (LifecycleStage s : LifecycleStage.values()) {
            m.addGroup("stage", s.name().toLowerCase())
                    .gauge("usersByStage", () -> stageCounts.of(s));
        }
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<WindowSnapshot> out)
            throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE
                && e.eventTime < watermark - rules.allowedLateness().toMillis()) {
            late.inc();
            ctx.output(
                    LATE,
                    letter(
                            e,
                            DeadLetterReason.LATE,
                            "event_time "
                                    + (watermark - e.eventTime) / 1000
                                    + " s behind the watermark"));
            return;
        }
        try {
            accept(e, watermark, ctx);
        } catch (RuntimeException ex) {
            // a record must never stop the job: what still throws is a dead letter, counted
            failed.inc();
            ctx.output(LATE, letter(e, DeadLetterReason.INTERNAL_ERROR, ex.toString()));
        }
    }

    private void accept(Event e, long watermark, Context ctx) throws Exception {
        UserState u = user();
        if (u != null && !u.firstSighting(e.eventId, e.eventTime)) {
            duplicates.inc();
            return;
        }
        if (u != null && watermark != Long.MIN_VALUE) {
            // a duplicate of an event older than this would be late, and dropped as such
            u.forgetSeenBefore(watermark - rules.dedupRetention().toMillis());
        }
        accepted.inc();
        if (e.type.monetary()) {
            ctx.output(REVENUE, e);
        }
        if (u == null) {
            // a late first event opens the window after the watermark, not one already closed
            long opensAt =
                    watermark == Long.MIN_VALUE
                            ? e.eventTime
                            : Math.max(e.eventTime, watermark + 1);
            u = new UserState(lifecycle.newProfile(e.eventTime, rules.windowEndFor(opensAt)));
            u.firstSighting(e.eventId, e.eventTime);
            ctx.timerService().registerEventTimeTimer(u.profile.openWindowEnd - 1);
            stageCounts.add(u.profile.stage, 1);
        }
        if (e.eventTime < u.profile.openWindowEnd) {
            lifecycle.apply(u.profile, e);
        } else {
            u.hold(e);
        }
        users.update(u);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowSnapshot> out)
            throws Exception {
        UserState u = user();
        if (u == null) {
            return; // nothing left to report
        }
        long windowEnd = timestamp + 1;
        LifecycleStage before = u.profile.stage;
        UserLifecycle.WindowEnd end =
                lifecycle.endWindow(u.profile, ctx.getCurrentKey(), u.heldInTimeOrder());
        stageCounts.add(before, -1);
        if (end.expired()) {
            expired.inc();
        }
        if (end.snapshot() != null) {
            out.collect(end.snapshot());
            snapshots.inc();
        }
        if (end.profile() == null) {
            users.clear();
            return;
        }
        stageCounts.add(end.profile().stage, 1);
        u.profile = end.profile();
        u.replaceHeld(end.stillHeld());
        u.forgetSeenBefore(windowEnd - rules.dedupRetention().toMillis());
        users.update(u);
        ctx.timerService().registerEventTimeTimer(u.profile.openWindowEnd - 1);
    }

    /** The current user's state; after a restore of release 0.1.0, moved from its layout. */
    private UserState user() throws Exception {
        UserState u = users.value();
        if (u != null || !legacy) {
            return u;
        }
        UserProfile p = legacyProfile.value();
        if (p == null) {
            return null;
        }
        u = new UserState(p);
        for (Map.Entry<String, Long> seen : legacySeen.entries()) {
            u.remember(UserState.fingerprint(seen.getKey()), seen.getValue());
        }
        for (Event e : legacyPending.get()) {
            u.hold(e);
        }
        legacyProfile.clear();
        legacySeen.clear();
        legacyPending.clear();
        users.update(u);
        return u;
    }

    private DeadLetter letter(Event e, DeadLetterReason reason, String detail) {
        byte[] bytes = EventJson.toJson(e, "base");
        String json = new String(bytes, StandardCharsets.UTF_8);
        return new DeadLetter(reason, detail, sourceTopic, -1, -1, e.eventTime, bytes.length, json);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        stageCountsState.update(List.of(stageCounts));
        layoutState.update(legacy ? List.of(LEGACY_LAYOUT, LAYOUT) : List.of(LAYOUT));
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        stageCountsState =
                ctx.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        STAGE_COUNTS_STATE, TypeInformation.of(StageCounts.class)));
        // after rescaling a subtask may get several entries: the totals stay right
        stageCounts = new StageCounts();
        for (StageCounts c : stageCountsState.get()) {
            stageCounts.addAll(c);
        }
        layoutState =
                ctx.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>(LAYOUT_STATE, Types.INT));
        // state restored without a layout record was written by release 0.1.0
        boolean recorded = false;
        for (int layout : layoutState.get()) {
            recorded = true;
            legacy |= layout == LEGACY_LAYOUT;
        }
        legacy |= ctx.isRestored() && !recorded;
    }
}
