package io.retentionloop.agent;

import io.retentionloop.events.Event;
import io.retentionloop.value.ScoredWindow;

/**
 * What the retention agent hears about a user: a scored window (time to decide) or an accepted
 * purchase or refund (revenue to attribute). Exactly one is set.
 */
public class AgentInput {
    public ScoredWindow window;
    public Event event;

    public AgentInput() {}

    public static AgentInput of(ScoredWindow w) {
        AgentInput in = new AgentInput();
        in.window = w;
        return in;
    }

    public static AgentInput of(Event e) {
        AgentInput in = new AgentInput();
        in.event = e;
        return in;
    }

    public String userId() {
        return window != null ? window.snapshot.userId : event.userId;
    }
}
