package io.retentionloop.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retentionloop.lifecycle.Features;
import io.retentionloop.lifecycle.LifecycleStage;
import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.value.model.ClvModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueScorerOperatorTest {

    static ModelRef ref(Path file, long sequence) throws Exception {
        return new ModelRef(
                "v" + sequence,
                file.toUri().toString(),
                ClvModel.sha256(Files.readAllBytes(file)),
                sequence);
    }

    static TwoInputStreamOperatorTestHarness<WindowSnapshot, ModelRef, ScoredWindow> harness(
            ModelRef initial, int batch) throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(
                new ValueScorerOperator(
                        initial, batch, new ModelLoader(List.of("file:///"), 1 << 26)));
    }

    static StreamRecord<WindowSnapshot> snapshot(String user, long end, double purchases) {
        double[] f = new double[Features.SIZE];
        f[Features.PURCHASES] = purchases;
        f[Features.REPEAT_PURCHASE_DAYS] = Math.max(0, purchases - 1);
        f[Features.NET_SPEND] = 30 * purchases;
        return new StreamRecord<>(
                new WindowSnapshot(
                        user, end - 7, end, LifecycleStage.ACTIVE, LifecycleStage.ACTIVE, f),
                end - 1);
    }

    @Test
    void batchesAreFlushedWhenFullOnWatermarksAndBeforeCheckpoints() throws Exception {
        try (var h = harness(ref(TestModels.tiny(1), 0), 3)) {
            h.open();
            h.processElement1(snapshot("a", 1000, 1));
            h.processElement1(snapshot("b", 1000, 2));
            assertThat(h.getOutput()).isEmpty(); // buffered
            h.processElement1(snapshot("c", 1000, 5));
            assertThat(h.extractOutputValues()).hasSize(3); // full batch
            h.processElement1(snapshot("d", 2000, 1));
            h.processWatermark1(new Watermark(1999));
            // the scored window comes before the watermark that would make it late
            List<Object> out = List.copyOf(h.getOutput());
            assertThat(out.get(3)).isInstanceOf(StreamRecord.class);
            assertThat(out.get(4)).isEqualTo(new Watermark(1999));
            h.processElement1(snapshot("e", 3000, 1));
            h.prepareSnapshotPreBarrier(1L);
            assertThat(h.extractOutputValues()).hasSize(5);
            List<ScoredWindow> scored = h.extractOutputValues();
            // batched scoring gives exactly what the model says row by row
            ClvModel model = ClvModel.load(TestModels.tiny(1));
            for (ScoredWindow s : scored) {
                var p = model.predict(List.of(s.snapshot.features), 28)[0];
                assertThat(s.expectedPurchases).isEqualTo(p.expectedPurchases());
                assertThat(s.expectedSpend).isEqualTo(p.expectedSpend());
            }
            assertThat(scored)
                    .allMatch(s -> s.horizonDays == 28 && s.modelVersion.startsWith("clv-"));
            assertThat(((StreamRecord<?>) out.get(3)).getTimestamp()).isEqualTo(1999L);
        }
    }

    @Test
    void newModelsAreSwappedInAndBadOnesRejected(@TempDir Path dir) throws Exception {
        Path first = TestModels.tiny(1);
        Path second = TestModels.tiny(2);
        String v1 = ClvModel.load(first).version();
        String v2 = ClvModel.load(second).version();
        assertThat(v1).isNotEqualTo(v2);
        Path corrupt = dir.resolve("bad.model");
        Files.write(corrupt, new byte[] {1, 2, 3});
        OperatorSubtaskState state;
        try (var h = harness(ref(first, 0), 100)) {
            h.open();
            h.processElement1(snapshot("a", 1000, 1));
            h.processElement2(new StreamRecord<>(ref(second, 1)));
            h.processElement1(snapshot("b", 1000, 1));
            h.processElement2(new StreamRecord<>(ref(corrupt, 2)));
            h.processElement2(
                    new StreamRecord<>(new ModelRef("x", second.toUri().toString(), "00", 3)));
            h.processElement1(snapshot("c", 1000, 1));
            h.processWatermark1(new Watermark(5000));
            List<ScoredWindow> out = h.extractOutputValues();
            assertThat(out).extracting(s -> s.modelVersion).containsExactly(v1, v2, v2);
            state = h.snapshot(1L, 1L);
        }
        // a restored scorer serves the version it had, not the configured initial one
        try (var h = harness(ref(first, 0), 100)) {
            h.initializeState(state);
            h.open();
            h.processElement1(snapshot("d", 9000, 1));
            h.processWatermark1(new Watermark(9999));
            assertThat(h.extractOutputValues()).extracting(s -> s.modelVersion).containsExactly(v2);
        }
    }

    @Test
    void aMissingInitialModelFailsAtStart(@TempDir Path dir) throws Exception {
        ModelRef missing = new ModelRef("x", dir.resolve("none.model").toUri().toString(), "", 0);
        try (var h = harness(missing, 10)) {
            assertThatThrownBy(h::open).hasMessageContaining("none.model");
        }
    }

    @Test
    void announcedModelsOutsideTheLocationsTooLargeOrWithAnotherHashAreRejected(@TempDir Path dir)
            throws Exception {
        Path first = TestModels.tiny(1);
        Path models = dir.resolve("models");
        Files.createDirectories(models);
        Path second = Files.copy(TestModels.tiny(2), models.resolve("second.model"));
        Path outside = Files.copy(TestModels.tiny(2), dir.resolve("outside.model"));
        ModelLoader loader =
                new ModelLoader(
                        List.of(models.toUri().toString(), "file:///dev/"),
                        Files.size(second) + 10);
        assertThat(loader.load(ref(second, 1)).version())
                .isEqualTo(ClvModel.load(second).version());
        String sha = ref(second, 1).sha256;
        assertThatThrownBy(() -> loader.load(ref(outside, 2)))
                .isInstanceOf(ModelLoader.Rejected.class)
                .hasFieldOrPropertyWithValue("reason", "location");
        // a path that climbs out of the location
        String climbing = models.toUri() + "../outside.model";
        assertThatThrownBy(() -> loader.load(new ModelRef("x", climbing, sha, 3)))
                .hasFieldOrPropertyWithValue("reason", "location");
        // a device that never ends once killed every task manager with OutOfMemoryError
        assertThatThrownBy(() -> loader.load(new ModelRef("x", "file:///dev/zero", sha, 4)))
                .hasFieldOrPropertyWithValue("reason", "too_big");
        assertThatThrownBy(
                        () ->
                                loader.load(
                                        new ModelRef(
                                                "x",
                                                second.toUri().toString(),
                                                "ab".repeat(32),
                                                5)))
                .hasFieldOrPropertyWithValue("reason", "checksum");
        assertThatThrownBy(() -> loader.load(new ModelRef("x", "http://example.com/m", sha, 6)))
                .hasFieldOrPropertyWithValue("reason", "location");

        // through the operator: rejected announcements never stop it, and a rejected high
        // sequence does not block a later good one with a lower sequence
        Path third = Files.copy(TestModels.tiny(3), models.resolve("third.model"));
        Path initial = Files.copy(first, models.resolve("first.model"));
        try (var h =
                new TwoInputStreamOperatorTestHarness<>(
                        new ValueScorerOperator(
                                ref(initial, 0),
                                100,
                                new ModelLoader(
                                        List.of(models.toUri().toString(), "file:///dev/"),
                                        1 << 26)))) {
            h.open();
            h.processElement2(new StreamRecord<>(new ModelRef("z", "file:///dev/zero", sha, 1000)));
            h.processElement2(new StreamRecord<>(ref(outside, 999)));
            h.processElement2(new StreamRecord<>(ref(third, 5)));
            h.processElement1(snapshot("a", 1000, 1));
            h.processWatermark1(new Watermark(5000));
            assertThat(h.extractOutputValues())
                    .extracting(s -> s.modelVersion)
                    .containsExactly(ClvModel.load(third).version());
        }
    }

    @Test
    void backendSelectionIsExplicitAboutFallingBack() {
        assertThat(ComputeBackend.decide(0, "CpuBackend")).isEqualTo(ComputeBackend.CPU);
        assertThat(ComputeBackend.decide(1, "JCublasBackend")).isEqualTo(ComputeBackend.GPU);
        assertThat(ComputeBackend.decide(2, "CpuBackend")).isEqualTo(ComputeBackend.CPU_FALLBACK);
        assertThat(ComputeBackend.CPU_FALLBACK.explain(1, "CpuBackend"))
                .contains("FALLING BACK TO CPU", "-Pgpu", "8.6");
    }
}
