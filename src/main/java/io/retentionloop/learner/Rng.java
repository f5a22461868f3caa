package io.retentionloop.learner;

/**
 * SplitMix64: a small generator whose whole state is one long, so a checkpoint can hold it and a
 * restored learner draws exactly the samples the uninterrupted one would have.
 */
final class Rng {
    private long state;

    Rng(long seed) {
        this.state = seed;
    }

    long state() {
        return state;
    }

    void state(long s) {
        state = s;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        // Lemire's multiply-shift; the bias for bounds far below 2^32 is negligible
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }
}
