package io.descent.loss;

/**
 * The two strengths of the elastic-net penalty {@code l1 ||w||_1 + (l2/2) ||w||_2^2}, and their
 * Spark MLlib parameterization: {@code regParam R} and {@code elasticNetParam A} mean {@code l1 =
 * R A} and {@code l2 = R (1 - A)} (Spark's penalty {@code R (A ||w||_1 + ((1 - A)/2)
 * ||w||_2^2)}): A = 1 is the lasso, A = 0 ridge.
 *
 * @param l1 the L1 strength, finite and {@code >= 0}
 * @param l2 the L2 strength, finite and {@code >= 0}
 */
public record ElasticNet(double l1, double l2) {
  /** Checks both strengths. */
  public ElasticNet {
    if (!(l1 >= 0) || !Double.isFinite(l1)) {
      throw new IllegalArgumentException("l1 must be finite and >= 0, got " + l1);
    }
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
  }

  /** Spark's default L1 share of the regularization parameter: {@value}, ridge. */
  public static final double DEFAULT_ELASTIC_NET_PARAM = 0;

  /**
   * Spark's parameters: {@code l1 = regParam * elasticNetParam}, {@code l2 = regParam * (1 -
   * elasticNetParam)}.
   *
   * @param regParam the overall strength R, finite and {@code >= 0}
   * @param elasticNetParam the L1 share A, in [0, 1]
   */
  public static ElasticNet spark(double regParam, double elasticNetParam) {
    if (!(regParam >= 0) || !Double.isFinite(regParam)) {
      throw new IllegalArgumentException("the regularization parameter must be finite and >= 0,"
          + " got " + regParam);
    }
    if (!(elasticNetParam >= 0 && elasticNetParam <= 1)) {
      throw new IllegalArgumentException("the elastic-net parameter must be in [0, 1], got "
          + elasticNetParam);
    }
    return new ElasticNet(regParam * elasticNetParam, regParam * (1 - elasticNetParam));
  }
}
