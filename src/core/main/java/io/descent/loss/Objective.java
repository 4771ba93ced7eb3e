package io.descent.loss;

/**
 * The training objective: a {@link Loss} averaged over rows plus {@code (lambda/2)||w||^2}.
 *
 * <p>Parameters are laid out as {@code theta = (b, w_1, ..., w_d)}; the intercept {@code theta[0]}
 * is not penalized. Backends compute the data term; this class adds the penalty on the host.
 */
public record Objective(Loss loss, double l2) {
  /** Checks lambda is finite and non-negative. */
  public Objective {
    java.util.Objects.requireNonNull(loss, "loss");
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
  }

  /** {@code (lambda/2) ||w||^2}, the intercept excluded. */
  public double penalty(double[] theta) {
    return penalty(theta, theta.length);
  }

  /** Adds {@code lambda * w} to the gradient of the data term, in place. */
  public void addPenaltyGradient(double[] theta, double[] gradient) {
    addPenaltyGradient(theta, gradient, theta.length);
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
      if (j % parameters != 0) {
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
      if (j % parameters != 0) {
        gradient[j] += l2 * w[j];
      }
    }
  }
}
