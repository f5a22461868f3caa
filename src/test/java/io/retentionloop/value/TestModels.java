package io.retentionloop.value;

import io.retentionloop.events.Event;
import io.retentionloop.events.EventRules;
import io.retentionloop.lifecycle.LifecycleRules;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.local.SimulatedHistories;
import io.retentionloop.simulate.WorldConfig;
import io.retentionloop.value.model.ClvModel;
import io.retentionloop.value.model.ClvTrainer;
import io.retentionloop.value.model.Example;
import io.retentionloop.value.model.TrainingExamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small real value models for tests: trained once per JVM on a small simulated world. */
public final class TestModels {
    private static final long DAY = 86_400_000L;
    private static final Map<Long, Path> CACHE = new java.util.HashMap<>();

    private TestModels() {}

    /** A trained model file; different seeds give different model versions. */
    public static synchronized Path tiny(long seed) {
        return CACHE.computeIfAbsent(seed, TestModels::train);
    }

    private static Path train(long seed) {
        try {
            WorldConfig world = WorldConfig.load(Path.of("conf/world.yaml"));
            Instant start = Instant.parse("2025-01-02T00:00:00Z");
            Map<String, List<Event>> history =
                    SimulatedHistories.simulate(world, 400, 84, seed, start, EventRules.DEFAULTS);
            UserLifecycle lifecycle = new UserLifecycle(LifecycleRules.DEFAULTS);
            long s = start.toEpochMilli();
            List<Example> examples =
                    TrainingExamples.build(
                            history,
                            lifecycle,
                            List.of(s + 28 * DAY, s + 42 * DAY, s + 56 * DAY),
                            c -> c + 28 * DAY);
            ClvModel model =
                    new ClvTrainer(new ClvTrainer.Options(seed, 8, 5, 2, 256, 1e-2, 1e-5))
                            .train(examples, 28, "test-" + seed + "-0000000000000");
            Path file = Files.createTempFile("clv-" + seed + "-", ".model");
            file.toFile().deleteOnExit();
            model.save(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
