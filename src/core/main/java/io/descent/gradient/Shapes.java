package io.descent.gradient;

/**
 * The shape checks every backend makes on the parameters it is given, written once: one
 * column's {@code theta} of {@code d + 1} entries, or K columns' parameters of {@code (d + 1) x
 * K} entries (column-major, column k's {@code (b_k, w_k)} at {@code k * (d + 1)}).
 */
public final class Shapes {
  private Shapes() {}

  /**
   * Checks one column's parameters.
   *
   * @param parameters d + 1
   * @throws IllegalArgumentException when theta has another length
   */
  public static void requireTheta(double[] theta, int parameters) {
    if (theta.length != parameters) {
      throw new IllegalArgumentException("theta must have " + parameters + " entries, got "
          + theta.length);
    }
  }

  /**
   * Checks K columns' parameters.
   *
   * @param parameters d + 1, the parameters of one column
   * @param columns K
   * @throws IllegalArgumentException when w has another length
   */
  public static void requireParameters(double[] w, int parameters, int columns) {
    if (w.length != parameters * columns) {
      throw new IllegalArgumentException("the parameters must have (d + 1) x K = " + parameters
          + " x " + columns + " entries, got " + w.length);
    }
  }
}
