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
}
