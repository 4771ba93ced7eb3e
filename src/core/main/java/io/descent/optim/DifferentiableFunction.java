package io.descent.optim;

/**
 * A real function of a vector together with its gradient, as the full-batch optimizers see it.
 *
 * <p>For training, x is {@code theta = (b, w_1..w_d)} and the value is the objective of
 * {@code io.descent.loss.Objective} over all rows; the trainer builds this adapter around a
 * gradient backend. An implementation must not modify or keep a reference it later modifies to
 * {@code x}; it may put {@code x} itself into the returned point.
 */
@FunctionalInterface
public interface DifferentiableFunction {
  /**
   * The value and gradient at x. A non-finite value (divergence, overflow) is allowed and is
   * treated by the line searches as a step that went too far.
   *
   * @param x the argument, not to be modified
   * @return the point at x, with a gradient of the same length as x
   */
  Point evaluate(double[] x);

  /**
   * The relative resolution of the computed value: two values within {@code relativeNoise() *
   * |f|} of each other cannot be told apart. 0 (the default) for a function computed to full
   * float64 accuracy; a function whose value comes from float32 arithmetic says so, and the
   * line searches then give up quickly on a step whose effect they cannot see, instead of
   * spending their whole budget on rounding noise.
   */
  default double relativeNoise() {
    return 0;
  }

  /**
   * This function with a declared relative noise.
   *
   * @param noise the relative resolution of the values, finite and &gt;= 0
   */
  default DifferentiableFunction withRelativeNoise(double noise) {
    if (!(noise >= 0) || !Double.isFinite(noise)) {
      throw new IllegalArgumentException("noise must be finite and >= 0, got " + noise);
    }
    DifferentiableFunction f = this;
    return new DifferentiableFunction() {
      @Override
      public Point evaluate(double[] x) {
        return f.evaluate(x);
      }

      @Override
      public double relativeNoise() {
        return noise;
      }
    };
  }
}
