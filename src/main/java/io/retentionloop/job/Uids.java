package io.retentionloop.job;

/**
 * Operator uids: the names under which state lives in savepoints. Never rename one; State Processor
 * API tools use the same constants. Also used as the operator names (metric labels).
 */
public final class Uids {
    public static final String EVENTS_SOURCE = "events-source";
    public static final String PARSE_VALIDATE = "parse-validate";
    public static final String USER_LIFECYCLE = "user-lifecycle";
    public static final String MODELS_SOURCE = "models-source";
    public static final String VALUE_SCORER = "value-scorer";
    public static final String POLICY_SOURCE = "policy-source";
    public static final String AGENT_WINDOWS = "agent-windows";
    public static final String AGENT_REVENUE = "agent-revenue";
    public static final String RETENTION_AGENT = "retention-agent";
    public static final String ACTIONABLE = "actionable";
    public static final String POLICY_LEARNER = "policy-learner";
    public static final String DECISIONS_SINK = "decisions-sink";
    public static final String INTERVENTIONS_SINK = "interventions-sink";
    public static final String OUTCOMES_SINK = "outcomes-sink";
    public static final String POLICY_SINK = "policy-sink";
    public static final String DEAD_LETTER_SINK = "events-dlq-sink";
    public static final String WINDOW_SNAPSHOT_SINK = "window-snapshots-sink";

    private Uids() {}
}
