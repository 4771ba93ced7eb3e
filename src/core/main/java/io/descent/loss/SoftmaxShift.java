package io.descent.loss;

import java.util.Arrays;

/**
 * The one direction a multinomial model's penalty alone decides. The softmax does not change
 * when the same number {@code c} is added to every class's weight of a feature, so along that
 * shift the data term is flat and only the penalty {@code l1 sum_k |w_kj + c| + (l2/2) sum_k
 * (w_kj + c)^2} varies; a quasi-Newton method sees no curvature there and crawls. This class
 * moves each feature's weights to the exact minimizer of that one-dimensional, convex, piecewise
 * quadratic function (its breakpoints are the K values {@code -w_kj}), which changes neither the
 * margins nor the data term's gradient.
 *
 * <p>Layout as {@link io.descent.gradient.BatchedEvaluation}: K columns of {@code parameters =
 * d + 1} entries, each column's intercept first (intercepts are free and left alone).
 */
public final class SoftmaxShift {
  /** A move must lower a feature's penalty by more than this relative amount to be made. */
  static final double RELATIVE_GAIN = 1e-12;

  private final int classes;
  private final int parameters;
  private final double l1;
  private final double l2;

  /**
   * @param classes K, at least 2
   * @param parameters d + 1 per class
   * @param l1 the L1 strength, &gt; 0 (without it the L2 optimum is already centered)
   * @param l2 the L2 strength, &gt;= 0
   */
  public SoftmaxShift(int classes, int parameters, double l1, double l2) {
    if (classes < 2 || parameters < 1 || !(l1 > 0) || !(l2 >= 0)) {
      throw new IllegalArgumentException("need classes >= 2, parameters >= 1, l1 > 0, l2 >= 0");
    }
    this.classes = classes;
    this.parameters = parameters;
    this.l1 = l1;
    this.l2 = l2;
  }

  /**
   * The shifted weights, or null when no feature's penalty drops by more than rounding.
   *
   * @param w K columns of d + 1 parameters, not modified
   * @param shifts receives each feature's shift c_j (index j - 1), d entries
   * @return the moved parameters (a copy), or null
   */
  public double[] move(double[] w, double[] shifts) {
    double[] out = null;
    double[] v = new double[classes];
    for (int j = 1; j < parameters; j++) {
      for (int k = 0; k < classes; k++) {
        v[k] = w[k * parameters + j];
      }
      double c = best(v);
      shifts[j - 1] = 0;
      if (c == 0) {
        continue;
      }
      double before = penalty(v, 0);
      double after = penalty(v, c);
      if (!(after < before - RELATIVE_GAIN * before)) {
        continue;
      }
      if (out == null) {
        out = w.clone();
      }
      shifts[j - 1] = c;
      for (int k = 0; k < classes; k++) {
        int at = k * parameters + j;
        // At a breakpoint c = -v_k, so v_k + c is exactly 0: the shift makes zeros.
        out[at] = v[k] + c == 0 ? 0 : v[k] + c;
      }
    }
    return out;
  }

  /** The penalty of one feature's K weights shifted by c. */
  double penalty(double[] v, double c) {
    double a = 0;
    double q = 0;
    for (double x : v) {
      double s = x + c;
      a += Math.abs(s);
      q += s * s;
    }
    return l1 * a + 0.5 * l2 * q;
  }

  /**
   * The minimizer of {@link #penalty} over c, among the breakpoints {@code -v_k} and each
   * piece's stationary point (clipped to the piece); 0 when it is no better than 0.
   */
  double best(double[] v) {
    double[] t = new double[classes];
    double sum = 0;
    for (int k = 0; k < classes; k++) {
      t[k] = -v[k];
      sum += v[k];
    }
    Arrays.sort(t);
    double bestC = 0;
    double bestValue = penalty(v, 0);
    for (int i = 0; i < classes; i++) {
      double value = penalty(v, t[i]);
      if (value < bestValue) {
        bestValue = value;
        bestC = t[i];
      }
    }
    if (l2 > 0) {
      // Between breakpoints t[i-1] < c < t[i], c exceeds i of the -v_k: i of the K values
      // v_k + c are positive.
      for (int i = 0; i <= classes; i++) {
        int positive = i;
        int negative = classes - i;
        double c = -(l1 * (positive - negative) + l2 * sum) / (classes * l2);
        double lo = i == 0 ? Double.NEGATIVE_INFINITY : t[i - 1];
        double hi = i == classes ? Double.POSITIVE_INFINITY : t[i];
        if (c > lo && c < hi) {
          double value = penalty(v, c);
          if (value < bestValue) {
            bestValue = value;
            bestC = c;
          }
        }
      }
    }
    return bestC;
  }
}
