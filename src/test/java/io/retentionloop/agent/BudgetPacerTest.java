package io.retentionloop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetPacerTest {
    static final long DAY = 86_400_000L;
    static final long T = 20_090 * DAY;
    static final boolean[] ALL = {true, true, true};
    static final ActionSelector GREEDY = new ActionSelector(0, 0.001);

    /**
     * Two kinds of users, both gaining 5 from action 1 over none (action 0): cheap ones (cost 1)
     * and dear ones (cost 10). Action 2 gains nothing and costs 3.
     */
    static void day(BudgetPacer p, long t, int cheap, int dear, double target, ActionSelector s) {
        for (int i = 0; i < cheap + dear; i++) {
            double cost = i % (cheap + dear) < cheap ? 1 : 10;
            p.observe(t, new double[] {0, 5, 0}, ALL, new double[] {0, cost, 3}, 500, target, s);
        }
    }

    static int choice(BudgetPacer p, double cost) {
        double[] q = p.priced(new double[] {0, 5, 0}, new double[] {0, cost, 3});
        int best = 0;
        for (int a = 1; a < q.length; a++) {
            if (q[a] > q[best]) {
                best = a;
            }
        }
        return best;
    }

    @Test
    void withBudgetToSpareThePriceStaysZero() {
        BudgetPacer p = new BudgetPacer();
        day(p, T, 100, 100, 1_100, GREEDY); // demand 100 + 1000
        day(p, T + 7 * DAY, 100, 100, 1_100, GREEDY);
        assertThat(p.price).isZero();
        assertThat(choice(p, 10)).isEqualTo(1);
    }

    @Test
    void aShortBudgetIsPricedSoItGoesToTheCheapestGainsFirst() {
        BudgetPacer p = new BudgetPacer();
        day(p, T, 100, 100, 300, GREEDY);
        assertThat(p.price).as("no price before a whole day was seen").isZero();
        day(p, T + 7 * DAY, 100, 100, 300, GREEDY);
        // 300 buys the 100 cheap users (gain/cost 5) but not the dear ones (gain/cost 0.5): the
        // lowest price that keeps the dear ones out is just above 0.5
        assertThat(p.price).isBetween(0.5, 0.51);
        assertThat(choice(p, 1)).isEqualTo(1);
        assertThat(choice(p, 10)).isEqualTo(0);
        assertThat(p.expectedSpend(p.price, GREEDY)).isLessThanOrEqualTo(300);
    }

    /** Two days of 2000 decisions (500 sampled), one in ten cheap (cost 1), the rest cost 10. */
    static BudgetPacer twoExploringDays(double target, ActionSelector s) {
        BudgetPacer p = new BudgetPacer();
        for (long d = 0; d < 2; d++) {
            for (int i = 0; i < 2000; i++) {
                double cost = i % 10 == 0 ? 1 : 10;
                p.observe(
                        T + d * DAY,
                        new double[] {0, 5, 0},
                        ALL,
                        new double[] {0, cost, 3},
                        500,
                        target,
                        s);
            }
        }
        return p;
    }

    @Test
    void explorationSpendIsCountedAndASampleStandsForTheWholeDay() {
        ActionSelector eps = new ActionSelector(0.3, 0.01);
        // at any price each explored action gets 0.1: the dear users' exploration alone
        // expects 1800 × 0.1 × (10 + 3) = 2340 > 2000, so even the price that keeps every greedy
        // choice at none cannot meet the target
        assertThat(twoExploringDays(2_000, eps).price).isGreaterThan(1e5);
        // exploration ~2340 + the cheap users' greedy sends ~200 × 0.8 fit into 4000: only the
        // dear users' greedy sends must go, at a price just above 0.5
        BudgetPacer q = twoExploringDays(4_000, eps);
        assertThat(q.price).isBetween(0.5, 0.52);
        assertThat(q.expectedSpend(q.price, eps)).isBetween(2_300.0, 4_000.0);
    }

    @Test
    void aRestoreKeepsTheLatestPriceAndDoesNotRepriceFromAPartialDay() {
        BudgetPacer p = new BudgetPacer();
        day(p, T, 100, 100, 300, GREEDY);
        day(p, T + 7 * DAY, 100, 100, 300, GREEDY);
        double price = p.price;
        BudgetPacer stale = new BudgetPacer();
        stale.day = p.day - 7;
        stale.price = 99;
        BudgetPacer restored = BudgetPacer.restore(List.of(stale, p));
        assertThat(restored.price).isEqualTo(price);
        assertThat(restored.day).isEqualTo(p.day);
        // the rest of the restore day alone says the budget is plenty; it must not count
        day(restored, T + 7 * DAY, 10, 0, 300, GREEDY);
        day(restored, T + 14 * DAY, 10, 0, 300, GREEDY);
        assertThat(restored.price).isEqualTo(price);
        // a whole day after that does
        day(restored, T + 21 * DAY, 10, 0, 300, GREEDY);
        assertThat(restored.price).isZero();
    }

    @Test
    void duringTheDayThePriceFollowsAPolicyThatChanged() {
        BudgetPacer p = new BudgetPacer();
        double[] costs = {0, 1, 3};
        double[] dearCosts = {0, 10, 3};
        // day 1: the dear half's gain of 5 is not worth its cost of 10 at the budget of 600
        for (int i = 0; i < 1024; i++) {
            p.observe(
                    T,
                    new double[] {0, 5, 0},
                    ALL,
                    i % 2 == 0 ? costs : dearCosts,
                    4096,
                    600,
                    GREEDY);
        }
        BudgetPacer q = p;
        // day 2 starts at day 1's price
        q.observe(T + DAY, new double[] {0, 5, 0}, ALL, costs, 4096, 600, GREEDY);
        assertThat(q.price).isBetween(0.5, 0.51);
        // then the policy says the dear half gains 50: at 0.5 all of them would be sent, 10 × 512
        // over the 600; the re-solve after 512 decisions prices them out again
        for (int i = 1; i < BudgetPacer.RESOLVE_EVERY; i++) {
            q.observe(
                    T + DAY,
                    new double[] {0, i % 2 == 0 ? 5 : 50, 0},
                    ALL,
                    i % 2 == 0 ? costs : dearCosts,
                    4096,
                    600,
                    GREEDY);
        }
        assertThat(q.price).isBetween(5.0, 5.1);
    }
}
