package io.retentionloop.simulate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run produced and what it cost: records by kind, bad records by reason, valid events by
 * type, revenue, and sends and cost per action. Profit of the run = revenue − action cost.
 */
public final class SimStats {

    private final List<String> actionIds;
    private final long[] byKind = new long[RecordKind.values().length];
    private final long[] byBadKind = new long[BadKind.values().length];
    private final long[] byType = new long[EventType.values().length];
    private final long[] sends;
    private final double[] actionCost;
    private long revenueCents;
    private long refundCents;

    SimStats(List<String> actionIds) {
        this.actionIds = List.copyOf(actionIds);
        this.sends = new long[actionIds.size()];
        this.actionCost = new double[actionIds.size()];
    }

    /** Records produced of this kind. */
    public long records(RecordKind kind) {
        return byKind[kind.ordinal()];
    }

    /** All records produced. */
    public long records() {
        long total = 0;
        for (long n : byKind) {
            total += n;
        }
        return total;
    }

    /** Bad records produced of this kind. */
    public long badRecords(BadKind kind) {
        return byBadKind[kind.ordinal()];
    }

    /** Valid events produced of a type ({@code view}, {@code cart}, {@code purchase}, ...). */
    public long validEvents(String type) {
        for (EventType t : EventType.values()) {
            if (t.json().equals(type)) {
                return byType[t.ordinal()];
            }
        }
        throw new IllegalArgumentException("unknown event type '" + type + "'");
    }

    /** Gross revenue of the purchases produced. */
    public double revenue() {
        return revenueCents / 100.0;
    }

    /** Amount of the refunds produced (not deducted from {@link #revenue()}). */
    public double refunds() {
        return refundCents / 100.0;
    }

    /** Times this action was applied, {@code none} included. */
    public long sends(String actionId) {
        return sends[indexOf(actionId)];
    }

    /** Cost of this action so far: fixed cost per send plus its share of revenue. */
    public double actionCost(String actionId) {
        return actionCost[indexOf(actionId)];
    }

    public double totalActionCost() {
        double total = 0;
        for (double c : actionCost) {
            total += c;
        }
        return total;
    }

    /** Revenue minus action cost. */
    public double profit() {
        return revenue() - totalActionCost();
    }

    /** Counts in a stable order, for logs and reports. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordKind k : RecordKind.values()) {
            m.put("records." + k.name().toLowerCase(Locale.ROOT), records(k));
        }
        for (BadKind k : BadKind.values()) {
            m.put("bad." + k.id(), badRecords(k));
        }
        for (EventType t : EventType.values()) {
            m.put("events." + t.json(), byType[t.ordinal()]);
        }
        m.put("revenue", revenue());
        m.put("refunds", refunds());
        for (int i = 0; i < actionIds.size(); i++) {
            m.put("sends." + actionIds.get(i), sends[i]);
            m.put("cost." + actionIds.get(i), actionCost[i]);
        }
        return m;
    }

    @Override
    public String toString() {
        return summary().toString();
    }

    void countValid(Pending.Valid event) {
        byKind[RecordKind.VALID.ordinal()]++;
        byType[event.type().ordinal()]++;
        if (event.type() == EventType.PURCHASE) {
            revenueCents += event.amountCents();
        } else if (event.type() == EventType.REFUND) {
            refundCents += event.amountCents();
        }
    }

    void countBad(BadKind kind) {
        byKind[RecordKind.BAD.ordinal()]++;
        byBadKind[kind.ordinal()]++;
    }

    void countDuplicate() {
        byKind[RecordKind.DUPLICATE.ordinal()]++;
    }

    void addSend(int action, double fixedCost) {
        sends[action]++;
        actionCost[action] += fixedCost;
    }

    void addActionCost(int action, double cost) {
        actionCost[action] += cost;
    }

    private int indexOf(String actionId) {
        int i = actionIds.indexOf(actionId);
        if (i < 0) {
            throw new IllegalArgumentException(
                    "unknown action '" + actionId + "' (actions: " + actionIds + ")");
        }
        return i;
    }
}
