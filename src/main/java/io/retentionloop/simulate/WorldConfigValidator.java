package io.retentionloop.simulate;

import io.retentionloop.simulate.WorldConfig.Action;
import io.retentionloop.simulate.WorldConfig.BadRecords;
import io.retentionloop.simulate.WorldConfig.Effect;
import io.retentionloop.simulate.WorldConfig.Segment;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a parsed {@link WorldConfig}; messages name the key by its path in the YAML. */
final class WorldConfigValidator {

    private static final double SHARE_SUM_TOLERANCE = 1e-6;

    private WorldConfigValidator() {}

    static void validate(WorldConfig c) {
        require(!c.currency().isBlank(), "world.currency must not be blank");
        inRange("world.refund_probability", c.refundProbability(), 0, false, 1, false);
        positive("world.arrival_days", c.arrivalDays());
        segments(c.segments());
        actions(c.actions(), c.segments());
        badRecords(c.badRecords());
    }

    private static void segments(List<Segment> segments) {
        require(segments != null && !segments.isEmpty(), "world.segments must not be empty");
        Set<String> names = new HashSet<>();
        double sum = 0;
        for (int i = 0; i < segments.size(); i++) {
            String at = "world.segments[" + i + "]";
            Segment s = segments.get(i);
            require(s.name() != null && !s.name().isBlank(), at + ".name must not be blank");
            require(names.add(s.name()), at + ".name '" + s.name() + "' is used twice");
            inRange(at + ".share", s.share(), 0, true, 1, false);
            inRange(at + ".arrivals", s.arrivals(), 0, false, 1, false);
            present(at + ".purchase_rate", s.purchaseRate());
            positive(at + ".purchase_rate.shape", s.purchaseRate().shape());
            positive(at + ".purchase_rate.rate", s.purchaseRate().rate());
            present(at + ".dropout", s.dropout());
            positive(at + ".dropout.a", s.dropout().a());
            positive(at + ".dropout.b", s.dropout().b());
            present(at + ".spend", s.spend());
            positive(at + ".spend.p", s.spend().p());
            // q <= 1 gives users an infinite expected purchase value
            require(s.spend().q() > 1, at + ".spend.q must be > 1, was " + s.spend().q());
            positive(at + ".spend.gamma", s.spend().gamma());
            atLeast(at + ".browse_rate", s.browseRate(), 0);
            atLeast(at + ".dead_browse_rate", s.deadBrowseRate(), 0);
            atLeast(at + ".views_per_session", s.viewsPerSession(), 1);
            inRange(at + ".cart_probability", s.cartProbability(), 0, false, 1, false);
            sum += s.share();
        }
        require(
                Math.abs(sum - 1) <= SHARE_SUM_TOLERANCE,
                "world.segments[*].share must sum to 1, was " + sum);
    }

    private static void actions(List<Action> actions, List<Segment> segments) {
        require(actions != null && !actions.isEmpty(), "world.actions must not be empty");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < actions.size(); i++) {
            String at = "world.actions[" + i + "]";
            Action a = actions.get(i);
            require(a.id() != null && !a.id().isBlank(), at + ".id must not be blank");
            require(ids.add(a.id()), at + ".id '" + a.id() + "' is used twice");
            present(at + ".cost", a.cost());
            atLeast(at + ".cost.fixed", a.cost().fixed(), 0);
            inRange(at + ".cost.revenue_share", a.cost().revenueShare(), 0, false, 1, true);
            atLeast(at + ".effect_days", a.effectDays(), 0);
            if (a.isNoAction()) {
                require(
                        a.cost().fixed() == 0
                                && a.cost().revenueShare() == 0
                                && a.effects().isEmpty(),
                        at + " ('none') must cost nothing and have no effects");
            } else {
                effects(at, a.effects(), segments);
            }
        }
        require(
                ids.contains(WorldConfig.NO_ACTION),
                "world.actions must contain the action '" + WorldConfig.NO_ACTION + "'");
    }

    private static void effects(String at, Map<String, Effect> effects, List<Segment> segments) {
        Set<String> names = new HashSet<>();
        segments.forEach(s -> names.add(s.name()));
        for (String name : effects.keySet()) {
            require(
                    names.contains(name),
                    at + ".effects." + name + " is not a segment (segments: " + names + ")");
        }
        for (String name : names) {
            String e = at + ".effects." + name;
            Effect effect = effects.get(name);
            require(effect != null, e + " is missing: list every segment's reaction");
            positive(e + ".rate_multiplier", effect.rateMultiplier());
            inRange(
                    e + ".reactivation_probability",
                    effect.reactivationProbability(),
                    0,
                    false,
                    1,
                    false);
            inRange(e + ".annoyance", effect.annoyance(), 0, false, 1, false);
        }
    }

    private static void badRecords(BadRecords b) {
        inRange("world.bad_records.share", b.share(), 0, false, 0.5, false);
        inRange("world.bad_records.duplicate_share", b.duplicateShare(), 0, false, 0.5, false);
        present("world.bad_records.kinds", b.kinds());
        double total = 0;
        for (Map.Entry<String, Double> kind : b.kinds().entrySet()) {
            String at = "world.bad_records.kinds." + kind.getKey();
            require(
                    BadKind.fromId(kind.getKey()) != null,
                    at + " is not a bad-record kind (kinds: " + List.of(BadKind.values()) + ")");
            atLeast(at, kind.getValue(), 0);
            total += kind.getValue();
        }
        require(
                b.share() == 0 || total > 0,
                "world.bad_records.kinds must give some kind a weight > 0");
    }

    private static void present(String key, Object value) {
        require(value != null, key + " is missing");
    }

    private static void positive(String key, double value) {
        require(value > 0, key + " must be > 0, was " + value);
    }

    private static void atLeast(String key, double value, double min) {
        require(value >= min, key + " must be >= " + fmt(min) + ", was " + value);
    }

    private static void inRange(
            String key, double value, double lo, boolean loOpen, double hi, boolean hiOpen) {
        boolean ok = (loOpen ? value > lo : value >= lo) && (hiOpen ? value < hi : value <= hi);
        require(
                ok,
                key
                        + " must be in "
                        + (loOpen ? "(" : "[")
                        + fmt(lo)
                        + ","
                        + fmt(hi)
                        + (hiOpen ? ")" : "]")
                        + ", was "
                        + value);
    }

    private static String fmt(double bound) {
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
