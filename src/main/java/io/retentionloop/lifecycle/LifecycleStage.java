package io.retentionloop.lifecycle;

/**
 * Where a user stands in their lifecycle at a window end. The rules live in {@link
 * UserLifecycle#stageAt}; src/site/markdown/events.md documents them for marketing.
 */
public enum LifecycleStage {
    /** First seen in the window that just closed. */
    NEW,
    /** Purchased (or, never having purchased, was first seen) within {@code at-risk-after}. */
    ACTIVE,
    /**
     * Last purchase more than {@code at-risk-after} ago, but not more than {@code lapsed-after}.
     */
    AT_RISK,
    /** Last purchase more than {@code lapsed-after} ago. */
    LAPSED,
    /** Was lapsed at the previous window end and purchased again in this window. */
    REACTIVATED
}
