package io.descent.optim;

/**
 * What one call of {@link FullBatchOptimizer.Run#iterate()} did.
 *
 * @param point the current point after the iteration: the accepted trial point, or, when the line
 *     search failed, the unchanged previous point (never a worse one)
 * @param stepSize the accepted step length along the search direction (for gradient descent, the
 *     learning rate actually taken); 0 when the line search failed
 * @param evaluations function evaluations spent in this iteration
 * @param lineSearchFailed true when no acceptable step was found along any direction tried. This
 *     is what happens once the gradient is at the noise floor of the function (for example a
 *     float32 backend near the optimum) or when the gradient does not match the function; a
 *     trainer should stop there, keeping {@code point}, which is the best point found.
 */
public record Iteration(Point point, double stepSize, int evaluations, boolean lineSearchFailed) {
  /** Checks the point is present and the counts are non-negative. */
  public Iteration {
    java.util.Objects.requireNonNull(point, "point");
    if (evaluations < 0) {
      throw new IllegalArgumentException("evaluations must be >= 0, got " + evaluations);
    }
    if (!(stepSize >= 0)) {
      throw new IllegalArgumentException("stepSize must be >= 0, got " + stepSize);
    }
  }
}
