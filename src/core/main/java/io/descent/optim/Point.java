package io.descent.optim;

import java.util.Arrays;
import java.util.Objects;

/**
 * A function's value and gradient at one point.
 *
 * <p>The arrays are shared, not copied: whoever builds a point hands its arrays over and neither
 * side modifies them afterwards. The optimizers in this package never modify the arrays of a point
 * they receive or return.
 *
 * @param x where the function was evaluated
 * @param value {@code f(x)}; may be NaN or infinite, which the optimizers treat as "too far"
 * @param gradient {@code grad f(x)}, the same length as x
 */
public record Point(double[] x, double value, double[] gradient) {
  /** Checks that x and the gradient are present and of the same length. */
  public Point {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(gradient, "gradient");
    if (x.length != gradient.length) {
      throw new IllegalArgumentException("gradient must have as many entries as x (" + x.length
          + "), got " + gradient.length);
    }
  }

  /** The Euclidean norm of the gradient. */
  public double gradientNorm() {
    return Vectors.norm(gradient);
  }

  @Override
  public String toString() {
    return "Point[x=" + Arrays.toString(x) + ", value=" + value + ", gradient="
        + Arrays.toString(gradient) + "]";
  }
}
