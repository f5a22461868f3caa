package io.retentionloop.agent;

/**
 * One agent subtask's part of a day's budget. Each of the {@code p} subtasks may commit {@code
 * (budget − spentBefore) / p} of the day, where {@code spentBefore} is what all subtasks had
 * committed that day when the job was last (re)started. Kept as union operator state, so a restore
 * at any parallelism sums the day's spending and splits only what is left: the total never exceeds
 * the budget, whatever the rescaling.
 */
public class BudgetShare {
    private static final long DAY_MS = 86_400_000L;

    /** Epoch day (UTC) the amounts belong to. */
    public long day = Long.MIN_VALUE;

    /** Committed by all subtasks on {@link #day} before the last restore. */
    public double spentBefore;

    /** Committed by this subtask on {@link #day} since the last restore. */
    public double spent;

    /** Number of subtasks sharing the rest of the day. */
    public int parallelism = 1;

    public BudgetShare() {}

    /** This subtask's share after a (re)start with {@code parallelism} subtasks. */
    static BudgetShare restore(Iterable<BudgetShare> all, int parallelism) {
        long day = Long.MIN_VALUE;
        for (BudgetShare s : all) {
            day = Math.max(day, s.day);
        }
        BudgetShare share = new BudgetShare();
        share.parallelism = parallelism;
        share.day = day;
        double before = 0;
        double since = 0;
        for (BudgetShare s : all) {
            if (s.day == day) {
                before = Math.max(before, s.spentBefore); // the same in every entry of the day
                since += s.spent;
            }
        }
        share.spentBefore = before + since;
        return share;
    }

    private void roll(long now) {
        long d = Math.floorDiv(now, DAY_MS);
        if (d != day) {
            day = d;
            spent = 0;
            spentBefore = 0;
        }
    }

    /** What this subtask may still commit on the day of {@code now}. */
    public double remaining(long now, double dailyBudget) {
        roll(now);
        return Math.max(0, Math.max(0, dailyBudget - spentBefore) / parallelism - spent);
    }

    /** Commits {@code amount} if it fits; returns whether it did. */
    public boolean charge(long now, double amount, double dailyBudget) {
        if (amount <= 0) {
            return true;
        }
        if (amount > remaining(now, dailyBudget) + 1e-9) {
            return false;
        }
        spent += amount;
        return true;
    }
}
