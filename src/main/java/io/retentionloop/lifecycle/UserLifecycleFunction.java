package io.retentionloop.lifecycle;

import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
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
 * The {@code user-lifecycle} operator: keyed by user, keeps the {@link UserProfile} in state, drops
 * duplicate event ids, and on one event-time timer per user per window emits a {@link
 * WindowSnapshot} (for inactive users too) until the user expires, when all their state and timers
 * are cleared. Events too late for the allowed lateness go to {@link #LATE} as dead letters. The
 * rules themselves are in {@link UserLifecycle}.
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
    public static final String PROFILE_STATE = "profile";

    public static final String SEEN_STATE = "seen-event-ids";
    public static final String PENDING_STATE = "pending-events";
    public static final String STAGE_COUNTS_STATE = "stage-counts";

    private final LifecycleRules rules;
    private final String sourceTopic;

    private transient UserLifecycle lifecycle;
    private transient ValueState<UserProfile> profile;
    private transient MapState<String, Long> seen;
    private transient ListState<Event> pending;
    private transient ListState<StageCounts> stageCountsState;
    private transient StageCounts stageCounts;

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
        StateTtlConfig ttl =
                StateTtlConfig.newBuilder(rules.stateTtl())
                        .updateTtlOnCreateAndWrite()
                        .neverReturnExpired()
                        .cleanupInRocksdbCompactFilter(1000)
                        .build();
        ValueStateDescriptor<UserProfile> profileDesc =
                new ValueStateDescriptor<>(PROFILE_STATE, TypeInformation.of(UserProfile.class));
        profileDesc.enableTimeToLive(ttl);
        MapStateDescriptor<String, Long> seenDesc =
                new MapStateDescriptor<>(SEEN_STATE, Types.STRING, Types.LONG);
        seenDesc.enableTimeToLive(ttl);
        ListStateDescriptor<Event> pendingDesc =
                new ListStateDescriptor<>(PENDING_STATE, TypeInformation.of(Event.class));
        pendingDesc.enableTimeToLive(ttl);
        profile = getRuntimeContext().getState(profileDesc);
        seen = getRuntimeContext().getMapState(seenDesc);
        pending = getRuntimeContext().getListState(pendingDesc);

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
        if (seen.contains(e.eventId)) {
            duplicates.inc();
            return;
        }
        seen.put(e.eventId, e.eventTime);
        accepted.inc();
        if (e.type.monetary()) {
            ctx.output(REVENUE, e);
        }

        UserProfile p = profile.value();
        if (p == null) {
            // a late first event opens the window after the watermark, not one already closed
            long opensAt =
                    watermark == Long.MIN_VALUE
                            ? e.eventTime
                            : Math.max(e.eventTime, watermark + 1);
            p = lifecycle.newProfile(e.eventTime, rules.windowEndFor(opensAt));
            ctx.timerService().registerEventTimeTimer(p.openWindowEnd - 1);
            stageCounts.add(p.stage, 1);
        }
        if (e.eventTime < p.openWindowEnd) {
            lifecycle.apply(p, e);
        } else {
            pending.add(e);
        }
        profile.update(p);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowSnapshot> out)
            throws Exception {
        UserProfile p = profile.value();
        if (p == null) {
            return; // state expired by TTL; nothing left to report
        }
        long windowEnd = timestamp + 1;
        List<Event> held = new ArrayList<>();
        for (Event e : pending.get()) {
            held.add(e);
        }
        held.sort((a, b) -> Long.compare(a.eventTime, b.eventTime));
        LifecycleStage before = p.stage;
        UserLifecycle.WindowEnd end = lifecycle.endWindow(p, ctx.getCurrentKey(), held);
        stageCounts.add(before, -1);
        if (end.expired()) {
            expired.inc();
        }
        if (end.snapshot() != null) {
            out.collect(end.snapshot());
            snapshots.inc();
        }
        if (end.profile() == null) {
            profile.clear();
            seen.clear();
            pending.clear();
            return;
        }
        stageCounts.add(end.profile().stage, 1);
        if (held.size() != end.stillHeld().size()) {
            pending.update(end.stillHeld());
        }
        forgetOldEventIds(windowEnd - rules.dedupRetention().toMillis());
        profile.update(end.profile());
        ctx.timerService().registerEventTimeTimer(end.profile().openWindowEnd - 1);
    }

    private void forgetOldEventIds(long before) throws Exception {
        Iterator<Map.Entry<String, Long>> it = seen.iterator();
        while (it.hasNext()) {
            if (it.next().getValue() < before) {
                it.remove();
            }
        }
    }

    private DeadLetter letter(Event e, DeadLetterReason reason, String detail) {
        byte[] bytes = EventJson.toJson(e, "base");
        String json = new String(bytes, StandardCharsets.UTF_8);
        return new DeadLetter(reason, detail, sourceTopic, -1, -1, e.eventTime, bytes.length, json);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        stageCountsState.update(List.of(stageCounts));
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
    }
}
