package io.retentionloop.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retentionloop.agent.PendingDecision;
import io.retentionloop.agent.RetentionAgentOperator;
import io.retentionloop.job.Uids;
import io.retentionloop.learner.PolicyLearnerOperator;
import io.retentionloop.learner.PolicySnapshot;
import io.retentionloop.lifecycle.LifecycleStage;
import io.retentionloop.lifecycle.StageCounts;
import io.retentionloop.lifecycle.UserLifecycleOperator;
import io.retentionloop.lifecycle.UserProfile;
import io.retentionloop.value.ModelRef;
import io.retentionloop.value.ValueScorerOperator;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints what a savepoint (or retained checkpoint) of the {@code retention-loop} job holds, read
 * with the State Processor API through the operator uids of {@link Uids} and the state names the
 * operators declare: the operators with state, users per lifecycle stage, pending decisions, the
 * policy version the agent serves and the learner published, and the value model; with {@code
 * --user} one user's profile, timers and pending decisions. Operators a savepoint predates (e.g.
 * the agent in one written before it existed) are reported as absent.
 */
@Command(
        name = "inspect-savepoint",
        mixinStandardHelpOptions = true,
        description = {
            "Print what a savepoint of the retention-loop job holds: operators with state, users"
                    + " per lifecycle stage, pending decisions, policy and model versions.",
            "Reads the savepoint locally with Flink's State Processor API; the job need not run."
        })
public final class SavepointInspector implements Callable<Integer> {

    @Parameters(
            paramLabel = "SAVEPOINT",
            description = "Savepoint directory (or its _metadata file, or a file:// URI).")
    String savepoint;

    @Option(
            names = "--user",
            paramLabel = "ID",
            description = "Also print this user's profile, timers and pending decisions.")
    String user;

    /** One operator with state in the savepoint. */
    public record OperatorInfo(
            String uid, String operatorId, int parallelism, int maxParallelism, long stateBytes) {}

    /** One user's state, when asked for with {@code --user}. */
    public record UserState(
            String userId, String profileJson, List<Long> eventTimeTimers, List<String> pending) {}

    /**
     * What the savepoint holds. A field is null when the operator that owns the state is not in the
     * savepoint.
     */
    public record Summary(
            String path,
            long checkpointId,
            List<OperatorInfo> operators,
            Map<String, Long> usersByStage,
            Map<String, Long> stageCountsState,
            Long pendingDecisions,
            Long usersWithPendingDecisions,
            Long agentPolicyVersion,
            Long publishedPolicyVersion,
            ModelRef model,
            UserState user) {

        public long users() {
            return usersByStage.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A fact read from state; facts with the same kind and key are added up. */
    public static class Fact {
        public String kind;
        public String key;
        public long count;
        public String text;

        public Fact() {}

        Fact(String kind, String key, long count, String text) {
            this.kind = kind;
            this.key = key;
            this.count = count;
            this.text = text;
        }
    }

    private static final String STAGE = "stage";
    private static final String STAGE_COUNT = "stage-count";
    private static final String PENDING = "pending";
    private static final String PENDING_USERS = "pending-users";
    private static final String AGENT_POLICY = "agent-policy";
    private static final String LEARNER_POLICY = "learner-policy";
    private static final String MODEL = "model";
    private static final String USER_PROFILE = "user-profile";
    private static final String USER_TIMERS = "user-timers";
    private static final String USER_PENDING = "user-pending";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        Summary s = inspect(savepoint, user);
        print(s, System.out);
        return 0;
    }

    /** Reads the savepoint at {@code path}; {@code userId} may be null. */
    public static Summary inspect(String path, String userId) throws Exception {
        String location = normalize(path);
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(location);
        Map<OperatorID, String> known = knownUids();
        List<OperatorInfo> operators = new ArrayList<>();
        for (OperatorState op : metadata.getOperatorStates()) {
            if (op.getStateSize() == 0 && op.getCoordinatorState() == null) {
                continue; // stateless (chained) operators are listed with empty state
            }
            String uid =
                    known.getOrDefault(
                            op.getOperatorID(), op.getOperatorUid().orElse("(unknown uid)"));
            operators.add(
                    new OperatorInfo(
                            uid,
                            op.getOperatorID().toHexString(),
                            op.getParallelism(),
                            op.getMaxParallelism(),
                            op.getStateSize()));
        }
        operators.sort((a, b) -> a.uid().compareTo(b.uid()));

        Configuration conf = new Configuration();
        conf.setString("execution.runtime-mode", RuntimeExecutionMode.BATCH.name());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        SavepointReader reader = SavepointReader.read(env, location, new HashMapStateBackend());
        TypeInformation<Fact> factType = TypeInformation.of(Fact.class);
        List<DataStream<Fact>> reads = new ArrayList<>();

        boolean lifecycle = has(operators, Uids.USER_LIFECYCLE);
        if (lifecycle) {
            reads.add(
                    reader.readKeyedState(
                            OperatorIdentifier.forUid(Uids.USER_LIFECYCLE),
                            new ProfileReader(userId),
                            TypeInformation.of(String.class),
                            factType));
            reads.add(
                    reader.readListState(
                                    OperatorIdentifier.forUid(Uids.USER_LIFECYCLE),
                                    UserLifecycleOperator.STAGE_COUNTS_STATE,
                                    TypeInformation.of(StageCounts.class))
                            .flatMap(SavepointInspector::stageCounts, factType));
        }
        boolean agent = has(operators, Uids.RETENTION_AGENT);
        if (agent) {
            reads.add(
                    reader.readKeyedState(
                            OperatorIdentifier.forUid(Uids.RETENTION_AGENT),
                            new PendingReader(userId),
                            TypeInformation.of(String.class),
                            factType));
            reads.add(
                    reader.readUnionState(
                                    OperatorIdentifier.forUid(Uids.RETENTION_AGENT),
                                    RetentionAgentOperator.POLICY_STATE,
                                    TypeInformation.of(PolicySnapshot.class))
                            .map(p -> new Fact(AGENT_POLICY, "", p.version, null), factType));
        }
        boolean learner = has(operators, Uids.POLICY_LEARNER);
        if (learner) {
            reads.add(
                    reader.readListState(
                                    OperatorIdentifier.forUid(Uids.POLICY_LEARNER),
                                    PolicyLearnerOperator.PUBLISHED_STATE,
                                    TypeInformation.of(PolicySnapshot.class))
                            .map(p -> new Fact(LEARNER_POLICY, "", p.version, null), factType));
        }
        boolean scorer = has(operators, Uids.VALUE_SCORER);
        if (scorer) {
            reads.add(
                    reader.readUnionState(
                                    OperatorIdentifier.forUid(Uids.VALUE_SCORER),
                                    ValueScorerOperator.MODEL_STATE,
                                    TypeInformation.of(ModelRef.class))
                            .map(
                                    m ->
                                            new Fact(
                                                    MODEL,
                                                    m.version,
                                                    m.sequence,
                                                    m.uri + " sha256 " + m.sha256),
                                    factType));
        }

        List<Fact> facts = new ArrayList<>();
        if (!reads.isEmpty()) {
            DataStream<Fact> all = reads.get(0);
            for (int i = 1; i < reads.size(); i++) {
                all = all.union(reads.get(i));
            }
            // add up per kind and key in the job: one row per user would not fit a big savepoint
            DataStream<Fact> summed =
                    all.keyBy(f -> f.kind + "\u0000" + f.key)
                            .reduce(
                                    (a, b) ->
                                            new Fact(
                                                    a.kind,
                                                    a.key,
                                                    a.kind.equals(MODEL)
                                                                    || a.kind.equals(AGENT_POLICY)
                                                                    || a.kind.equals(LEARNER_POLICY)
                                                            ? Math.max(a.count, b.count)
                                                            : a.count + b.count,
                                                    a.text != null ? a.text : b.text));
            try (CloseableIterator<Fact> it =
                    summed.executeAndCollect("inspect-savepoint " + location)) {
                it.forEachRemaining(facts::add);
            }
        }

        Map<String, Long> stages = new LinkedHashMap<>();
        Map<String, Long> stageCounts = new LinkedHashMap<>();
        for (LifecycleStage st : LifecycleStage.values()) {
            stages.put(name(st), 0L);
            stageCounts.put(name(st), 0L);
        }
        long pending = 0;
        long pendingUsers = 0;
        Long agentPolicy = null;
        Long learnerPolicy = null;
        ModelRef model = null;
        String profile = null;
        List<Long> timers = new ArrayList<>();
        List<String> userPending = new ArrayList<>();
        for (Fact f : facts) {
            switch (f.kind) {
                case STAGE -> stages.merge(f.key, f.count, Long::sum);
                case STAGE_COUNT -> stageCounts.merge(f.key, f.count, Long::sum);
                case PENDING -> pending += f.count;
                case PENDING_USERS -> pendingUsers += f.count;
                case AGENT_POLICY -> agentPolicy = max(agentPolicy, f.count);
                case LEARNER_POLICY -> learnerPolicy = max(learnerPolicy, f.count);
                case MODEL -> {
                    if (model == null || f.count > model.sequence) {
                        String[] uriSha = f.text.split(" sha256 ", 2);
                        model = new ModelRef(f.key, uriSha[0], uriSha[1], f.count);
                    }
                }
                case USER_PROFILE -> profile = f.text;
                case USER_TIMERS -> {
                    for (String t : f.text.split(",")) {
                        if (!t.isEmpty()) {
                            timers.add(Long.parseLong(t));
                        }
                    }
                }
                case USER_PENDING -> userPending.addAll(List.of(f.text.split("\n")));
                default -> throw new IllegalStateException("unknown fact " + f.kind);
            }
        }
        UserState userState =
                userId == null ? null : new UserState(userId, profile, timers, userPending);
        return new Summary(
                location,
                metadata.getCheckpointId(),
                operators,
                lifecycle ? stages : Map.of(),
                lifecycle ? stageCounts : Map.of(),
                agent ? pending : null,
                agent ? pendingUsers : null,
                agentPolicy,
                learner ? (learnerPolicy == null ? 0L : learnerPolicy) : null,
                model,
                userState);
    }

    /** Prints a summary for an operator. */
    public static void print(Summary s, PrintStream out) {
        out.println("Savepoint " + s.path());
        out.printf(Locale.ROOT, "  checkpoint id %d%n", s.checkpointId());
        out.println("Operators with state (uid, parallelism / max parallelism, state size):");
        int width = s.operators().stream().mapToInt(o -> o.uid().length()).max().orElse(10);
        for (OperatorInfo op : s.operators()) {
            out.printf(
                    Locale.ROOT,
                    "  %-" + width + "s %3d / %-4d %10s%n",
                    op.uid(),
                    op.parallelism(),
                    op.maxParallelism(),
                    bytes(op.stateBytes()));
        }
        if (s.usersByStage().isEmpty()) {
            out.println("Users: no user-lifecycle state in this savepoint");
        } else {
            out.printf(Locale.ROOT, "Users in state: %,d%n", s.users());
            s.usersByStage()
                    .forEach(
                            (stage, n) ->
                                    out.printf(
                                            Locale.ROOT,
                                            "  %-12s %,10d   (operator gauge: %,d)%n",
                                            stage,
                                            n,
                                            s.stageCountsState().getOrDefault(stage, 0L)));
        }
        if (s.pendingDecisions() == null) {
            out.println(
                    "Pending decisions: no "
                            + Uids.RETENTION_AGENT
                            + " state (the savepoint predates the agent); it starts empty");
        } else {
            out.printf(
                    Locale.ROOT,
                    "Pending decisions: %,d, of %,d users (awaiting the end of their reward"
                            + " horizon)%n",
                    s.pendingDecisions(),
                    s.usersWithPendingDecisions());
        }
        out.println(
                "Policy: agent serves "
                        + (s.agentPolicyVersion() == null
                                ? (s.pendingDecisions() == null
                                        ? "- (no agent)"
                                        : "none yet (cold start)")
                                : "version " + s.agentPolicyVersion())
                        + "; learner published "
                        + (s.publishedPolicyVersion() == null
                                ? "- (no " + Uids.POLICY_LEARNER + " state)"
                                : s.publishedPolicyVersion() == 0
                                        ? "none yet"
                                        : "version " + s.publishedPolicyVersion()));
        ModelRef m = s.model();
        out.println(
                "Value model: "
                        + (m == null
                                ? "- (no " + Uids.VALUE_SCORER + " state)"
                                : "'"
                                        + m.version
                                        + "' (announcement "
                                        + m.sequence
                                        + ") "
                                        + m.uri));
        if (m != null) {
            out.println("  sha256 " + m.sha256);
        }
        UserState u = s.user();
        if (u != null) {
            out.println("User " + u.userId() + ":");
            if (u.profileJson() == null) {
                out.println("  not in state (never seen, or expired)");
            } else {
                out.println(u.profileJson().indent(2).stripTrailing());
                for (long t : u.eventTimeTimers()) {
                    out.println("  next window closes at " + Instant.ofEpochMilli(t + 1));
                }
            }
            if (s.pendingDecisions() != null) {
                out.println("  pending decisions:" + (u.pending().isEmpty() ? " none" : ""));
                u.pending().forEach(p -> out.println("    " + p));
            }
        }
    }

    /** Every users' stage; the profile, timers and pending events of one user. */
    static final class ProfileReader extends KeyedStateReaderFunction<String, Fact> {
        private static final long serialVersionUID = 1L;
        private final String user;
        private transient ValueState<io.retentionloop.lifecycle.UserState> users;
        private transient ValueState<UserProfile> legacyProfile;
        private transient ListState<io.retentionloop.events.Event> legacyHeld;

        ProfileReader(String user) {
            this.user = user;
        }

        @Override
        public void open(OpenContext ctx) {
            users =
                    getRuntimeContext()
                            .getState(
                                    new ValueStateDescriptor<>(
                                            UserLifecycleOperator.USER_STATE,
                                            io.retentionloop.lifecycle.UserStateSerializer
                                                    .INSTANCE));
            // users of release 0.1.0 not touched since a restore keep its layout
            ValueStateDescriptor<UserProfile> p =
                    new ValueStateDescriptor<>(
                            UserLifecycleOperator.LEGACY_PROFILE_STATE,
                            TypeInformation.of(UserProfile.class));
            p.enableTimeToLive(readTtl());
            ListStateDescriptor<io.retentionloop.events.Event> e =
                    new ListStateDescriptor<>(
                            UserLifecycleOperator.LEGACY_PENDING_STATE,
                            TypeInformation.of(io.retentionloop.events.Event.class));
            e.enableTimeToLive(readTtl());
            legacyProfile = getRuntimeContext().getState(p);
            legacyHeld = getRuntimeContext().getListState(e);
        }

        @Override
        public void readKey(String key, Context ctx, Collector<Fact> out) throws Exception {
            io.retentionloop.lifecycle.UserState u = users.value();
            UserProfile p = u != null ? u.profile : legacyProfile.value();
            if (p == null) {
                return;
            }
            out.collect(new Fact(STAGE, name(p.stage), 1, null));
            if (key.equals(user)) {
                ObjectNode json = JSON.valueToTree(p);
                for (String field :
                        List.of(
                                "firstSeen",
                                "lastEventTime",
                                "firstPurchaseTime",
                                "lastPurchaseTime",
                                "openWindowEnd",
                                "stageSince")) {
                    long t = json.path(field).asLong(-1);
                    if (t >= 0) {
                        json.put(field, Instant.ofEpochMilli(t).toString());
                    }
                }
                int n = 0;
                if (u != null) {
                    n = u.heldCount();
                } else {
                    for (io.retentionloop.events.Event ignored : legacyHeld.get()) {
                        n++;
                    }
                }
                json.put("heldEvents", n);
                out.collect(new Fact(USER_PROFILE, key, 1, JSON.writeValueAsString(json)));
                StringBuilder timers = new StringBuilder();
                for (long t : ctx.registeredEventTimeTimers()) {
                    timers.append(t).append(',');
                }
                out.collect(new Fact(USER_TIMERS, key, 1, timers.toString()));
            }
        }
    }

    /** Pending decisions per user of the retention agent. */
    static final class PendingReader extends KeyedStateReaderFunction<String, Fact> {
        private static final long serialVersionUID = 1L;
        private final String user;
        private transient ValueState<io.retentionloop.agent.AgentUserState> users;
        private transient ListState<PendingDecision> legacyPending;

        PendingReader(String user) {
            this.user = user;
        }

        @Override
        public void open(OpenContext ctx) {
            ValueStateDescriptor<io.retentionloop.agent.AgentUserState> u =
                    new ValueStateDescriptor<>(
                            RetentionAgentOperator.USER_STATE,
                            io.retentionloop.agent.AgentStateSerializer.INSTANCE);
            u.enableTimeToLive(readTtl());
            users = getRuntimeContext().getState(u);
            // users of release 0.1.0 not touched since a restore keep its layout
            ListStateDescriptor<PendingDecision> d =
                    new ListStateDescriptor<>(
                            RetentionAgentOperator.LEGACY_PENDING_STATE,
                            TypeInformation.of(PendingDecision.class));
            d.enableTimeToLive(readTtl());
            legacyPending = getRuntimeContext().getListState(d);
        }

        @Override
        public void readKey(String key, Context ctx, Collector<Fact> out) throws Exception {
            List<String> mine = new ArrayList<>();
            long n = 0;
            io.retentionloop.agent.AgentUserState u = users.value();
            Iterable<PendingDecision> pending = u != null ? u.pending : legacyPending.get();
            for (PendingDecision p : pending) {
                n++;
                if (key.equals(user)) {
                    mine.add(
                            p.decision.decisionId
                                    + " "
                                    + p.decision.actionId
                                    + " (p="
                                    + p.decision.propensity
                                    + ", policy "
                                    + p.decision.policyVersion
                                    + ") matures "
                                    + Instant.ofEpochMilli(p.maturesAt)
                                    + ", revenue so far "
                                    + p.revenue);
                }
            }
            if (n > 0) {
                out.collect(new Fact(PENDING, "", n, null));
                out.collect(new Fact(PENDING_USERS, "", 1, null));
            }
            if (!mine.isEmpty()) {
                out.collect(new Fact(USER_PENDING, key, 1, String.join("\n", mine)));
            }
        }
    }

    /**
     * State written with TTL must be read with TTL enabled (the values carry their timestamps). The
     * inspector shows entries whatever their age: a kept savepoint stays readable for years.
     */
    private static StateTtlConfig readTtl() {
        return StateTtlConfig.newBuilder(Duration.ofDays(365L * 1000))
                .setStateVisibility(StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp)
                .build();
    }

    private static void stageCounts(StageCounts c, Collector<Fact> out) {
        for (LifecycleStage st : LifecycleStage.values()) {
            out.collect(new Fact(STAGE_COUNT, name(st), c.counts[st.ordinal()], null));
        }
    }

    /** Operator ids of every uid in {@link Uids}, to name the operators of a savepoint. */
    public static Map<OperatorID, String> knownUids() {
        Map<OperatorID, String> ids =
                new TreeMap<>((a, b) -> a.toHexString().compareTo(b.toHexString()));
        for (Field f : Uids.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String uid = (String) f.get(null);
                    ids.put(OperatorIdentifier.forUid(uid).getOperatorId(), uid);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return ids;
    }

    private static boolean has(List<OperatorInfo> operators, String uid) {
        return operators.stream().anyMatch(o -> o.uid().equals(uid));
    }

    /** A directory, its {@code _metadata} or a URI, as the State Processor API wants it. */
    static String normalize(String path) {
        if (path.contains("://")) {
            return path.endsWith("/_metadata")
                    ? path.substring(0, path.length() - "/_metadata".length())
                    : path;
        }
        Path p = Path.of(path.startsWith("file:") ? path.substring("file:".length()) : path);
        if (p.getFileName() != null && p.getFileName().toString().equals("_metadata")) {
            p = p.getParent();
        }
        if (!Files.isRegularFile(p.resolve("_metadata"))) {
            throw new IllegalArgumentException("no savepoint at " + path + " (no _metadata file)");
        }
        return p.toAbsolutePath().normalize().toUri().toString();
    }

    private static String name(LifecycleStage s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static Long max(Long a, long b) {
        return a == null ? b : Math.max(a, b);
    }

    private static String bytes(long n) {
        return n < 10_000 ? n + " B" : String.format(Locale.ROOT, "%,d kB", n / 1000);
    }
}
