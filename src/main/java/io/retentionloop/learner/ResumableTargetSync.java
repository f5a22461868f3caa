package io.retentionloop.learner;

import org.deeplearning4j.rl4j.agent.learning.update.updater.NeuralNetUpdaterConfiguration;
import org.deeplearning4j.rl4j.agent.learning.update.updater.sync.SyncLabelsNeuralNetUpdater;
import org.deeplearning4j.rl4j.network.ITrainableNeuralNet;

/**
 * RL4J's synchronous updater (fit the online network on the labels, copy it into the target every
 * {@code period} updates), started in the phase a restored learner was in: the updater counts its
 * updates in a private field, so a fresh one is advanced by {@code done % period} counts (no copy
 * happens while advancing) and the target is copied at the same updates as without the restore.
 */
final class ResumableTargetSync extends SyncLabelsNeuralNetUpdater {

    ResumableTargetSync(
            ITrainableNeuralNet online, ITrainableNeuralNet target, int period, long done) {
        super(
                online,
                target,
                NeuralNetUpdaterConfiguration.builder().targetUpdateFrequency(period).build());
        for (long i = 0; i < done % period; i++) {
            syncTargetNetwork();
        }
    }
}
