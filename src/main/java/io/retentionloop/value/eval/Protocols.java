package io.retentionloop.value.eval;

import io.retentionloop.value.data.CustomerSummary;
import io.retentionloop.value.data.Transaction;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The two evaluation protocols: forecast the same customers' future, or unseen customers'. */
public final class Protocols {
    /** Share of customers the cross-sectional protocol holds out for testing. */
    public static final double TEST_FRACTION = 0.2;

    private Protocols() {}

    /** Customers for fitting and customers for testing, disjoint. */
    public record Split(List<CustomerSummary> train, List<CustomerSummary> test) {}

    /**
     * The BTYD protocol: one {@link CustomerSummary} (calibration through {@code calibrationEnd},
     * holdout labels through {@code holdoutEnd}, both inclusive UTC days) for every customer whose
     * first purchase is on or before {@code calibrationEnd}, in order of first appearance in {@code
     * transactions}.
     */
    public static List<CustomerSummary> temporal(
            List<Transaction> transactions, LocalDate calibrationEnd, LocalDate holdoutEnd) {
        if (!holdoutEnd.isAfter(calibrationEnd)) {
            throw new IllegalArgumentException(
                    "holdout end "
                            + holdoutEnd
                            + " is not after calibration end "
                            + calibrationEnd);
        }
        Map<String, List<Transaction>> byUser = new LinkedHashMap<>();
        for (Transaction t : transactions) {
            byUser.computeIfAbsent(t.userId(), u -> new ArrayList<>()).add(t);
        }
        List<CustomerSummary> out = new ArrayList<>();
        byUser.forEach(
                (user, purchases) ->
                        CustomerSummary.of(user, purchases, calibrationEnd, holdoutEnd)
                                .ifPresent(out::add));
        return out;
    }

    /**
     * The ZILN paper's protocol: the {@link #temporal} summaries, with customers split at random
     * into train (about 80%) and test (about 20%). Membership depends only on the customer id and
     * the seed (a hash of both), so it is the same on every run and machine, whatever the input
     * order, and a customer never changes side when others are added.
     */
    public static Split crossSectional(
            List<Transaction> transactions,
            LocalDate calibrationEnd,
            LocalDate holdoutEnd,
            long seed) {
        List<CustomerSummary> train = new ArrayList<>();
        List<CustomerSummary> test = new ArrayList<>();
        for (CustomerSummary c : temporal(transactions, calibrationEnd, holdoutEnd)) {
            (isTest(c.userId(), seed) ? test : train).add(c);
        }
        return new Split(train, test);
    }

    /** Whether the cross-sectional protocol puts {@code userId} in the test set under this seed. */
    public static boolean isTest(String userId, long seed) {
        // String.hashCode is fixed by the Java spec, so the split is the same on every JVM.
        long h = mix(userId.hashCode() ^ mix(seed));
        return (h >>> 11) * 0x1.0p-53 < TEST_FRACTION;
    }

    /** The SplitMix64 finalizer: spreads every input bit over the whole word. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
