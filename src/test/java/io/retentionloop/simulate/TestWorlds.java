package io.retentionloop.simulate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;

/** Worlds for the simulator tests: the shipped default and small hand-made ones. */
final class TestWorlds {

    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    static final long DAY = 86_400_000L;

    /** A clean stream: no bad records, no duplicates. */
    static final String NO_NOISE =
            "{share: 0.0, kinds: {malformed_json: 1.0}, duplicate_share: 0.0}";

    private TestWorlds() {}

    /** {@code conf/world.yaml}, as shipped. */
    static WorldConfig defaultWorld() {
        try {
            return WorldConfig.load(Path.of("conf/world.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One segment, everyone present at day 0, mean spend 40, with three actions: {@code none},
     * {@code revive} (costs 1, reactivates half of the dead, doubles the rate for 7 days) and
     * {@code annoy} (makes every alive user drop out).
     */
    static WorldConfig oneSegment(String purchaseRate, String dropout, String badRecords) {
        return WorldConfig.parse(
                """
                refund_probability: 0.02
                arrival_days: 365
                segments:
                  - name: only
                    share: 1.0
                    arrivals: 1.0
                    purchase_rate: %s
                    dropout: %s
                    spend: {p: 4.0, q: 5.0, gamma: 40.0}
                    browse_rate: 0.3
                    dead_browse_rate: 0.02
                    views_per_session: 3.0
                    cart_probability: 0.2
                actions:
                  - id: none
                    cost: {fixed: 0.0, revenue_share: 0.0}
                    effect_days: 0
                  - id: revive
                    cost: {fixed: 1.0, revenue_share: 0.0}
                    effect_days: 7
                    effects:
                      only: {rate_multiplier: 2.0, reactivation_probability: 0.5, annoyance: 0.0}
                  - id: annoy
                    cost: {fixed: 0.0, revenue_share: 0.0}
                    effect_days: 0
                    effects:
                      only: {rate_multiplier: 1.0, reactivation_probability: 0.0, annoyance: 1.0}
                bad_records: %s
                """
                        .formatted(purchaseRate, dropout, badRecords),
                "one-segment world");
    }

    /** Runs days [from, to) into the sink. */
    static void run(Simulator simulator, int from, int to, SimSink sink) {
        for (int day = from; day < to; day++) {
            simulator.simulateDay(day, sink);
        }
    }
}
