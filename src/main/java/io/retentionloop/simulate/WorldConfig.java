package io.retentionloop.simulate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulated world: user segments with their latent distributions, the action catalogue with
 * per-segment effects, and the share of bad and duplicate records. Loaded from {@code
 * conf/world.yaml}; every rate is per day, every amount in {@link #currency}.
 */
public record WorldConfig(
        String currency,
        double refundProbability,
        double arrivalDays,
        List<Segment> segments,
        List<Action> actions,
        BadRecords badRecords) {

    /** The id of the action that does nothing; every catalogue has it. */
    public static final String NO_ACTION = "none";

    /** The index of the segment a uniform draw {@code u} in [0, 1) falls into, by share. */
    public int segmentAt(double u) {
        double cumulative = 0;
        for (int i = 0; i < segments.size(); i++) {
            cumulative += segments.get(i).share();
            if (u < cumulative) {
                return i;
            }
        }
        return segments.size() - 1; // shares sum to 1 up to rounding
    }

    private static final YAMLMapper MAPPER =
            YAMLMapper.builder()
                    .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    // a missing number must be an error, not a silent 0
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .build();

    public WorldConfig {
        currency = currency == null ? "USD" : currency;
        badRecords = badRecords == null ? BadRecords.DEFAULT : badRecords;
        segments = segments == null ? null : List.copyOf(segments);
        actions = actions == null ? null : List.copyOf(actions);
    }

    /**
     * Reads and validates a world file.
     *
     * @throws IllegalArgumentException naming the offending key, e.g. {@code
     *     world.segments[1].share must be in (0,1], was 1.5}
     */
    public static WorldConfig load(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** Parses and validates YAML text; {@code source} names it in error messages. */
    static WorldConfig parse(String yaml, String source) {
        WorldConfig config;
        try {
            config = MAPPER.readValue(yaml, WorldConfig.class);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(source + ": " + describe(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (config == null) {
            throw new IllegalArgumentException(source + ": is empty");
        }
        WorldConfigValidator.validate(config);
        return config;
    }

    /** The index of the action with this id in the catalogue, or -1. */
    public int actionIndex(String id) {
        for (int i = 0; i < actions.size(); i++) {
            if (actions.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /** Turns Jackson's reference chain into the same {@code world.a[1].b} path validation uses. */
    private static String describe(JsonMappingException e) {
        StringBuilder path = new StringBuilder("world");
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else {
                path.append('.').append(ref.getFieldName());
            }
        }
        String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        if (e instanceof UnrecognizedPropertyException) {
            return path + " is not a known key" + line;
        }
        return path + " is missing or invalid" + line + ": " + e.getOriginalMessage();
    }

    /** A group of users sharing the distributions their latent parameters are drawn from. */
    public record Segment(
            String name,
            double share,
            double arrivals,
            GammaDist purchaseRate,
            BetaDist dropout,
            Spend spend,
            double browseRate,
            double deadBrowseRate,
            double viewsPerSession,
            double cartProbability) {}

    /** Gamma distribution by shape and rate (mean shape / rate). */
    public record GammaDist(double shape, double rate) {}

    /** Beta distribution (mean a / (a + b)). */
    public record BetaDist(double a, double b) {}

    /**
     * Gamma-Gamma spend (Fader, Hardie and Lee 2005): each user's ν ~ Gamma(q, gamma), each of
     * their purchases ~ Gamma(p, ν), so the user's mean purchase value is p / ν.
     */
    public record Spend(double p, double q, double gamma) {}

    /** An action the world reacts to: what it costs and what it does to each segment. */
    public record Action(String id, Cost cost, double effectDays, Map<String, Effect> effects) {
        public Action {
            effects = effects == null ? Map.of() : sorted(effects);
        }

        /** The effect on a segment; segments the action does not list are unaffected. */
        public Effect effectOn(String segment) {
            return effects.getOrDefault(segment, Effect.NEUTRAL);
        }

        public boolean isNoAction() {
            return NO_ACTION.equals(id);
        }
    }

    /** What one send costs: a fixed amount, plus a share of the revenue during its effect. */
    public record Cost(double fixed, double revenueShare) {}

    /** How a segment reacts to an action. */
    public record Effect(double rateMultiplier, double reactivationProbability, double annoyance) {
        public static final Effect NEUTRAL = new Effect(1.0, 0.0, 0.0);
    }

    /** How much of the stream is broken, and how: weights over {@link BadKind} ids. */
    public record BadRecords(double share, Map<String, Double> kinds, double duplicateShare) {
        public static final BadRecords DEFAULT =
                new BadRecords(
                        0.005,
                        Map.of(
                                "malformed_json", 0.25,
                                "missing_field", 0.20,
                                "unknown_type", 0.15,
                                "negative_amount", 0.12,
                                "absurd_amount", 0.12,
                                "far_future", 0.15,
                                "oversized", 0.002),
                        0.005);

        public BadRecords {
            kinds = kinds == null ? null : sorted(kinds);
        }

        /** The weight of a kind, 0 when not listed. */
        public double weight(BadKind kind) {
            return kinds.getOrDefault(kind.id(), 0.0);
        }
    }

    /**
     * An unmodifiable copy in key order. {@code Map.copyOf} iterates in an order that changes from
     * one JVM to the next, and the config's text (its {@code toString}) fingerprints the value
     * model trained on this world: the same world must give the same fingerprint.
     */
    static <V> Map<String, V> sorted(Map<String, V> map) {
        return Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(map)));
    }
}
