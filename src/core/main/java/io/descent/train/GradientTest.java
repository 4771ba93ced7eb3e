package io.descent.train;

import io.descent.data.CompensatedSum;
import io.descent.loss.Loss;

/**
 * The one convergence test: {@code max_j |g_j| <= tolerance * max(s, |J| / s)}, where {@code J}
 * is the objective, {@code g} its gradient over the full training data and {@code s} the
 * problem's scale: 1 for the logistic and softmax losses (the test is then {@code tolerance *
 * max(1, |J|)}), and for squared error the target's standard deviation ({@link #targetScale}).
 * Only a fit whose float64 gradient passes it at the final weights is called converged.
 *
 * <p>Why the scale: a target s times larger makes the gradient s times and the objective s^2
 * times larger, so {@code max(1, |J|)} alone let a fit to a target in the billions pass at its
 * start (all weights 0, "converged"), and one in the billionths too (its gradient below the
 * floor of 1). Divided by s, both sides are those of the target in its own units, the same
 * test for any s; the logistic losses have no such unit.
 *
 * <p>{@code |J|} is capped at the objective where the fit started, so that an objective blowing
 * up cannot loosen the test.
 *
 * @param tolerance the relative tolerance, {@code >= 0}
 * @param objectiveCap the largest {@code |J|} the bound may scale with (the starting objective)
 * @param scale the problem's scale s, finite and {@code > 0}
 */
record GradientTest(double tolerance, double objectiveCap, double scale) {
  /** Checks the tolerance and the scale. */
  GradientTest {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
    }
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
    }
  }

  /** The test of the logistic and softmax losses (scale 1). */
  GradientTest(double tolerance, double objectiveCap) {
    this(tolerance, objectiveCap, 1.0);
  }

  /**
   * The scale of a fit of {@code loss} to targets {@code y} with row weights {@code weights}
   * (null: all 1): for squared error the targets' weighted standard deviation around their
   * weighted mean (population, compensated sums), for the other losses 1; 1 also where that
   * deviation is 0 or not finite (a constant target).
   */
  static double targetScale(Loss loss, double[] y, double[] weights) {
    if (loss != Loss.LINEAR) {
      return 1.0;
    }
    CompensatedSum w = new CompensatedSum();
    CompensatedSum wy = new CompensatedSum();
    for (int i = 0; i < y.length; i++) {
      double wi = weights == null ? 1 : weights[i];
      if (wi > 0) {
        w.add(wi);
        wy.add(wi * y[i]);
      }
    }
    double mean = wy.value() / w.value();
    CompensatedSum squares = new CompensatedSum();
    for (int i = 0; i < y.length; i++) {
      double wi = weights == null ? 1 : weights[i];
      if (wi > 0) {
        double r = y[i] - mean;
        squares.add(wi * r * r);
      }
    }
    double sd = Math.sqrt(squares.value() / w.value());
    return sd > 0 && Double.isFinite(sd) ? sd : 1.0;
  }

  /** The largest |gradient component| allowed at objective value {@code objective}. */
  double bound(double objective) {
    return tolerance * Math.max(scale, Math.min(Math.abs(objective), objectiveCap) / scale);
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
        + (scale == 1.0 ? " x max(1, |objective|))" : " x max(s, |objective| / s), s "
            + Figures.scientific(scale, 3) + " the target's standard deviation)");
  }
}
