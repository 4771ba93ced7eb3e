package io.descent.loss;

/**
 * The training objective: a {@link Loss} averaged over rows plus the elastic-net penalty
 * {@code l1 ||w||_1 + (l2/2) ||w||_2^2} on the standardized weights.
 *
 * <p>Parameters are laid out as {@code theta = (b, w_1, ..., w_d)}, or for K columns (a
 * multinomial model's classes) as K such blocks of {@code parameters = d + 1} entries, column-major
 * as {@link io.descent.gradient.BatchedEvaluation} lays them out. Every column's intercept (its
 * first entry) is free: neither penalty applies to it. Backends compute the data term; this class
 * adds the penalties on the host.
 *
 * <p>The data term plus the L2 part is <em>the smooth part</em>: {@link #penalty} and {@link
 * #addPenaltyGradient} are its penalty and gradient. The L1 part is not differentiable at 0 and is
 * kept apart ({@link #l1Penalty}); optimality with it is the subgradient (KKT) condition that
 * {@link #kktViolation} measures.
 *
 * @param loss the data term's loss
 * @param l2 the L2 strength, finite and {@code >= 0}
 * @param l1 the L1 strength, finite and {@code >= 0}
 */
public record Objective(Loss loss, double l2, double l1) {
  /** Checks both strengths are finite and non-negative. */
  public Objective {
    java.util.Objects.requireNonNull(loss, "loss");
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
    if (!(l1 >= 0) || !Double.isFinite(l1)) {
      throw new IllegalArgumentException("l1 must be finite and >= 0, got " + l1);
    }
  }

  /** The objective without an L1 part (l1 = 0). */
  public Objective(Loss loss, double l2) {
    this(loss, l2, 0);
  }

  /** {@code (lambda/2) ||w||^2}, the intercept excluded. */
  public double penalty(double[] theta) {
    return penalty(theta, theta.length);
  }

  /** Adds {@code lambda * w} to the gradient of the data term, in place. */
  public void addPenaltyGradient(double[] theta, double[] gradient) {
    addPenaltyGradient(theta, gradient, theta.length);
  }

  /** Whether entry {@code j} of K columns of {@code parameters} entries is a penalized weight. */
  public static boolean penalized(int j, int parameters) {
    return j % parameters != 0;
  }

  /**
   * {@code (lambda/2) ||W||^2} of K columns of {@code parameters = d + 1} entries each, laid out
   * column-major as {@link io.descent.gradient.BatchedEvaluation} lays them out, every column's
   * intercept (its first entry) excluded: the penalty of a multinomial model sums over classes.
   */
  public double penalty(double[] w, int parameters) {
    if (l2 == 0) {
      return 0;
    }
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      if (penalized(j, parameters)) {
        s += w[j] * w[j];
      }
    }
    return 0.5 * l2 * s;
  }

  /** Adds {@code lambda * w} to every column's weights, as {@link #penalty(double[], int)}. */
  public void addPenaltyGradient(double[] w, double[] gradient, int parameters) {
    if (l2 == 0) {
      return;
    }
    for (int j = 0; j < w.length; j++) {
      if (penalized(j, parameters)) {
        gradient[j] += l2 * w[j];
      }
    }
  }

  /** {@code l1 ||W||_1} over every column's weights, the intercepts excluded; 0 when l1 = 0. */
  public double l1Penalty(double[] w, int parameters) {
    if (l1 == 0) {
      return 0;
    }
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      if (penalized(j, parameters)) {
        s += Math.abs(w[j]);
      }
    }
    return l1 * s;
  }

  /**
   * The largest violation of the optimality (KKT) condition at w, an absolute figure in the units
   * of the gradient (as {@code datasets/reference.json}'s {@code kkt_residual}):
   *
   * <ul>
   *   <li>{@code |g_j + l1 sign(w_j)|} for a penalized weight {@code w_j != 0},
   *   <li>{@code max(0, |g_j| - l1)} for a penalized weight {@code w_j = 0},
   *   <li>{@code |g_j|} for an intercept,
   * </ul>
   *
   * where g is the gradient of the smooth part (data term plus L2 part) at w. With l1 = 0 this
   * is the gradient's max-norm. It is 0 exactly at a minimizer: it is the max-norm of the
   * minimum-norm subgradient (the pseudo-gradient of OWL-QN).
   *
   * @param w the parameters, K columns of {@code parameters} entries
   * @param smoothGradient the gradient of the smooth part at w, same length
   */
  public double kktViolation(double[] w, double[] smoothGradient, int parameters) {
    double max = 0;
    for (double v : subgradient(w, smoothGradient, parameters)) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  /**
   * The minimum-norm subgradient of the whole objective at w (OWL-QN's pseudo-gradient): for a
   * penalized {@code w_j != 0}, {@code g_j + l1 sign(w_j)}; for a penalized {@code w_j = 0}, the
   * point of {@code [g_j - l1, g_j + l1]} nearest 0; for an intercept, {@code g_j}. Its max-norm
   * is {@link #kktViolation}; with l1 = 0 it is g.
   */
  public double[] subgradient(double[] w, double[] smoothGradient, int parameters) {
    double[] v = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      double g = smoothGradient[j];
      if (!penalized(j, parameters) || l1 == 0) {
        v[j] = g;
      } else if (w[j] != 0) {
        v[j] = g + Math.copySign(l1, w[j]);
      } else if (g + l1 < 0) {
        v[j] = g + l1;
      } else if (g - l1 > 0) {
        v[j] = g - l1;
      }
    }
    return v;
  }

  /** The number of penalized weights (intercepts excluded) that are not exactly zero. */
  public static int nonzero(double[] w, int parameters) {
    int n = 0;
    for (int j = 0; j < w.length; j++) {
      if (penalized(j, parameters) && w[j] != 0) {
        n++;
      }
    }
    return n;
  }
}
