package io.retentionloop.value.model;

import io.retentionloop.events.Event;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Per-user event histories, in event-time order, from the sources the trainer learns from. */
public final class Histories {
    private Histories() {}

    /** Only the purchases, as a transactions file gives them. */
    public static Map<String, List<Event>> purchasesOnly(Map<String, List<Event>> history) {
        Map<String, List<Event>> out = new HashMap<>();
        history.forEach(
                (u, events) ->
                        out.put(
                                u,
                                events.stream()
                                        .filter(
                                                e ->
                                                        e.type
                                                                == io.retentionloop.events.EventType
                                                                        .PURCHASE)
                                        .toList()));
        return out;
    }
}
