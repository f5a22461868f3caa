package io.retentionloop.simulate;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Writes events in the JSON contract the job parses, straight into ASCII bytes: this is the hot
 * path of the simulator, so no Jackson and no intermediate strings, and keys and user ids are
 * encoded once. Fields are added in call order; every value written is ASCII by construction, so
 * nothing needs escaping. Not thread-safe.
 */
final class EventJson {

    private static final long DAY_MILLIS = 86_400_000L;

    private static final byte[] EVENT_ID = ascii("\"event_id\":\"e-");
    private static final byte[] USER_ID = ascii("\"user_id\":\"");
    private static final byte[] TYPE = ascii("\"type\":\"");
    private static final byte[] EVENT_TIME = ascii("\"event_time\":\"");
    private static final byte[] AMOUNT = ascii("\"amount\":");
    private static final byte[] CURRENCY = ascii("\"currency\":\"");
    private static final byte[] SESSION_ID = ascii("\"session_id\":\"s-");
    private static final byte[] NOTES = ascii("\"notes\":\"");

    /** User ids ({@code u000042}) and numbers ({@code 42}) by user index. */
    private final byte[][] userIds;

    private final byte[][] userNumbers;
    private final byte[] currency;
    private byte[] buf = new byte[512];
    private int pos;
    private boolean firstField;
    private long cachedEpochDay = Long.MIN_VALUE;
    private byte[] cachedDate;

    /** Writes user ids from {@code userIds} by index, and {@code currency} on every amount. */
    EventJson(String[] userIds, String currency) {
        this.userIds = new byte[userIds.length][];
        this.userNumbers = new byte[userIds.length][];
        for (int i = 0; i < userIds.length; i++) {
            this.userIds[i] = ascii(userIds[i]);
            this.userNumbers[i] = ascii(Integer.toString(i + 1));
        }
        this.currency = ascii(currency);
    }

    /** The contract form of a valid event. */
    byte[] valid(Pending.Valid e) {
        begin().eventId(e.user(), "", e.seq()).userId(e.user()).type(e.type().jsonBytes());
        eventTime(e.timeMillis());
        if (e.type().monetary()) {
            amount(e.amountCents());
        }
        if (e.session() >= 0) {
            sessionId(e.user(), e.session());
        }
        return end();
    }

    EventJson begin() {
        pos = 0;
        firstField = true;
        put((byte) '{');
        return this;
    }

    /** {@code "event_id":"e-<user number>-<tag><seq>"}; the tag keeps bad ids apart. */
    EventJson eventId(int user, String tag, int seq) {
        key(EVENT_ID);
        bytes(userNumbers[user]);
        put((byte) '-');
        text(tag);
        number(seq);
        put((byte) '"');
        return this;
    }

    EventJson userId(int user) {
        key(USER_ID);
        bytes(userIds[user]);
        put((byte) '"');
        return this;
    }

    /** {@code "type":"<type>"}; {@code type} must be ASCII. */
    EventJson type(byte[] type) {
        key(TYPE);
        bytes(type);
        put((byte) '"');
        return this;
    }

    /** {@code "type":"<type>"}, for types the world does not have. */
    EventJson type(String type) {
        return type(ascii(type));
    }

    /** ISO-8601 UTC, always with milliseconds: {@code 2025-01-03T10:15:30.123Z}. */
    EventJson eventTime(long epochMillis) {
        key(EVENT_TIME);
        long epochDay = Math.floorDiv(epochMillis, DAY_MILLIS);
        int msOfDay = (int) Math.floorMod(epochMillis, DAY_MILLIS);
        if (epochDay != cachedEpochDay) {
            cachedEpochDay = epochDay;
            cachedDate = ascii(LocalDate.ofEpochDay(epochDay).toString());
        }
        bytes(cachedDate);
        ensure(15);
        buf[pos++] = 'T';
        twoDigits(msOfDay / 3_600_000);
        buf[pos++] = ':';
        twoDigits(msOfDay / 60_000 % 60);
        buf[pos++] = ':';
        twoDigits(msOfDay / 1000 % 60);
        buf[pos++] = '.';
        int millis = msOfDay % 1000;
        buf[pos++] = (byte) ('0' + millis / 100);
        twoDigits(millis % 100);
        buf[pos++] = 'Z';
        buf[pos++] = '"';
        return this;
    }

    /** {@code "amount":25.50,"currency":"USD"}; negative amounts are written as such. */
    EventJson amount(long cents) {
        key(AMOUNT);
        if (cents < 0) {
            put((byte) '-');
            cents = -cents;
        }
        number(cents / 100);
        ensure(3);
        buf[pos++] = '.';
        twoDigits((int) (cents % 100));
        key(CURRENCY);
        bytes(currency);
        put((byte) '"');
        return this;
    }

    EventJson sessionId(int user, int session) {
        key(SESSION_ID);
        bytes(userNumbers[user]);
        put((byte) '-');
        number(session);
        put((byte) '"');
        return this;
    }

    /** Closes the object with a {@code notes} string that makes the record exactly this long. */
    byte[] endPaddedTo(int totalBytes) {
        key(NOTES);
        int padding = totalBytes - pos - 2; // the closing quote and brace
        if (padding < 0) {
            throw new IllegalArgumentException("record is already longer than " + totalBytes);
        }
        ensure(padding);
        Arrays.fill(buf, pos, pos + padding, (byte) 'x');
        pos += padding;
        put((byte) '"');
        return end();
    }

    byte[] end() {
        put((byte) '}');
        return Arrays.copyOf(buf, pos);
    }

    /** Writes a key given as its quoted name, colon and any opening of the value. */
    private void key(byte[] quotedKey) {
        if (!firstField) {
            put((byte) ',');
        }
        firstField = false;
        bytes(quotedKey);
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void text(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    private void number(long v) {
        int digits = 1;
        for (long x = v / 10; x > 0; x /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = pos + digits - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        pos += digits;
    }

    private void twoDigits(int v) {
        ensure(2);
        buf[pos++] = (byte) ('0' + v / 10);
        buf[pos++] = (byte) ('0' + v % 10);
    }

    private void put(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
