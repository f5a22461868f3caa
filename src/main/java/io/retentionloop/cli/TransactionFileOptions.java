package io.retentionloop.cli;

import io.retentionloop.value.data.Transaction;
import io.retentionloop.value.data.TransactionFormat;
import io.retentionloop.value.data.TransactionReader;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import picocli.CommandLine.Option;

/** How a transactions file is read ({@code --format}, {@code --timezone}), with its rules. */
final class TransactionFileOptions {
    @Option(
            names = "--format",
            defaultValue = "csv",
            description = {
                "csv, cdnow-sample or cdnow-master (default ${DEFAULT-VALUE}).",
                "csv: a header line user_id,timestamp,amount, then one purchase a line. Fields"
                        + " may be double-quoted (\"\" in one is a quote); a UTF-8 byte order mark"
                        + " is ignored. timestamp: an ISO date (2025-01-03: that day), a date-time"
                        + " with an offset or Z (2025-01-03T10:15:00Z), or one without"
                        + " (2025-01-03T10:15:00 or 2025-01-03 10:15:00) in --timezone. amount: a"
                        + " number >= 0 (refunds are not purchases). A user's purchases on one UTC"
                        + " day count as one, their amounts added. Blank lines are skipped; any"
                        + " other bad line stops the read and names the line."
            })
    String format;

    @Option(
            names = "--timezone",
            defaultValue = "UTC",
            paramLabel = "ZONE",
            description =
                    "Time zone of csv dates and date-times without an offset, e.g."
                            + " America/New_York (default ${DEFAULT-VALUE}).")
    ZoneId timezone;

    /** Every transaction of {@code file}. */
    List<Transaction> read(Path file) {
        return TransactionReader.read(file, TransactionFormat.fromId(format), timezone);
    }
}
