package io.retentionloop.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.retentionloop.lifecycle.LifecycleStage;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The retention actions the agent may choose, with what each costs, to whom it may go and how
 * often. Loaded from {@code conf/actions.yaml} (every key documented there) and validated at load.
 * Index 0 is always {@code none}; an action's index is its position in the Q-network's output, so
 * reordering the file invalidates published policies (the agent refuses a policy whose action count
 * differs, and {@link InterventionHistory} re-aligns by id).
 */
public final class ActionCatalogue implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The id of the action that does nothing; always at index 0. */
    public static final String NONE = "none";

    /** Classpath location of the packaged default (when the build copies it into the jar). */
    public static final String DEFAULT_RESOURCE = "/actions.yaml";

    private static final Set<String> TOP_KEYS = Set.of("frequency_cap", "actions");
    private static final Set<String> ACTION_KEYS =
            Set.of("id", "description", "cost", "eligible_stages", "cooldown", "valid_for");
    private static final Set<String> COST_KEYS = Set.of("fixed", "revenue_share");
    private static final Set<String> CAP_KEYS = Set.of("max", "per");

    private final List<Action> actions;
    private final FrequencyCap frequencyCap;
    private final String[] ids;

    /** One action: who may get it, how often, and what it costs. */
    public record Action(
            String id,
            String description,
            /** Booked at the send, in the base currency. */
            double fixedCost,
            /** Fraction of the revenue attributed to the decision (a coupon's discount). */
            double revenueShare,
            Set<LifecycleStage> eligibleStages,
            /** The same action is not sent to the same user again within this. */
            Duration cooldown,
            /**
             * How long the offer stays in force after the send (a coupon's validity), so how long
             * its revenue share applies, unless a later action to the user replaces it; zero: for
             * the decision's reward horizon.
             */
            Duration validFor)
            implements Serializable {

        public Action {
            eligibleStages = Collections.unmodifiableSet(EnumSet.copyOf(eligibleStages));
        }

        public boolean isNone() {
            return NONE.equals(id);
        }

        public boolean eligible(LifecycleStage stage) {
            return eligibleStages.contains(stage);
        }

        /** The cost of one send whose decision is attributed {@code revenue}. */
        public double cost(double revenue) {
            return fixedCost + revenueShare * Math.max(0, revenue);
        }
    }

    /** At most {@code max} non-{@code none} actions to one user within any {@code per}. */
    public record FrequencyCap(int max, Duration per) implements Serializable {}

    public ActionCatalogue(List<Action> actions, FrequencyCap frequencyCap) {
        this.actions = List.copyOf(actions);
        this.frequencyCap = frequencyCap;
        this.ids = this.actions.stream().map(Action::id).toArray(String[]::new);
        validate(this.actions, frequencyCap, "actions");
    }

    /**
     * Reads and validates a catalogue file.
     *
     * @throws IllegalArgumentException naming the key, e.g. {@code conf/actions.yaml:
     *     actions[2].cost.revenue_share must be in [0, 1], was 1.5}
     */
    public static ActionCatalogue load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read action catalogue " + file, e);
        }
    }

    /** The catalogue packaged at {@link #DEFAULT_RESOURCE}. */
    public static ActionCatalogue defaults() {
        try (InputStream in = ActionCatalogue.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        DEFAULT_RESOURCE
                                + " is not on the classpath (the build copies conf/actions.yaml)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and validates YAML text; {@code source} prefixes error messages. */
    public static ActionCatalogue parse(String yaml, String source) {
        try {
            JsonNode root;
            try {
                root = new YAMLMapper().readTree(yaml);
            } catch (IOException e) {
                throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
            }
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new IllegalArgumentException("is empty");
            }
            requireObject(root, "the file");
            knownKeys(root, TOP_KEYS, "");
            JsonNode cap = required(root, "frequency_cap", "");
            requireObject(cap, "frequency_cap");
            knownKeys(cap, CAP_KEYS, "frequency_cap.");
            FrequencyCap frequencyCap =
                    new FrequencyCap(
                            integer(required(cap, "max", "frequency_cap."), "frequency_cap.max"),
                            duration(required(cap, "per", "frequency_cap."), "frequency_cap.per"));
            JsonNode list = required(root, "actions", "");
            if (!list.isArray() || list.isEmpty()) {
                throw new IllegalArgumentException("actions must be a non-empty list");
            }
            // checked first: without it the next message would be about none's optional keys
            require(
                    NONE.equals(list.get(0).path("id").asText()),
                    "actions[0].id must be '" + NONE + "' (the no-action is always index 0)");
            List<Action> actions = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                actions.add(action(list.get(i), "actions[" + i + "]"));
            }
            return new ActionCatalogue(actions, frequencyCap);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    public int size() {
        return actions.size();
    }

    public Action get(int index) {
        return actions.get(index);
    }

    public List<Action> actions() {
        return actions;
    }

    public FrequencyCap frequencyCap() {
        return frequencyCap;
    }

    /** The ids in index order (a copy). */
    public String[] ids() {
        return ids.clone();
    }

    /** The id of the action at {@code index}. */
    public String id(int index) {
        return ids[index];
    }

    /** Whether {@code other} lists exactly these ids in this order. */
    boolean sameIds(String[] other) {
        return Arrays.equals(ids, other);
    }

    /** The index of the action with this id, or -1. */
    public int indexOf(String id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].equals(id)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "ActionCatalogue" + Arrays.toString(ids) + ", cap " + frequencyCap;
    }

    private static Action action(JsonNode node, String at) {
        requireObject(node, at);
        knownKeys(node, ACTION_KEYS, at + ".");
        String id = text(required(node, "id", at + "."), at + ".id");
        String description = text(required(node, "description", at + "."), at + ".description");
        JsonNode cost = required(node, "cost", at + ".");
        requireObject(cost, at + ".cost");
        knownKeys(cost, COST_KEYS, at + ".cost.");
        double fixed = number(required(cost, "fixed", at + ".cost."), at + ".cost.fixed");
        double share =
                number(required(cost, "revenue_share", at + ".cost."), at + ".cost.revenue_share");
        boolean none = NONE.equals(id);
        // `none` may omit eligibility and cooldown: it is always allowed
        Set<LifecycleStage> stages =
                none && !node.has("eligible_stages")
                        ? EnumSet.allOf(LifecycleStage.class)
                        : stages(
                                required(node, "eligible_stages", at + "."),
                                at + ".eligible_stages");
        Duration cooldown =
                none && !node.has("cooldown")
                        ? Duration.ZERO
                        : duration(required(node, "cooldown", at + "."), at + ".cooldown");
        Duration validFor =
                node.has("valid_for")
                        ? duration(node.get("valid_for"), at + ".valid_for")
                        : Duration.ZERO;
        return new Action(id, description, fixed, share, stages, cooldown, validFor);
    }

    private static void validate(List<Action> actions, FrequencyCap cap, String root) {
        require(!actions.isEmpty(), root + " must not be empty");
        require(
                NONE.equals(actions.get(0).id()),
                root + "[0].id must be '" + NONE + "' (the no-action is always index 0)");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < actions.size(); i++) {
            String at = root + "[" + i + "]";
            Action a = actions.get(i);
            require(a.id() != null && !a.id().isBlank(), at + ".id must not be blank");
            require(
                    a.id().matches("[a-z0-9_]+"),
                    at + ".id must be lower-case letters, digits and _, was '" + a.id() + "'");
            require(seen.add(a.id()), at + ".id '" + a.id() + "' is used twice");
            require(
                    a.description() != null && !a.description().isBlank(),
                    at + ".description must not be blank");
            require(
                    Double.isFinite(a.fixedCost()) && a.fixedCost() >= 0,
                    at + ".cost.fixed must be >= 0, was " + a.fixedCost());
            require(
                    a.revenueShare() >= 0 && a.revenueShare() <= 1,
                    at + ".cost.revenue_share must be in [0, 1], was " + a.revenueShare());
            require(
                    !a.cooldown().isNegative(),
                    at + ".cooldown must not be negative, was " + a.cooldown());
            require(
                    !a.validFor().isNegative(),
                    at + ".valid_for must not be negative, was " + a.validFor());
            if (a.isNone()) {
                require(
                        a.fixedCost() == 0 && a.revenueShare() == 0,
                        at + " ('none') must cost nothing (cost.fixed and cost.revenue_share 0)");
                require(
                        a.eligibleStages().size() == LifecycleStage.values().length,
                        at + " ('none') must be eligible in every stage");
                require(a.cooldown().isZero(), at + " ('none') must not have a cooldown");
                require(a.validFor().isZero(), at + " ('none') must not have valid_for");
            } else {
                require(
                        !a.eligibleStages().isEmpty(),
                        at + ".eligible_stages must list at least one stage");
            }
        }
        require(cap != null, "frequency_cap is required");
        require(
                cap.max() >= 1 && cap.max() <= InterventionHistory.RECENT_CAPACITY,
                "frequency_cap.max must be in [1, "
                        + InterventionHistory.RECENT_CAPACITY
                        + "], was "
                        + cap.max());
        require(
                cap.per() != null && !cap.per().isNegative() && !cap.per().isZero(),
                "frequency_cap.per must be > 0, was " + cap.per());
    }

    private static Set<LifecycleStage> stages(JsonNode node, String at) {
        if (!node.isArray()) {
            throw new IllegalArgumentException(at + " must be a list of stages, e.g. [active]");
        }
        Set<LifecycleStage> stages = EnumSet.noneOf(LifecycleStage.class);
        for (JsonNode s : node) {
            String name = s.asText("").trim();
            LifecycleStage stage = null;
            for (LifecycleStage candidate : LifecycleStage.values()) {
                if (candidate.name().toLowerCase(Locale.ROOT).equals(name)) {
                    stage = candidate;
                }
            }
            if (stage == null) {
                throw new IllegalArgumentException(
                        at
                                + " has unknown stage '"
                                + name
                                + "' (stages: new, active, at_risk, lapsed, reactivated)");
            }
            stages.add(stage);
        }
        return stages;
    }

    private static JsonNode required(JsonNode parent, String key, String prefix) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException(prefix + key + " is required");
        }
        return n;
    }

    private static void requireObject(JsonNode n, String at) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(at + " must be a mapping");
        }
    }

    private static void knownKeys(JsonNode n, Set<String> known, String prefix) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(
                        prefix + key + " is not a known key (known: " + known + ")");
            }
        }
    }

    private static String text(JsonNode n, String at) {
        if (!n.isValueNode()) {
            throw new IllegalArgumentException(at + " must be a string");
        }
        return n.asText();
    }

    private static double number(JsonNode n, String at) {
        if (!n.isNumber()) {
            throw new IllegalArgumentException(at + " must be a number, was '" + n.asText() + "'");
        }
        return n.asDouble();
    }

    private static int integer(JsonNode n, String at) {
        if (!n.isIntegralNumber()) {
            throw new IllegalArgumentException(
                    at + " must be a whole number, was '" + n.asText() + "'");
        }
        return n.asInt();
    }

    private static Duration duration(JsonNode n, String at) {
        if (n.isIntegralNumber() && n.asLong() == 0) {
            return Duration.ZERO;
        }
        return Durations.parse(at, n.isValueNode() ? n.asText() : null);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
