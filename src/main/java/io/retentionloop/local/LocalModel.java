package io.retentionloop.local;

import io.retentionloop.job.JobConfig;
import io.retentionloop.lifecycle.Features;
import io.retentionloop.lifecycle.UserLifecycle;
import io.retentionloop.simulate.WorldConfig;
import io.retentionloop.value.model.ClvModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The value model of the embedded run: trained on the simulated world's own history (a separate
 * population of the same world, so the run's users are unseen), or reused when a model for the same
 * world, lifecycle settings and feature schema already exists.
 */
public final class LocalModel {
    static final int USERS = 3000;
    static final int DAYS = 182;
    static final double HORIZON_DAYS = 28;
    static final long TRAINING_SEED_OFFSET = 1_000_003L;

    private LocalModel() {}

    public static Path ensure(Path worldFile, JobConfig config, long seed, Instant start, Path dir)
            throws Exception {
        String key =
                ClvModel.sha256(
                                (new String(Files.readAllBytes(worldFile), StandardCharsets.UTF_8)
                                                + config.lifecycleRules().aligned()
                                                + config.eventRules()
                                                + "|features="
                                                + Features.VERSION
                                                + "|"
                                                + USERS
                                                + "|"
                                                + DAYS
                                                + "|"
                                                + HORIZON_DAYS
                                                + "|"
                                                + (seed + TRAINING_SEED_OFFSET))
                                        .getBytes(StandardCharsets.UTF_8))
                        .substring(0, 12);
        Path file = dir.resolve("clv-" + key + ".model");
        if (Files.isRegularFile(file)) {
            try {
                ClvModel.load(file);
                LocalRun.say("value model: reusing " + file);
                return file;
            } catch (IllegalArgumentException e) {
                LocalRun.say(
                        "value model " + file + " unusable (" + e.getMessage() + "), retraining");
            }
        }
        LocalRun.say(
                String.format(
                        "value model: training on the world's own history (%d other users, %d days;"
                                + " jobs/train-clv.sh does the same)",
                        USERS, DAYS));
        long t0 = System.nanoTime();
        ClvModel model =
                SimulatedHistories.train(
                        WorldConfig.load(worldFile),
                        USERS,
                        DAYS,
                        seed + TRAINING_SEED_OFFSET,
                        start,
                        config.eventRules(),
                        new UserLifecycle(config.lifecycleRules().aligned()),
                        HORIZON_DAYS,
                        7);
        model.save(file);
        LocalRun.say(
                String.format(
                        "value model %s trained in %.0f s, saved to %s",
                        model.version(), (System.nanoTime() - t0) / 1e9, file));
        return file;
    }
}
