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
    if (l2 == 0) {
      return 0;
    }
    double s = 0;
    for (int j = 1; j < theta.length; j++) {
      s += theta[j] * theta[j];
    }
    return 0.5 * l2 * s;
  }

  /** Adds {@code lambda * w} to the gradient of the data term, in place. */
  public void addPenaltyGradient(double[] theta, double[] gradient) {
    if (l2 == 0) {
      return;
    }
    for (int j = 1; j < theta.length; j++) {
      gradient[j] += l2 * theta[j];
    }
  }
}
