package io.descent.loss;

/**
 * The multinomial (softmax) loss of one row, where the C margins of the row are coupled: the one
 * place its formulas are written.
 *
 * <p>With margins {@code m_1 .. m_C} and the row's class y (0-based),
 * {@code l = logsumexp_k(m_k) - m_y}, and its derivative with respect to margin k, the residual,
 * is {@code r_k = p_k - [k = y]} with {@code p_k = e^{m_k} / sum_j e^{m_j}}. The gradient of the
 * data term with respect to class k's parameters {@code (b_k, w_k)} is {@code (1/n) sum_i r_ik
 * (1, z_i)}, as for the other losses; the second derivative is {@code p_k ([k = j] - p_j)}.
 */
public final class Softmax {
  private Softmax() {}

  /**
   * The loss {@code logsumexp(m) - m_y} of margins {@code m[offset .. offset + classes)}, without
   * overflow for any margins and without cancellation when the row's own class dominates.
   */
  public static double loss(double[] m, int offset, int classes, int y) {
    int top = argmax(m, offset, classes);
    double max = m[offset + top];
    // logsumexp = max + log1p(sum over the others of e^(m_k - max)): the log1p keeps the small
    // term exact when one class dominates.
    double rest = 0;
    for (int k = 0; k < classes; k++) {
      if (k != top) {
        rest += Math.exp(m[offset + k] - max);
      }
    }
    return (max - m[offset + y]) + Math.log1p(rest);
  }

  /**
   * Writes the residuals {@code r_k = p_k - [k = y]} of margins {@code m[offset ..)} into
   * {@code r[rOffset .. rOffset + classes)}; {@code r_y} is formed as {@code -(sum of the other
   * p_k)}, which keeps it exact when {@code p_y} is near 1.
   */
  public static void residuals(double[] m, int offset, int classes, int y, double[] r,
      int rOffset) {
    double max = m[offset + argmax(m, offset, classes)];
    double sum = 0;
    for (int k = 0; k < classes; k++) {
      double e = Math.exp(m[offset + k] - max);
      r[rOffset + k] = e;
      sum += e;
    }
    double others = 0;
    for (int k = 0; k < classes; k++) {
      double p = r[rOffset + k] / sum;
      r[rOffset + k] = p;
      if (k != y) {
        others += p;
      }
    }
    r[rOffset + y] = -others;
  }

  /** The probabilities {@code p_k} of margins {@code m[offset ..)}, into {@code p[pOffset ..)}. */
  public static void probabilities(double[] m, int offset, int classes, double[] p, int pOffset) {
    double max = m[offset + argmax(m, offset, classes)];
    double sum = 0;
    for (int k = 0; k < classes; k++) {
      double e = Math.exp(m[offset + k] - max);
      p[pOffset + k] = e;
      sum += e;
    }
    for (int k = 0; k < classes; k++) {
      p[pOffset + k] /= sum;
    }
  }

  /** The index (0-based, relative to offset) of the largest margin; the first on ties. */
  public static int argmax(double[] m, int offset, int classes) {
    int top = 0;
    for (int k = 1; k < classes; k++) {
      if (m[offset + k] > m[offset + top]) {
        top = k;
      }
    }
    return top;
  }
}
