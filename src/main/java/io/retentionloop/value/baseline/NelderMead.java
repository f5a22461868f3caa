package io.retentionloop.value.baseline;

import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/** Unconstrained minimization by Nelder-Mead (commons-math3), restarted until it stops moving. */
final class NelderMead {
    private static final double TOLERANCE = 1e-12;
    private static final int MAX_EVALUATIONS = 20_000;
    private static final int MAX_RESTARTS = 10;

    private NelderMead() {}

    /**
     * The minimizer of {@code f} found from {@code start}. A simplex can collapse and stop short of
     * the optimum, so the search restarts with a fresh simplex around the best point until a
     * restart no longer improves the value. Non-finite values of {@code f} count as +infinity.
     */
    static double[] minimize(MultivariateFunction f, double[] start) {
        MultivariateFunction guarded =
                p -> {
                    double v = f.value(p);
                    return Double.isFinite(v) ? v : Double.MAX_VALUE;
                };
        SimplexOptimizer optimizer = new SimplexOptimizer(TOLERANCE, TOLERANCE);
        double[] best = start.clone();
        double bestValue = guarded.value(best);
        for (int i = 0; i < MAX_RESTARTS; i++) {
            PointValuePair p =
                    optimizer.optimize(
                            new MaxEval(MAX_EVALUATIONS),
                            new ObjectiveFunction(guarded),
                            GoalType.MINIMIZE,
                            new InitialGuess(best),
                            new NelderMeadSimplex(best.length));
            boolean improved = bestValue - p.getValue() > TOLERANCE * (1 + Math.abs(bestValue));
            if (p.getValue() <= bestValue) {
                best = p.getPoint();
                bestValue = p.getValue();
            }
            if (!improved) {
                break;
            }
        }
        return best;
    }
}
