package io.retentionloop.agent;

/**
 * What has been committed of one (event-time, UTC) day's budget. Actions are charged their expected
 * cost at the decision (the revenue share is only known when the reward matures, so the hard cap is
 * on expected cost). A Flink POJO; how the daily limit is split between parallel instances is the
 * operator's business (e.g. {@code limit / parallelism} each).
 */
public class DailyBudget {

    private static final long DAY_MS = 86_400_000L;

    /** The day (epoch day, UTC) {@link #spent} belongs to. */
    public long day = Long.MIN_VALUE;

    /** Expected cost committed on {@link #day}. */
    public double spent;

    public DailyBudget() {}

    /** What is left of {@code limit} on the day of {@code now}. */
    public double remaining(long now, double limit) {
        return Math.max(0, limit - (Math.floorDiv(now, DAY_MS) == day ? spent : 0));
    }

    /**
     * Charges {@code amount} to the day of {@code now} if it fits in {@code limit}; returns whether
     * it did (nothing is charged otherwise).
     */
    public boolean charge(long now, double amount, double limit) {
        long d = Math.floorDiv(now, DAY_MS);
        if (d != day) {
            day = d;
            spent = 0;
        }
        if (amount > 0 && spent + amount > limit) {
            return false;
        }
        spent += Math.max(0, amount);
        return true;
    }
}
