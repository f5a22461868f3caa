package io.retentionloop.value.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, format, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * As {@link #read(Path, TransactionFormat)}, from a reader; {@code source} names it in errors.
     */
    public static List<Transaction> read(BufferedReader in, TransactionFormat format, String source)
            throws IOException {
        List<Transaction> out = new ArrayList<>();
        int lineNumber = 0;
        boolean headerSeen = !format.hasHeader();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                if (headerSeen) {
                    out.add(format.parse(line));
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
                                + line.strip()
                                + "')",
                        e);
            }
        }
        return out;
    }
}
