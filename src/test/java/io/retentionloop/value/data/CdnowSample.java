package io.retentionloop.value.data;

import io.retentionloop.value.eval.Protocols;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/** The CDNOW 1/10 sample under the standard BTYD protocol, read once per test JVM. */
public final class CdnowSample {
    /** Maven runs tests in the project root; the shared data sits beside it. */
    public static final Path FILE = Path.of("../shared/data/cdnow/CDNOW_sample.txt");

    public static final Path MASTER = Path.of("../shared/data/cdnow/CDNOW_master.txt");
    public static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);
    public static final LocalDate HOLDOUT_END = LocalDate.of(1998, 6, 30);

    /** Weeks 40-78: the forecast horizon of the published figures. */
    public static final double HOLDOUT_WEEKS = 39;

    private static List<Transaction> transactions;
    private static List<CustomerSummary> summaries;

    private CdnowSample() {}

    public static synchronized List<Transaction> transactions() {
        if (transactions == null) {
            transactions = TransactionReader.read(FILE, TransactionFormat.CDNOW_SAMPLE);
        }
        return transactions;
    }

    /** The 2,357 customers' summaries, in file order. */
    public static synchronized List<CustomerSummary> summaries() {
        if (summaries == null) {
            summaries =
                    List.copyOf(Protocols.temporal(transactions(), CALIBRATION_END, HOLDOUT_END));
        }
        return summaries;
    }
}
