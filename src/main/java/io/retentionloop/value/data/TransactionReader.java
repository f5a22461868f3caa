package io.retentionloop.value.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Reads a file of historical purchases in one of the {@link TransactionFormat}s. */
public final class TransactionReader {
    private TransactionReader() {}

    /**
     * All transactions of {@code file}, in file order. A malformed line fails the whole read with
     * an {@link IllegalArgumentException} naming the file, the line number and the reason: an
     * evaluation on silently skipped rows would not be comparable with published figures.
     */
    public static List<Transaction> read(Path file, TransactionFormat format) {
        return read(file, format, ZoneOffset.UTC);
    }

    /**
     * As {@link #read(Path, TransactionFormat)}, dates and date-times without an offset taken in
     * {@code zone}. An empty file (no transactions) is an error.
     */
    public static List<Transaction> read(Path file, TransactionFormat format, ZoneId zone) {
        List<Transaction> out;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            out = read(in, format, zone, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no transactions");
        }
        return out;
    }

    /**
     * As {@link #read(Path, TransactionFormat, ZoneId)}, from a reader; {@code source} names it in
     * errors.
     */
    public static List<Transaction> read(
            BufferedReader in, TransactionFormat format, ZoneId zone, String source)
            throws IOException {
        List<Transaction> out = new ArrayList<>();
        int lineNumber = 0;
        boolean headerSeen = !format.hasHeader();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte order mark, as spreadsheet exports write
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                if (headerSeen) {
                    out.add(format.parse(line, zone));
                } else {
                    format.checkHeader(line);
                    headerSeen = true;
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        source
                                + ":"
                                + lineNumber
                                + ": "
                                + e.getMessage()
                                + " ("
                                + format.id()
                                + " line: '"
                                + TransactionFormat.visible(line.strip())
                                + "')",
                        e);
            }
        }
        return out;
    }
}
