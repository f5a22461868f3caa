package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BudgetShareTest {
    static final long DAY = 86_400_000L;
    static final long T = 20_000 * DAY + 3_600_000;

    /** Spends greedily on every share; returns the day's total. */
    static double spendAll(List<BudgetShare> shares, double budget, SplittableRandom rnd) {
        double total = 0;
        for (int i = 0; i < 2000; i++) {
            BudgetShare s = shares.get(rnd.nextInt(shares.size()));
            double amount = rnd.nextDouble(0.1, 7);
            if (s.charge(T, amount, budget)) {
                total += amount;
            }
        }
        return total;
    }

    static List<BudgetShare> restore(List<BudgetShare> before, int parallelism) {
        List<BudgetShare> after = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            after.add(BudgetShare.restore(before, parallelism));
        }
        return after;
    }

    @Test
    void theDailyBudgetHoldsAcrossRescalingUpAndDown() {
        SplittableRandom rnd = new SplittableRandom(1);
        double budget = 1000;
        List<BudgetShare> two = restore(List.of(), 2);
        double spent = 0;
        // spend part of the day at parallelism 2
        for (int i = 0; i < 60; i++) {
            BudgetShare s = two.get(i % 2);
            if (s.charge(T, 5, budget)) {
                spent += 5;
            }
        }
        assertThat(spent).isEqualTo(300);
        // rescale to 5 mid-day: only what is left is split
        List<BudgetShare> five = restore(two, 5);
        spent += spendAll(five, budget, rnd);
        assertThat(spent).isLessThanOrEqualTo(budget + 1e-9).isGreaterThan(budget - 40);
        // and down to 1: nothing more than the budget either
        List<BudgetShare> one = restore(five, 1);
        spent += spendAll(one, budget, rnd);
        assertThat(spent).isLessThanOrEqualTo(budget + 1e-9);
    }

    @Test
    void aNewDayStartsAFreshBudget() {
        BudgetShare s = BudgetShare.restore(List.of(), 1);
        assertThat(s.charge(T, 900, 1000)).isTrue();
        assertThat(s.charge(T, 200, 1000)).isFalse();
        assertThat(s.remaining(T + DAY, 1000)).isEqualTo(1000);
        List<BudgetShare> restored = restore(List.of(s), 3);
        assertThat(restored.get(0).remaining(T + DAY, 1000))
                .isCloseTo(1000 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    }
}
