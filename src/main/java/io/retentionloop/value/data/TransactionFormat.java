package io.retentionloop.value.data;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** The transaction file layouts {@link TransactionReader} understands, named as on the CLI. */
public enum TransactionFormat {
    /**
     * {@code user_id,timestamp,amount} with that header; timestamp an ISO date ({@code 2025-01-03},
     * taken as UTC midnight) or an ISO date-time with offset or {@code Z}. No quoting.
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
        if (!WHITESPACE.matcher(line.strip()).replaceAll(" ").equals(header)) {
            throw new IllegalArgumentException("expected header '" + header + "'");
        }
    }

    /** Parses one data line; throws {@link IllegalArgumentException} saying what is wrong. */
    Transaction parse(String line) {
        return switch (this) {
            case CSV -> {
                String[] f = fields(line.split(",", -1), 3);
                yield transaction(f[0], timestamp(f[1]), f[2]);
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

    private static long timestamp(String text) {
        String s = text.strip();
        try {
            if (s.length() == 10) {
                return utcMidnight(LocalDate.parse(s));
            }
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "timestamp '"
                            + s
                            + "' is neither an ISO date (2025-01-03) nor an ISO date-time with"
                            + " offset (2025-01-03T10:15:00Z)");
        }
    }

    private static long utcMidnight(LocalDate date) {
        return date.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
