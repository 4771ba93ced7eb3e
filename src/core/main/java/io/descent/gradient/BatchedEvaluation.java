package io.descent.gradient;

/**
 * What a batched evaluation returns for K weight columns grouped into models (see {@link
 * Columns}): each group's weighted mean data loss over the batch, the gradient of every column,
 * and each group's total row weight in the batch. All in standardized space, without penalties.
 *
 * <p>Layout: the parameters and the gradient are column-major, column k's {@code (b_k, w_k)} at
 * {@code [k * (d + 1), (k + 1) * (d + 1))}, intercept first, so column k is laid out as one
 * model's {@code theta}. A group with no weight in the batch has loss 0 and gradient 0.
 *
 * @param loss per group, {@code (sum_i s_ig l_ig) / (sum_i s_ig)} over the batch
 * @param gradient {@code (d + 1) x K}, column-major: {@code dLoss_g / dW_k} for the group g of k
 * @param weight per group, {@code sum_i s_ig} over the batch
 * @param columns K
 */
public record BatchedEvaluation(double[] loss, double[] gradient, double[] weight, int columns) {
  /** Checks that the gradient holds {@code columns} equal columns. */
  public BatchedEvaluation {
    if (columns < 1 || gradient.length % columns != 0) {
      throw new IllegalArgumentException("a gradient of " + gradient.length
          + " entries does not hold " + columns + " columns");
    }
  }

  /** {@code d + 1}, the parameters of one column. */
  public int parameters() {
    return gradient.length / columns;
  }

  /** Column k's gradient, copied: {@code d + 1} entries, intercept first. */
  public double[] column(int k) {
    int p = parameters();
    return java.util.Arrays.copyOfRange(gradient, k * p, (k + 1) * p);
  }
}
