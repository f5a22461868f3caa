package io.retentionloop.simulate;

import io.retentionloop.simulate.WorldConfig.BadRecords;

/**
 * Adds bad records and duplicates around valid events, from each user's own noise generator. The
 * per-event probabilities are scaled so that bad and duplicate records make up the configured
 * shares of everything produced, not of the valid events only.
 */
final class Noise {

    private static final double MAX_DUPLICATE_DELAY_MILLIS = 5 * 60_000;

    private final BadRecordFactory factory;
    private final double badProbability;
    private final double duplicateProbability;
    private final BadKind[] kinds = BadKind.values();
    private final double[] cumulativeWeights = new double[kinds.length];

    Noise(BadRecords config, BadRecordFactory factory) {
        this.factory = factory;
        double valid = 1 - config.share() - config.duplicateShare();
        this.badProbability = config.share() / valid;
        this.duplicateProbability = config.duplicateShare() / valid;
        double total = 0;
        for (BadKind kind : kinds) {
            total += config.weight(kind);
        }
        double sum = 0;
        for (int i = 0; i < kinds.length; i++) {
            sum += config.weight(kinds[i]);
            // the last kind with weight closes at exactly 1, whatever the rounding
            cumulativeWeights[i] = sum == total ? 1.0 : sum / total;
        }
    }

    /** Maybe adds a bad record made from {@code event}, or a later duplicate of it. */
    void after(Pending.Valid event, User user, DayBuckets out) {
        double u = user.noise.nextDouble();
        if (u < badProbability) {
            BadKind kind = pickKind(user.noise.nextDouble());
            out.add(factory.make(kind, event, user.badSeq++, user.noise));
        } else if (u < badProbability + duplicateProbability) {
            long delay = 1 + (long) (user.noise.nextDouble() * MAX_DUPLICATE_DELAY_MILLIS);
            out.add(new Pending.Duplicate(event.timeMillis() + delay, event));
        }
    }

    private BadKind pickKind(double u) {
        int i = 0;
        while (u >= cumulativeWeights[i]) {
            i++;
        }
        return kinds[i];
    }
}
