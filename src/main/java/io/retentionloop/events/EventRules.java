package io.retentionloop.events;

import io.retentionloop.security.Secret;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What makes an input record acceptable. Amounts are converted to {@code baseCurrency} with {@code
 * fxRates} (units of base currency per unit of the key currency). Event times may be at most {@code
 * maxFutureSkew} ahead of the job's clock; heartbeats must be signed with {@code heartbeatKey}
 * (none: heartbeats are rejected).
 */
public record EventRules(
        int maxRecordBytes,
        double maxAmount,
        Duration maxFutureSkew,
        Instant minEventTime,
        String baseCurrency,
        Map<String, Double> fxRates,
        int dlqMaxPayloadBytes,
        int maxIdLength,
        Secret heartbeatKey)
        implements Serializable {

    public static final EventRules DEFAULTS =
            new EventRules(
                    64 * 1024,
                    100_000.0,
                    Duration.ofDays(1),
                    Instant.parse("1990-01-01T00:00:00Z"),
                    "USD",
                    Map.of("USD", 1.0),
                    64 * 1024,
                    256,
                    Secret.none());

    /** These rules with heartbeats signed by {@code key}. */
    public EventRules withHeartbeatKey(Secret key) {
        return new EventRules(
                maxRecordBytes,
                maxAmount,
                maxFutureSkew,
                minEventTime,
                baseCurrency,
                fxRates,
                dlqMaxPayloadBytes,
                maxIdLength,
                key);
    }

    public EventRules {
        if (heartbeatKey == null) {
            heartbeatKey = Secret.none();
        }
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("events.max-record-bytes must be > 0");
        }
        if (!(maxAmount > 0)) {
            throw new IllegalArgumentException("events.max-amount must be > 0");
        }
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("events.max-future-skew must not be negative");
        }
        if (baseCurrency == null || baseCurrency.isBlank()) {
            throw new IllegalArgumentException("events.base-currency must be set");
        }
        fxRates = Map.copyOf(fxRates);
        if (!fxRates.containsKey(baseCurrency)) {
            // the base currency always converts to itself
            java.util.HashMap<String, Double> withBase = new java.util.HashMap<>(fxRates);
            withBase.put(baseCurrency, 1.0);
            fxRates = Map.copyOf(withBase);
        }
        fxRates.forEach(
                (currency, rate) -> {
                    if (!(rate > 0)) {
                        throw new IllegalArgumentException(
                                "events.fx-rates." + currency + " must be > 0, was " + rate);
                    }
                });
    }
}
