package io.descent.train;

/**
 * The one convergence test: {@code max_j |g_j| <= tolerance * max(1, |J|)}, where {@code J} is
 * the objective and {@code g} its gradient over the full training data. Only a fit whose float64
 * gradient passes it at the final weights is called converged.
 *
 * <p>{@code |J|} is capped at the objective where the fit started, so that an objective blowing
 * up cannot loosen the test.
 *
 * @param tolerance the relative tolerance, {@code >= 0}
 * @param objectiveCap the largest {@code |J|} the bound may scale with (the starting objective)
 */
record GradientTest(double tolerance, double objectiveCap) {
  /** Checks the tolerance. */
  GradientTest {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
    }
  }

  /** The largest |gradient component| allowed at objective value {@code objective}. */
  double bound(double objective) {
    return tolerance * Math.max(1.0, Math.min(Math.abs(objective), objectiveCap));
  }

  /** Whether the gradient passes at objective value {@code objective}. */
  boolean holds(double[] gradient, double objective) {
    return maxNorm(gradient) <= bound(objective);
  }

  /**
   * Whether a violation of the optimality condition passes at objective value {@code objective}:
   * the gradient's max-norm, or with an L1 penalty the KKT violation ({@link
   * io.descent.loss.Objective#kktViolation}), which the same tolerance bounds.
   */
  boolean holdsFor(double violation, double objective) {
    return violation <= bound(objective);
  }

  /**
   * The figures of the test for a KKT violation (an L1 penalty), e.g. "KKT violation 5.750e-09
   * within tolerance 1.000e-08 (1.00e-08 x max(1, |objective|))".
   */
  String describeKkt(double violation, double objective) {
    return figures("KKT violation ", violation, objective);
  }

  /** The largest absolute component: the norm the test bounds. */
  static double maxNorm(double[] gradient) {
    double max = 0;
    for (double v : gradient) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  /**
   * The figures of the test, e.g. "max |gradient| 5.750e+02 above tolerance 1.600e-05 (1.00e-08 x
   * max(1, |objective|))": the gradient's max-norm, which the test bounds.
   */
  String describe(double[] gradient, double objective) {
    double norm = maxNorm(gradient);
    return figures("max |gradient| ", norm, objective);
  }

  /**
   * {@code what} and the figures, as {@code String.format(Locale.ROOT, what + "%.3e %s
   * tolerance %.3e (%.3g x max(1, |objective|))", ...)} writes them ({@link Figures}: a fresh
   * JVM formats them about a hundred times faster).
   */
  private String figures(String what, double value, double objective) {
    double bound = bound(objective);
    return what + Figures.scientific(value, 3) + (value <= bound ? " within" : " above")
        + " tolerance " + Figures.scientific(bound, 3) + " (" + Figures.general(tolerance, 3)
        + " x max(1, |objective|))";
  }
}
