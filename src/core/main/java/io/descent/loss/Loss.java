package io.descent.loss;

/**
 * The per-row losses of linear, logistic and multinomial regression, and the one place their
 * conventions are stated (the multinomial one's formulas are in {@link Softmax}).
 *
 * <p>With parameters {@code theta = (b, w)}, standardized features {@code z_i} and margin
 * {@code m_i = b + w . z_i}, the objective over n rows is
 *
 * <ul>
 *   <li>LINEAR: {@code J = (1/(2n)) sum_i (y_i - m_i)^2 + (lambda/2) ||w||^2}
 *   <li>LOGISTIC: {@code J = (1/n) sum_i [log(1 + e^{m_i}) - y_i m_i] + (lambda/2) ||w||^2},
 *       with {@code y_i} in {0, 1}
 * </ul>
 *
 * The intercept b is never penalized. Gradients are always {@code dJ/dtheta} (so a descent step
 * subtracts them): {@code dJ/db = (1/n) sum r_i} and {@code dJ/dw = (1/n) sum r_i z_i + lambda w},
 * where the residual {@code r_i = dL/dm} is {@code m_i - y_i} (LINEAR) or
 * {@code sigmoid(m_i) - y_i} (LOGISTIC). These match {@code datasets/reference.json}.
 */
public enum Loss {
  /** Squared error, {@code L(m, y) = (y - m)^2 / 2}. */
  LINEAR {
    @Override
    public double value(double m, double y) {
      double r = m - y;
      return 0.5 * r * r;
    }

    @Override
    public double residual(double m, double y) {
      return m - y;
    }

    @Override
    public double curvature(double m) {
      return 1;
    }
  },

  /** Log loss, {@code L(m, y) = log(1 + e^m) - y m}, computed without overflow for any m. */
  LOGISTIC {
    @Override
    public double value(double m, double y) {
      // max(m, 0) - y m first: for a confident right answer (m = 40, y = 1) the two large terms
      // cancel exactly and the tiny log1p term survives, where softplus(m) - y m would give 0.
      return (Math.max(m, 0.0) - y * m) + Math.log1p(Math.exp(-Math.abs(m)));
    }

    @Override
    public double residual(double m, double y) {
      // For y >= 1/2 as (1 - y) - sigmoid(-m): the same number, without the cancellation of
      // sigmoid(m) - 1, which for m = 30 would leave only the rounding error of sigmoid(m).
      return y >= 0.5 ? (1 - y) - sigmoid(-m) : sigmoid(m) - y;
    }

    @Override
    public double curvature(double m) {
      // sigmoid(m) (1 - sigmoid(m)) = e^-|m| / (1 + e^-|m|)^2, without overflow.
      double e = Math.exp(-Math.abs(m));
      return e / ((1 + e) * (1 + e));
    }
  },

  /**
   * Multinomial (softmax) log loss over C classes, {@code l = logsumexp_k(m_k) - m_y}: the C
   * margins of a row are coupled, so its per-row formulas are in {@link Softmax}, and the
   * single-margin methods below throw.
   */
  MULTINOMIAL {
    @Override
    public double value(double m, double y) {
      throw perRow();
    }

    @Override
    public double residual(double m, double y) {
      throw perRow();
    }

    @Override
    public double curvature(double m) {
      throw perRow();
    }

    @Override
    public boolean coupled() {
      return true;
    }
  };

  private static UnsupportedOperationException perRow() {
    return new UnsupportedOperationException("the multinomial loss couples the margins of a row:"
        + " use Softmax");
  }

  /** True when a row's margins are coupled (multinomial): the loss is not a sum over columns. */
  public boolean coupled() {
    return false;
  }

  /** The loss of one row with margin m and target y. */
  public abstract double value(double m, double y);

  /** {@code dL/dm} at margin m and target y: the residual that multiplies z in the gradient. */
  public abstract double residual(double m, double y);

  /**
   * {@code d^2L/dm^2} at margin m: how much an error in the margin moves the residual (1 for
   * LINEAR, {@code sigmoid(m) (1 - sigmoid(m))} for LOGISTIC).
   */
  public abstract double curvature(double m);

  /** {@code log(1 + e^m)} without overflow: {@code max(m, 0) + log1p(e^{-|m|})}. */
  public static double softplus(double m) {
    return Math.max(m, 0.0) + Math.log1p(Math.exp(-Math.abs(m)));
  }

  /** {@code 1 / (1 + e^{-m})} without overflow for large |m|. */
  public static double sigmoid(double m) {
    if (m >= 0) {
      return 1.0 / (1.0 + Math.exp(-m));
    }
    double e = Math.exp(m);
    return e / (1.0 + e);
  }

  /** The name used on the command line and in model files: "linear", "logistic", "multinomial". */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
