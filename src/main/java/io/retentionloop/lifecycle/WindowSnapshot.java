package io.retentionloop.lifecycle;

import java.util.Arrays;
import java.util.Objects;

/**
 * A user's features as of a window end: what the lifecycle operator emits for every live user at
 * the end of every window, whether or not the user was active in it.
 */
public class WindowSnapshot {
    public String userId;
    public long windowStart;

    /** Exclusive end of the window; the features are as of this instant. */
    public long windowEnd;

    public LifecycleStage stage;
    public LifecycleStage previousStage;

    /** In the order of {@link Features#NAMES}. */
    public double[] features;

    public int featureVersion = Features.VERSION;

    /**
     * Lifetime browsing sessions, product views and cart adds as of the window end. The agent's
     * state turns them into engagement rates; they are not value-model features, so {@link
     * Features#VERSION} did not change when they were added (older snapshots read as 0).
     */
    public long sessions;

    public long views;
    public long carts;

    public WindowSnapshot() {}

    public WindowSnapshot(
            String userId,
            long windowStart,
            long windowEnd,
            LifecycleStage stage,
            LifecycleStage previousStage,
            double[] features) {
        this.userId = userId;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.stage = stage;
        this.previousStage = previousStage;
        this.features = features;
    }

    public double feature(String name) {
        int i = Features.NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no feature " + name);
        }
        return features[i];
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WindowSnapshot)) {
            return false;
        }
        WindowSnapshot s = (WindowSnapshot) o;
        return windowStart == s.windowStart
                && windowEnd == s.windowEnd
                && featureVersion == s.featureVersion
                && sessions == s.sessions
                && views == s.views
                && carts == s.carts
                && Objects.equals(userId, s.userId)
                && stage == s.stage
                && previousStage == s.previousStage
                && Arrays.equals(features, s.features);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, windowEnd, stage);
    }

    @Override
    public String toString() {
        return "WindowSnapshot(" + userId + ", end=" + windowEnd + ", " + stage + ")";
    }
}
