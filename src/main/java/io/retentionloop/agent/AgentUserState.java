package io.retentionloop.agent;

import io.retentionloop.events.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the {@code retention-agent} keeps for one user, in one state value so that a window, a
 * purchase or a maturing decision costs one state read and one write: what has been sent, the
 * decisions waiting for their reward, the purchases and refunds that may belong to a decision not
 * made yet, and the window end of the last decision.
 */
public final class AgentUserState {
    /** No decision yet. */
    public static final long NO_DECISION = Long.MIN_VALUE;

    /** Null until the user's first window. */
    public InterventionHistory history;

    public List<PendingDecision> pending = new ArrayList<>(2);

    /** Purchases and refunds after the last decision's window end. */
    public List<Event> lookahead = new ArrayList<>(0);

    public long lastDecisionWindow = NO_DECISION;

    public AgentUserState() {}
}
