package io.retentionloop.value.model;

/**
 * One training or evaluation example: a user's features at a cut-off (a window end) and what they
 * did in the label window after it.
 */
public record Example(
        String userId,
        long cutoff,
        double[] features,
        /** Distinct purchase days in the label window. */
        int purchases,
        /** Spend in the label window, net of nothing (refunds are separate events). */
        double spend,
        /** Length of the label window in weeks. */
        double horizonWeeks,
        /** Mean log order value per purchase day in the label window; 0 without purchases. */
        double meanLogOrderValue) {

    /** The label row of {@link ClvLikelihood}; {@code priorLogOrderValue} is the population's. */
    double[] labels(double priorLogOrderValue) {
        return new double[] {
            purchases, horizonWeeks, meanLogOrderValue, purchases > 0 ? 1 : 0, priorLogOrderValue
        };
    }
}
