package io.descent.optim;

/**
 * A deterministic optimizer over a {@link DifferentiableFunction}, advanced one iteration at a
 * time so that the caller keeps control between iterations (stopping rules, history, gradient
 * verification).
 *
 * <p>Call order: {@link #start} evaluates f once at x0 and returns a {@link Run}; each call of
 * {@link Run#iterate()} then performs one iteration (one search direction and its line search).
 * An optimizer is immutable and may start any number of runs; a run is not thread-safe.
 */
public interface FullBatchOptimizer {
  /**
   * Starts a run at x0, evaluating f there once.
   *
   * @param f the function to minimize
   * @param x0 the starting point, copied
   * @return the run, positioned at x0
   * @throws IllegalArgumentException when x0 is empty or not finite, or f or its gradient is not
   *     finite at x0
   */
  Run start(DifferentiableFunction f, double[] x0);

  /** The short name used on the command line, such as "lbfgs" or "gd". */
  String name();

  /** One minimization in progress: the current point and the means to take one more step. */
  interface Run {
    /**
     * The current point, which is also the best point found: its value never increases, except
     * within the declared {@link DifferentiableFunction#relativeNoise() noise} of a noisy
     * function, where {@link Lbfgs} may take a step its slope shows to be downhill.
     */
    Point current();

    /**
     * Performs one iteration. When no acceptable step is found, returns an iteration with
     * {@code lineSearchFailed} set and leaves the current point as it was; a later call may try
     * again but will usually fail the same way, so a caller should stop. At a point whose gradient
     * is exactly zero there is nothing to search: the iteration reports {@code lineSearchFailed}
     * after no evaluation.
     */
    Iteration iterate();

    /** Function evaluations so far, the one at the starting point included. */
    int evaluations();
  }

  /**
   * The optimizer's name ({@code "name"}) and every hyperparameter by name, in a fixed order:
   * what the model file records.
   */
  java.util.Map<String, Object> settings();
}
