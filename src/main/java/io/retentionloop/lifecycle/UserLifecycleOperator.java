package io.retentionloop.lifecycle;

import io.retentionloop.encoding.StateLayout;
import io.retentionloop.events.DeadLetter;
import io.retentionloop.events.DeadLetterReason;
import io.retentionloop.events.Event;
import io.retentionloop.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The {@code user-lifecycle} operator: keyed by user, keeps one {@link UserState} per user (the
 * {@link UserProfile}, the event ids seen, the events held for a later window); drops duplicate
 * event ids, and on one event-time timer per user per window emits a {@link WindowSnapshot} (for
 * inactive users too) until the user expires, when their state and timers are cleared. Events too
 * late for the allowed lateness go to {@link #LATE} as dead letters. The rules themselves are in
 * {@link UserLifecycle}.
 *
 * <p>Events are applied in bundles: those arriving within {@link #MAX_BUNDLE_DELAY_MS} ms and
 * between two watermarks (at most {@code bundleSize}) are grouped by user, and each user's state is
 * read once, has their events applied in arrival order, and is written once. Every bundle is
 * applied before a watermark moves on (so timers see every earlier event) and before a checkpoint
 * barrier (so the checkpoint holds it); the result is the same as applying the events one by one,
 * with fewer state accesses when a user sends several events close together (a session, a catch-up
 * after downtime, a replay).
 *
 * <p>State of release 0.1.0 (a profile, a map of event ids and a list of held events per user, each
 * with a TTL) is read when a user is first touched after a restore and moved into the new state;
 * the {@link StateLayout} record records whether any may remain.
 */
public final class UserLifecycleOperator extends AbstractStreamOperator<WindowSnapshot>
        implements OneInputStreamOperator<Event, WindowSnapshot>,
                Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    /** Accepted purchases and refunds (deduplicated, not too late): the agent's revenue. */
    public static final OutputTag<Event> REVENUE =
            new OutputTag<>("revenue-events", TypeInformation.of(Event.class));

    /** State names are part of the savepoint format: never rename them. */
    public static final String USER_STATE = "user";

    public static final String STAGE_COUNTS_STATE = "stage-counts";

    /** The timer service's name: the one Flink's {@code KeyedProcessOperator} used in 0.1.0. */
    static final String TIMERS = "user-timers";

    /** Release 0.1.0's keyed states, read only to move users into {@link #USER_STATE}. */
    public static final String LEGACY_PROFILE_STATE = "profile";

    public static final String LEGACY_SEEN_STATE = "seen-event-ids";
    public static final String LEGACY_PENDING_STATE = "pending-events";

    /** The longest an event waits in a bundle (processing time). */
    public static final long MAX_BUNDLE_DELAY_MS = 100;

    private final LifecycleRules rules;
    private final String sourceTopic;
    private final int bundleSize;

    private transient UserLifecycle lifecycle;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient ValueState<UserState> users;
    private transient ListState<StageCounts> stageCountsState;
    private transient StageCounts stageCounts;
    private transient StateLayout layout;
    private transient boolean legacy;
    private transient ValueState<UserProfile> legacyProfile;
    private transient MapState<String, Long> legacySeen;
    private transient ListState<Event> legacyPending;

    /** Events waiting to be applied, by user in order of their first event. */
    private transient Map<String, List<StreamRecord<Event>>> bundle;

    private transient int bundled;

    /** Bundles applied so far: a delay timer applies only the bundle it was set for. */
    private transient long bundles;

    /** Whether the state of the user being applied changed. */
    private transient boolean dirty;

    private transient Counter accepted;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter failed;
    private transient Counter snapshots;
    private transient Counter expired;

    /**
     * @param bundleSize events applied together at most ({@code lifecycle.bundle-size}); 1 applies
     *     every event as it arrives
     */
    public UserLifecycleOperator(LifecycleRules rules, String sourceTopic, int bundleSize) {
        if (bundleSize < 1) {
            throw new IllegalArgumentException("bundle size must be >= 1, got " + bundleSize);
        }
        this.rules = rules;
        this.sourceTopic = sourceTopic;
        this.bundleSize = bundleSize;
    }

    @Override
    public void initializeState(StateInitializationContext ctx) throws Exception {
        super.initializeState(ctx);
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
        layout = StateLayout.restore(ctx.getOperatorStateStore(), ctx.isRestored());
        legacy = layout.legacyMayRemain();
    }

    @Override
    public void open() throws Exception {
        super.open();
        lifecycle = new UserLifecycle(rules);
        bundle = new LinkedHashMap<>();
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        // no TTL: every user has a timer, and the timer forgets users who expire
        users =
                getPartitionedState(
                        new ValueStateDescriptor<>(USER_STATE, UserStateSerializer.INSTANCE));
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
            legacyProfile = getPartitionedState(profileDesc);
            legacySeen = getPartitionedState(seenDesc);
            legacyPending = getPartitionedState(pendingDesc);
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
    public void processElement(StreamRecord<Event> record) throws Exception {
        Event e = record.getValue();
        long watermark = timers.currentWatermark();
        if (watermark != Long.MIN_VALUE
                && e.eventTime < watermark - rules.allowedLateness().toMillis()) {
            late.inc();
            output.collect(
                    LATE,
                    at(
                            letter(
                                    e,
                                    DeadLetterReason.LATE,
                                    "event_time "
                                            + (watermark - e.eventTime) / 1000
                                            + " s behind the watermark"),
                            record));
            return;
        }
        bundle.computeIfAbsent(e.userId, k -> new ArrayList<>(4)).add(record);
        if (++bundled >= bundleSize) {
            applyBundle();
        } else if (bundled == 1) {
            long due = getProcessingTimeService().getCurrentProcessingTime() + MAX_BUNDLE_DELAY_MS;
            long generation = bundles;
            getProcessingTimeService()
                    .registerTimer(
                            due,
                            t -> {
                                if (bundles == generation) {
                                    applyBundle();
                                }
                            });
        }
    }

    /** Applies every bundled event: per user, one state read, the events in order, one write. */
    private void applyBundle() throws Exception {
        if (bundled == 0) {
            return;
        }
        long watermark = timers.currentWatermark();
        for (Map.Entry<String, List<StreamRecord<Event>>> entry : bundle.entrySet()) {
            setCurrentKey(entry.getKey());
            UserState u = user();
            dirty = false;
            for (StreamRecord<Event> r : entry.getValue()) {
                try {
                    u = accept(u, r, watermark);
                } catch (RuntimeException ex) {
                    // a record must never stop the job: what still throws is a dead letter
                    failed.inc();
                    output.collect(
                            LATE,
                            at(
                                    letter(
                                            r.getValue(),
                                            DeadLetterReason.INTERNAL_ERROR,
                                            ex.toString()),
                                    r));
                }
            }
            if (dirty) {
                users.update(u);
            }
        }
        bundle.clear();
        bundled = 0;
        bundles++;
    }

    /** Applies one event to the user's state (null: none yet); returns the state. */
    private UserState accept(UserState u, StreamRecord<Event> r, long watermark) {
        Event e = r.getValue();
        if (u != null && !u.firstSighting(e.eventId, e.eventTime)) {
            duplicates.inc();
            return u;
        }
        if (u != null && watermark != Long.MIN_VALUE) {
            // a duplicate of an event older than this would be late, and dropped as such
            u.forgetSeenBefore(watermark - rules.dedupRetention().toMillis());
        }
        accepted.inc();
        dirty = true;
        if (e.type.monetary()) {
            output.collect(REVENUE, at(e, r));
        }
        if (u == null) {
            // a late first event opens the window after the watermark, not one already closed
            long opensAt =
                    watermark == Long.MIN_VALUE
                            ? e.eventTime
                            : Math.max(e.eventTime, watermark + 1);
            u =
                    new UserState(
                            lifecycle.newProfile(
                                    e.eventTime, rules.windowEndFor(e.userId, opensAt)));
            u.firstSighting(e.eventId, e.eventTime);
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, u.profile.openWindowEnd - 1);
            stageCounts.add(u.profile.stage, 1);
        }
        if (e.eventTime < u.profile.openWindowEnd) {
            lifecycle.apply(u.profile, e);
        } else {
            u.hold(e);
        }
        return u;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        applyBundle(); // timers fire with every earlier event applied
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        applyBundle(); // the checkpoint holds every event before its barrier
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        applyBundle();
        super.finish();
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        UserState u = user();
        if (u == null) {
            return; // nothing left to report
        }
        long windowEnd = timer.getTimestamp() + 1;
        LifecycleStage before = u.profile.stage;
        UserLifecycle.WindowEnd end =
                lifecycle.endWindow(u.profile, timer.getKey(), u.heldInTimeOrder());
        stageCounts.add(before, -1);
        if (end.expired()) {
            expired.inc();
        }
        if (end.snapshot() != null) {
            output.collect(new StreamRecord<>(end.snapshot(), timer.getTimestamp()));
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
        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, u.profile.openWindowEnd - 1);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

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

    /** {@code value} with the timestamp of the record it came from, as Flink's collectors do. */
    private static <T> StreamRecord<T> at(T value, StreamRecord<?> from) {
        return from.hasTimestamp()
                ? new StreamRecord<>(value, from.getTimestamp())
                : new StreamRecord<>(value);
    }

    private DeadLetter letter(Event e, DeadLetterReason reason, String detail) {
        byte[] bytes = EventJson.toJson(e, "base");
        String json = new String(bytes, StandardCharsets.UTF_8);
        return new DeadLetter(reason, detail, sourceTopic, -1, -1, e.eventTime, bytes.length, json);
    }

    @Override
    public void snapshotState(StateSnapshotContext ctx) throws Exception {
        super.snapshotState(ctx);
        stageCountsState.update(List.of(stageCounts));
        layout.snapshot();
    }
}
