package io.retentionloop.value.data;

import java.time.LocalDate;
import java.util.Collection;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One customer under the BTYD calibration/holdout protocol (Fader, Hardie &amp; Lee 2005): the
 * calibration summary (x, t_x, T in weeks, spend) and the holdout labels. Purchases on the same UTC
 * day are merged into one transaction whose spend is their sum.
 *
 * @param userId the customer
 * @param repeatPurchaseDays x: distinct purchase days after the first, up to the calibration end
 * @param purchaseSpanWeeks t_x: weeks from the first to the last calibration purchase day
 * @param customerAgeWeeks T: weeks from the first purchase day to the calibration end day
 * @param firstDaySpend spend on the first purchase day
 * @param meanRepeatSpend mean spend per repeat purchase day in calibration (the Gamma-Gamma
 *     m&#772;<sub>x</sub>; the first day is left out, as in lifetimes and BTYD); 0 when x = 0
 * @param holdoutPurchaseDays distinct purchase days in (calibration end, holdout end]
 * @param holdoutSpend spend in (calibration end, holdout end]
 */
public record CustomerSummary(
        String userId,
        int repeatPurchaseDays,
        double purchaseSpanWeeks,
        double customerAgeWeeks,
        double firstDaySpend,
        double meanRepeatSpend,
        int holdoutPurchaseDays,
        double holdoutSpend) {

    /** Days per BTYD time unit: all durations here are in weeks. */
    public static final double DAYS_PER_WEEK = 7.0;

    /**
     * Summarizes one customer's purchases (any order, other customers' purchases not allowed);
     * empty if the customer's first purchase is after {@code calibrationEnd}. Both ends are
     * inclusive UTC days; purchases after {@code holdoutEnd} are ignored.
     *
     * <p>T is measured from the first purchase day to the calibration end day itself, not to the
     * end of that day: this is the convention behind the published CDNOW figures (BTYD's {@code
     * T.cal}). Counting the last day in full (T + 1/7) moves the BG/NBD fit to r 0.2417, α 4.394, a
     * 0.814, b 2.477 and the holdout forecast from 1,653 to 1,631.
     */
    public static Optional<CustomerSummary> of(
            String userId,
            Collection<Transaction> purchases,
            LocalDate calibrationEnd,
            LocalDate holdoutEnd) {
        SortedMap<Long, Double> spendByDay = new TreeMap<>();
        for (Transaction t : purchases) {
            if (!t.userId().equals(userId)) {
                throw new IllegalArgumentException(
                        "purchase of " + t.userId() + " in the history of " + userId);
            }
            spendByDay.merge(t.epochDay(), t.amount(), Double::sum);
        }
        long calEnd = calibrationEnd.toEpochDay();
        long holdEnd = holdoutEnd.toEpochDay();
        if (spendByDay.isEmpty() || spendByDay.firstKey() > calEnd) {
            return Optional.empty();
        }
        long first = spendByDay.firstKey();
        SortedMap<Long, Double> calibration = spendByDay.headMap(calEnd + 1);
        SortedMap<Long, Double> holdout = spendByDay.subMap(calEnd + 1, holdEnd + 1);
        int repeats = calibration.size() - 1;
        double repeatSpend = sum(spendByDay.subMap(first + 1, calEnd + 1).values());
        return Optional.of(
                new CustomerSummary(
                        userId,
                        repeats,
                        (calibration.lastKey() - first) / DAYS_PER_WEEK,
                        (calEnd - first) / DAYS_PER_WEEK,
                        calibration.get(first),
                        repeats > 0 ? repeatSpend / repeats : 0,
                        holdout.size(),
                        sum(holdout.values())));
    }

    /** Length of the period (from, to] in weeks, e.g. the holdout horizon to forecast over. */
    public static double weeksBetween(LocalDate from, LocalDate to) {
        return (to.toEpochDay() - from.toEpochDay()) / DAYS_PER_WEEK;
    }

    /**
     * The customer's typical calibration spend per purchase day: the mean repeat spend, or the
     * first day's spend for one-time buyers (who have no repeat spend). Expected transactions times
     * this is the spend forecast behind the published CDNOW ranking anchors (Spearman 0.414,
     * normalized Gini 0.658, total 58,549).
     */
    public double meanCalibrationSpend() {
        return repeatPurchaseDays > 0 ? meanRepeatSpend : firstDaySpend;
    }

    private static double sum(Collection<Double> values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }
}
