package io.retentionloop.value.model;

/** What the value model says of one user for a horizon. */
public record ValuePrediction(
        /** Expected purchase days over the horizon. */
        double expectedPurchases,
        /** Probability of at least one purchase over the horizon (Poisson in the expectation). */
        double purchaseProbability,
        /** Expected spend over the horizon. */
        double expectedSpend,
        /** Expected value of one order. */
        double expectedOrderValue) {}
