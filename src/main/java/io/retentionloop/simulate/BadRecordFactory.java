package io.retentionloop.simulate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Makes the broken records a real producer fleet sends: each one is derived from a valid event of
 * the same user at the same time, so it looks like that event gone wrong.
 */
final class BadRecordFactory {

    static final int OVERSIZED_BYTES = 1_100_000;
    static final long ABSURD_AMOUNT_CENTS = 5_000_000_00L;

    private static final long DAY_MILLIS = 86_400_000L;
    private static final byte[] PURCHASE = "purchase".getBytes(StandardCharsets.US_ASCII);
    private static final String[] UNKNOWN_TYPES = {"wishlist", "search", "share", "review"};

    private final EventJson json;
    private final String[] userIds;
    private final long startMillis;

    /** {@code startMillis} is the start of day 0, from which a record's day is found. */
    BadRecordFactory(EventJson json, String[] userIds, long startMillis) {
        this.json = json;
        this.userIds = userIds;
        this.startMillis = startMillis;
    }

    /** A bad record of this kind modelled on {@code template}, produced at the same time. */
    Pending.Bad make(BadKind kind, Pending.Valid template, int badSeq, SplittableRandom rng) {
        long time = template.timeMillis();
        return switch (kind) {
            case MALFORMED_JSON -> malformed(template, rng);
            case MISSING_FIELD -> missingField(template, badSeq, rng);
            case UNKNOWN_TYPE -> keyed(kind, template, unknownType(template, badSeq, rng));
            case NEGATIVE_AMOUNT ->
                    keyed(kind, template, purchase(template, badSeq, -(100 + rng.nextInt(9_900))));
            case ABSURD_AMOUNT ->
                    keyed(kind, template, purchase(template, badSeq, ABSURD_AMOUNT_CENTS));
            case FAR_FUTURE ->
                    keyed(kind, template, like(template, badSeq, farFuture(time, rng)).end());
            case OVERSIZED ->
                    keyed(
                            kind,
                            template,
                            like(template, badSeq, time).endPaddedTo(OVERSIZED_BYTES));
        };
    }

    private Pending.Bad malformed(Pending.Valid template, SplittableRandom rng) {
        byte[] whole = json.valid(template);
        // any strict prefix of a JSON object is invalid: at least the closing brace is missing
        byte[] cut = Arrays.copyOf(whole, 1 + rng.nextInt(whole.length - 1));
        return new Pending.Bad(template.timeMillis(), null, cut, BadKind.MALFORMED_JSON);
    }

    private Pending.Bad missingField(Pending.Valid template, int badSeq, SplittableRandom rng) {
        int user = template.user();
        int missing = rng.nextInt(3);
        json.begin();
        if (missing != 0) {
            json.eventId(user, "b", badSeq);
        }
        if (missing != 1) {
            json.userId(user);
        }
        json.type(template.type().jsonBytes());
        if (missing != 2) {
            json.eventTime(template.timeMillis());
        }
        if (template.type().monetary()) {
            json.amount(template.amountCents());
        }
        // a producer keys by the user id it put in the payload
        String key = missing == 1 ? null : userIds[user];
        return new Pending.Bad(template.timeMillis(), key, json.end(), BadKind.MISSING_FIELD);
    }

    /** At least 30 days after the end of the simulated day the record is produced on. */
    private long farFuture(long time, SplittableRandom rng) {
        long day = Math.floorDiv(time - startMillis, DAY_MILLIS);
        long dayEnd = startMillis + (day + 1) * DAY_MILLIS;
        return dayEnd + 30 * DAY_MILLIS + (long) (rng.nextDouble() * 335 * DAY_MILLIS);
    }

    private Pending.Bad keyed(BadKind kind, Pending.Valid template, byte[] payload) {
        return new Pending.Bad(template.timeMillis(), userIds[template.user()], payload, kind);
    }

    private byte[] unknownType(Pending.Valid template, int badSeq, SplittableRandom rng) {
        return json.begin()
                .eventId(template.user(), "b", badSeq)
                .userId(template.user())
                .type(UNKNOWN_TYPES[rng.nextInt(UNKNOWN_TYPES.length)])
                .eventTime(template.timeMillis())
                .end();
    }

    private byte[] purchase(Pending.Valid template, int badSeq, long cents) {
        return json.begin()
                .eventId(template.user(), "b", badSeq)
                .userId(template.user())
                .type(PURCHASE)
                .eventTime(template.timeMillis())
                .amount(cents)
                .end();
    }

    /** The template's fields under a fresh id, left open for the caller to finish. */
    private EventJson like(Pending.Valid template, int badSeq, long time) {
        json.begin()
                .eventId(template.user(), "b", badSeq)
                .userId(template.user())
                .type(template.type().jsonBytes())
                .eventTime(time);
        if (template.type().monetary()) {
            json.amount(template.amountCents());
        }
        return json;
    }
}
