package io.retentionloop.value.data;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** The transaction file layouts {@link TransactionReader} understands, named as on the CLI. */
public enum TransactionFormat {
    /**
     * {@code user_id,timestamp,amount} with that header (fields may be double-quoted, a UTF-8 byte
     * order mark is ignored); timestamp an ISO date ({@code 2025-01-03}: that day), an ISO
     * date-time with offset or {@code Z}, or a date-time without one ({@code 2025-01-03T10:15:00}
     * or {@code 2025-01-03 10:15:00}, in the reader's time zone).
     */
    CSV("csv", "user_id,timestamp,amount"),
    /**
     * The CDNOW 1/10 sample: no header, {@code master_id sample_id yyyymmdd cds dollars}. The
     * customer is the sample id (1..2,357, as in BTYD's {@code cdnowElog}); the master id is
     * one-to-one with it and equals the customer id in the master file.
     */
    CDNOW_SAMPLE("cdnow-sample", null),
    /** The full CDNOW file: a header line, then {@code customer_id yyyymmdd cds dollars}. */
    CDNOW_MASTER("cdnow-master", "customer_id date number_of_cds dollar_value");

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;

    private final String id;

    /** The header line, runs of whitespace as one space; null if the format has none. */
    private final String header;

    TransactionFormat(String id, String header) {
        this.id = id;
        this.header = header;
    }

    /** The name used on the command line, e.g. {@code cdnow-sample}. */
    public String id() {
        return id;
    }

    /** The format named {@code id} (as returned by {@link #id()}). */
    public static TransactionFormat fromId(String id) {
        return Arrays.stream(values())
                .filter(f -> f.id.equals(id))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown transaction format '"
                                                + id
                                                + "'; expected one of "
                                                + Arrays.stream(values())
                                                        .map(TransactionFormat::id)
                                                        .toList()));
    }

    boolean hasHeader() {
        return header != null;
    }

    /** Checks the header line; throws with the reason if it is not the expected one. */
    void checkHeader(String line) {
        String seen =
                this == CSV
                        ? String.join(",", csvFields(line).stream().map(String::strip).toList())
                        : line.strip();
        if (!WHITESPACE.matcher(seen).replaceAll(" ").equals(header)) {
            throw new IllegalArgumentException(
                    "expected header '" + header + "', found '" + visible(line) + "'");
        }
    }

    /** {@code text} with control and invisible characters written as {@code \\uXXXX}. */
    static String visible(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints()
                .forEach(
                        c -> {
                            if (c < 0x20 || c == 0x7f || c == 0xfeff || c == 0x200b || c == 0xa0) {
                                b.append(String.format("\\u%04x", c));
                            } else {
                                b.appendCodePoint(c);
                            }
                        });
        return b.toString();
    }

    /** Parses one data line; throws {@link IllegalArgumentException} saying what is wrong. */
    Transaction parse(String line, ZoneId zone) {
        return switch (this) {
            case CSV -> {
                String[] f = fields(csvFields(line).toArray(String[]::new), 3);
                yield transaction(f[0], timestamp(f[1], zone), f[2]);
            }
            case CDNOW_SAMPLE -> {
                String[] f = fields(WHITESPACE.split(line.strip()), 5);
                yield transaction(f[1], day(f[2]), f[4]);
            }
            case CDNOW_MASTER -> {
                String[] f = fields(WHITESPACE.split(line.strip()), 4);
                yield transaction(f[0], day(f[1]), f[3]);
            }
        };
    }

    /**
     * The comma-separated fields of a CSV line (RFC 4180 within a line): a field in double quotes
     * may hold commas, and {@code ""} in it is one quote.
     */
    static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quoted field is not closed");
        }
        out.add(field.toString());
        return out;
    }

    private static String[] fields(String[] fields, int expected) {
        if (fields.length != expected) {
            throw new IllegalArgumentException(
                    "expected " + expected + " fields, found " + fields.length);
        }
        return fields;
    }

    private static Transaction transaction(String user, long timestamp, String amount) {
        String id = user.strip();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("empty user id");
        }
        double value;
        try {
            value = Double.parseDouble(amount.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amount '" + amount.strip() + "' is not a number");
        }
        // Refunds are not purchases, and a negative spend would break the Gamma-Gamma model.
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(
                    "amount " + amount.strip() + " is not a finite non-negative number");
        }
        return new Transaction(id, timestamp, value);
    }

    private static long day(String yyyymmdd) {
        try {
            return utcMidnight(LocalDate.parse(yyyymmdd, YYYYMMDD));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("date '" + yyyymmdd + "' is not yyyymmdd");
        }
    }

    private static long timestamp(String text, ZoneId zone) {
        String s = text.strip();
        try {
            if (s.length() == 10) {
                // a date is that day, as days are counted (UTC), whatever the zone
                return utcMidnight(LocalDate.parse(s));
            }
            String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.replaceFirst(" ", "T") : s;
            TemporalAccessor t =
                    DateTimeFormatter.ISO_DATE_TIME.parseBest(
                            iso, ZonedDateTime::from, LocalDateTime::from);
            ZonedDateTime at = t instanceof ZonedDateTime z ? z : ((LocalDateTime) t).atZone(zone);
            return at.toInstant().toEpochMilli();
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException(
                    "timestamp '"
                            + s
                            + "' is not an ISO date (2025-01-03) or date-time (2025-01-03T10:15:00,"
                            + " with an offset or Z, or in --timezone)");
        }
    }

    private static long utcMidnight(LocalDate date) {
        return date.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
