package io.retentionloop.local;

import io.retentionloop.security.Secret;
import java.util.List;

/**
 * Settings for a job fed by a simulator or a replay in this process: event time moves on only with
 * events and the producer's heartbeats, which are signed with a key made for this run, and users'
 * windows end at midnights (a seventh of them each day), as the simulated world lives day by day.
 */
public final class SimulatedTime {
    private SimulatedTime() {}

    /** Overrides that make the job accept this run's heartbeats and wait for them. */
    public static List<String> settings() {
        return List.of(
                "watermarks.idle-partitions=heartbeats",
                "events.heartbeat-key=" + Secret.random().reveal(),
                "lifecycle.window-phase-step=1d");
    }
}
