package io.retentionloop.value.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventRules;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.local.SimulatedHistories;
import io.retentionloop.simulate.Simulator;
import io.retentionloop.simulate.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains the real network on a simulated world and checks it against the world's truth. */
class ClvTrainerTest {
    static final long DAY = 86_400_000L;
    static final Instant START = Instant.parse("2025-01-02T00:00:00Z");
    static final int DAYS = 196;
    static final double H = 28;

    static Simulator sim;
    static ClvModel model;
    static List<Example> test;
    static List<Example> train;
    static final ClvTrainer.Options FAST = new ClvTrainer.Options(42, 32, 40, 5, 512, 5e-3, 1e-5);

    @BeforeAll
    static void train() throws Exception {
        WorldConfig world = WorldConfig.load(Path.of("conf/world.yaml"));
        sim = new Simulator(world, 2500, 3, START);
        Map<String, List<Event>> history =
                SimulatedHistories.simulate(sim, DAYS, EventRules.DEFAULTS);
        UserLifecycle lifecycle = new UserLifecycle(LifecycleRules.DEFAULTS);
        long s = START.toEpochMilli();
        List<Long> trainCutoffs = new ArrayList<>();
        for (int d = 35; d + H <= 140; d += 14) {
            trainCutoffs.add(s + d * DAY);
        }
        train = TrainingExamples.build(history, lifecycle, trainCutoffs, c -> c + (long) H * DAY);
        long t0 = System.nanoTime();
        model = new ClvTrainer(FAST).train(train, H, "test");
        System.out.printf(
                "history+examples %d, trained in %.1f s: %s%n",
                train.size(), (System.nanoTime() - t0) / 1e9, model.metadata().training());
        long cut = s + 168 * DAY;
        test = TrainingExamples.build(history, lifecycle, List.of(cut), c -> c + (long) H * DAY);
    }

    @Test
    void theVersionIdChangesWithEverythingThatShapesTheModel() {
        String v = new ClvTrainer(FAST).version(train, H, "test");
        assertThat(model.version()).isEqualTo(v).startsWith("clv-").hasSize(16);
        assertThat(new ClvTrainer(FAST).version(train, H, "test")).isEqualTo(v);
        assertThat(
                        java.util.Set.of(
                                v,
                                new ClvTrainer(FAST).version(train, 14, "test"),
                                new ClvTrainer(FAST.withSeed(7)).version(train, H, "test"),
                                new ClvTrainer(FAST).version(train, H, "other data"),
                                new ClvTrainer(FAST)
                                        .version(train.subList(1, train.size()), H, "test")))
                .hasSize(5);
    }

    @Test
    void predictedTotalsMatchWhatHappenedNext() {
        List<double[]> x = test.stream().map(Example::features).toList();
        ValuePrediction[] p = model.predict(x, H);
        double predicted = 0;
        double actual = 0;
        double predictedSpend = 0;
        double actualSpend = 0;
        for (int i = 0; i < p.length; i++) {
            predicted += p[i].expectedPurchases();
            actual += test.get(i).purchases();
            predictedSpend += p[i].expectedSpend();
            actualSpend += test.get(i).spend();
        }
        assertThat(predicted / actual).isBetween(0.8, 1.25);
        assertThat(predictedSpend / actualSpend).isBetween(0.75, 1.33);
    }

    @Test
    void rankingFollowsTheWorldsTruth() {
        List<double[]> x = test.stream().map(Example::features).toList();
        ValuePrediction[] p = model.predict(x, H);
        double[] predicted = new double[p.length];
        double[] truth = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            predicted[i] = p[i].expectedPurchases();
            truth[i] = sim.expectedPurchases(test.get(i).userId(), test.get(i).cutoff(), H);
        }
        assertThat(pearson(ranks(predicted), ranks(truth))).isGreaterThan(0.5);
    }

    @Test
    void aSavedModelLoadsAndPredictsTheSame(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.clv");
        model.save(file);
        ClvModel loaded = ClvModel.load(file);
        List<double[]> x = test.subList(0, 10).stream().map(Example::features).toList();
        assertThat(loaded.predict(x, H)).isEqualTo(model.predict(x, H));
        assertThat(loaded.metadata().networkSha256()).hasSize(64);

        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;
        Path corrupt = dir.resolve("bad.clv");
        Files.write(corrupt, bytes);
        assertThatThrownBy(() -> ClvModel.load(corrupt))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClvModel.load(dir.resolve("missing.clv")))
                .hasMessageContaining("no model file");
    }

    static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[idx[k]] = (i + j) / 2.0;
            }
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] a, double[] b) {
        double ma = java.util.Arrays.stream(a).average().orElse(0);
        double mb = java.util.Arrays.stream(b).average().orElse(0);
        double num = 0, da = 0, db = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - ma) * (b[i] - mb);
            da += (a[i] - ma) * (a[i] - ma);
            db += (b[i] - mb) * (b[i] - mb);
        }
        return num / Math.sqrt(da * db);
    }
}
