package io.retentionloop.value;

import io.retentionloop.lifecycle.WindowSnapshot;
import io.retentionloop.value.model.ValuePrediction;

/** A window snapshot with the value model's view of the user over the model's horizon. */
public class ScoredWindow {
    public WindowSnapshot snapshot;
    public double expectedPurchases;
    public double purchaseProbability;
    public double expectedSpend;
    public double horizonDays;
    public String modelVersion;

    public ScoredWindow() {}

    public ScoredWindow(
            WindowSnapshot snapshot, ValuePrediction p, double horizonDays, String modelVersion) {
        this.snapshot = snapshot;
        this.expectedPurchases = p.expectedPurchases();
        this.purchaseProbability = p.purchaseProbability();
        this.expectedSpend = p.expectedSpend();
        this.horizonDays = horizonDays;
        this.modelVersion = modelVersion;
    }

    @Override
    public String toString() {
        return "ScoredWindow(" + snapshot + ", E=" + expectedPurchases + ", " + modelVersion + ")";
    }
}
