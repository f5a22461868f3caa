package io.retentionloop.value.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void maeAndRmse() {
        // errors -1, 0, -2: MAE = 3 / 3 = 1; RMSE = sqrt((1 + 0 + 4) / 3) = sqrt(5/3)
        double[] predicted = {1, 2, 3};
        double[] actual = {2, 2, 5};

        assertThat(Metrics.mae(predicted, actual)).isEqualTo(1);
        assertThat(Metrics.rmse(predicted, actual)).isCloseTo(Math.sqrt(5.0 / 3), within(EPS));
    }

    @Test
    void spearmanUsesAverageRanksForTies() {
        // ranks u = 1 2 3 4 5; v = 5 6 7 8 7 -> 1 2 3.5 5 3.5; both means 3
        // deviations u: -2 -1 0 1 2; v: -2 -1 0.5 2 0.5
        // cov = 4 + 1 + 0 + 2 + 1 = 8; var u = 10; var v = 4 + 1 + .25 + 4 + .25 = 9.5
        // rho = 8 / sqrt(95) = 0.8207826...
        double[] u = {1, 2, 3, 4, 5};
        double[] v = {5, 6, 7, 8, 7};

        assertThat(Metrics.spearman(u, v)).isCloseTo(8 / Math.sqrt(95), within(EPS));
        assertThat(Metrics.spearman(u, new double[] {50, 40, 30, 20, 10}))
                .isCloseTo(-1, within(EPS));
        assertThat(Metrics.averageRanks(v)).containsExactly(1, 2, 3.5, 5, 3.5);
    }

    @Test
    void normalizedGiniComparesTheGainCurveWithThePerfectOne() {
        // actual 0 10 0 30, S = 40, n = 4; G = (2/n) sum C_k - (n+1)/n = sum C_k / 2 - 1.25
        double[] actual = {0, 10, 0, 30};
        // perfect order 30 10 0 0: C = .75 1 1 1, sum 3.75, G = 0.625 (= sum|yi-yj| / (2 n^2 mean)
        // = 200 / 320)
        // by {.2 .9 .1 .5}: order 10 30 0 0, C = .25 1 1 1, sum 3.25, G = 0.375 -> 0.375/0.625 =
        // 0.6
        assertThat(Metrics.normalizedGini(new double[] {.2, .9, .1, .5}, actual))
                .isCloseTo(0.6, within(EPS));
        // by {.9 .3 .2 .1}: order 0 10 0 30, C = 0 .25 .25 1, sum 1.5,
        // G = -0.5 -> -0.8
        assertThat(Metrics.normalizedGini(new double[] {.9, .3, .2, .1}, actual))
                .isCloseTo(-0.8, within(EPS));
        // ties {1, 3} and {0, 2} share means 20 and 0: C = .5 1 1 1, sum 3.5, G = 0.5 -> 0.8
        assertThat(Metrics.normalizedGini(new double[] {0, 1, 0, 1}, actual))
                .isCloseTo(0.8, within(EPS));
        assertThat(Metrics.normalizedGini(actual, actual)).isCloseTo(1, within(EPS));
    }

    @Test
    void decileMapeComparesGroupMeans() {
        // 20 customers, predictions 1..20 given in reverse: deciles {1,2}, {3,4}, ..., {19,20}.
        // actual = prediction except the lowest decile (3, 3: mean 3 vs 1.5 -> 0.5) and the
        // highest (39, 39: mean 39 vs 19.5 -> 0.5); MAPE = (0.5 + 0.5) / 10 = 0.1
        double[] predicted = new double[20];
        double[] actual = new double[20];
        for (int i = 0; i < 20; i++) {
            predicted[i] = 20 - i;
            actual[i] = predicted[i];
        }
        actual[19] = 3; // prediction 1
        actual[18] = 3; // prediction 2
        actual[1] = 39; // prediction 19
        actual[0] = 39; // prediction 20

        assertThat(Metrics.decileMape(predicted, actual)).isCloseTo(0.1, within(EPS));
    }

    @Test
    void decileMapeSplitsUnevenCountsIntoGroupsDifferingByOne() {
        // n = 25, predictions 1..25: position k goes to group floor(10k/25), so the groups are
        // {1,2,3} {4,5} {6,7,8} {9,10} ... Actual = prediction, except 3 -> 9 and 6 -> 20.
        // group {1,2,3}: mean actual (1+2+9)/3 = 4 vs 2 -> 0.5
        // group {6,7,8}: mean actual (20+7+8)/3 = 35/3 vs 7 -> (14/3)/(35/3) = 0.4
        // MAPE = (0.5 + 0.4) / 10 = 0.09
        double[] predicted = new double[25];
        double[] actual = new double[25];
        for (int i = 0; i < 25; i++) {
            predicted[i] = i + 1;
            actual[i] = i + 1;
        }
        actual[2] = 9;
        actual[5] = 20;

        assertThat(Metrics.decileMape(predicted, actual)).isCloseTo(0.09, within(EPS));
        assertThatThrownBy(() -> Metrics.decileMape(new double[9], new double[9]))
                .hasMessageContaining("at least 10");
    }

    @Test
    void aucCountsTiesAsHalf() {
        // positives 0.35, 0.8, 0.4 vs negatives 0.1, 0.4: 0.35 beats 0.1 (1), loses to 0.4 (0);
        // 0.8 beats both (2); 0.4 beats 0.1 (1), ties 0.4 (0.5): 4.5 of 6 pairs = 0.75
        double[] score = {0.1, 0.4, 0.35, 0.8, 0.4};
        boolean[] label = {false, false, true, true, true};

        assertThat(Metrics.auc(score, label)).isCloseTo(0.75, within(EPS));
        assertThatThrownBy(() -> Metrics.auc(new double[] {1}, new boolean[] {true}))
                .hasMessageContaining("both");
    }
}
