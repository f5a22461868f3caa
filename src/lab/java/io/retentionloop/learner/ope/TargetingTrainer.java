package io.retentionloop.learner.ope;

import java.util.List;

/** Learns a targeting policy from logged decisions (e.g. the training half of an experiment). */
@FunctionalInterface
public interface TargetingTrainer {
    /** A policy over {@code numActions} actions trained on {@code logs}, deterministic in seed. */
    Policy train(List<LoggedDecision> logs, int numActions, long seed);
}
