package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.Columns;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;

/**
 * Recomputes a backend's gradient with the {@link ReferenceBackend} and measures the error.
 *
 * <p>The gradient error is {@code ||g - g_ref|| / ||g_scale||} and the loss error
 * {@code |L - L_ref| / L_scale}, with the scales of {@link ReferenceBackend#evaluateScaled}: the
 * magnitudes of the summed terms, including how far rounding of each margin can move them. Away
 * from an optimum, over many rows, this is the usual relative error up to a modest factor; near
 * an optimum, or on a mini-batch of one well-fitted row, where the gradient or loss tends to 0
 * and the plain relative error of any floating-point computation grows without bound, it stays
 * meaningful: it is the quantity that rounding-error analysis bounds. Either above the backend's
 * {@link GradientBackend#tolerance()} fails with a {@link VerificationException}. The plain
 * relative errors are reported beside it.
 */
public final class Verifier {
  private final ReferenceBackend reference;
  private final double tolerance;
  private double largest;
  private int checks;

  /**
   * @param data the same rows the backend holds
   * @param standardization the same standardization
   * @param loss the same loss
   * @param tolerance the bound to enforce
   */
  public Verifier(Dataset data, Standardization standardization, Loss loss, double tolerance) {
    this(data, standardization, Columns.single(loss), tolerance);
  }

  /**
   * A verifier of a backend of one model over several columns (a multinomial model's C
   * classes): the parameters and gradients are the whole {@code (d + 1) x K} vectors, the loss
   * the model's, with the scales of {@link ReferenceBackend#evaluateColumnsScaled}.
   *
   * @throws IllegalArgumentException when the columns hold more than one model
   */
  public Verifier(Dataset data, Standardization standardization, Columns columns,
      double tolerance) {
    if (columns.groups() != 1) {
      throw new IllegalArgumentException("a verifier checks one model, not " + columns);
    }
    this.reference = new ReferenceBackend(data, standardization, columns);
    this.tolerance = tolerance;
  }

  /**
   * The result of one comparison: the scaled gradient error above, the plain relative gradient
   * error, the scaled loss error, and the reference evaluation.
   */
  public record Check(double error, double relativeError, double lossError, Evaluation reference) {}

  /** Compares without enforcing the tolerance. */
  public Check compare(double[] theta, Batch batch, Evaluation fast) {
    ReferenceBackend.ScaledColumns scaled = reference.evaluateColumnsScaled(theta, batch);
    Evaluation ref = new Evaluation(scaled.evaluation().loss()[0],
        scaled.evaluation().gradient());
    double[] scale = scaled.gradientScale();
    double diff = 0;
    double refNorm = 0;
    double scaleNorm = 0;
    for (int j = 0; j < theta.length; j++) {
      double e = fast.gradient()[j] - ref.gradient()[j];
      diff += e * e;
      refNorm += ref.gradient()[j] * ref.gradient()[j];
      scaleNorm += scale[j] * scale[j];
    }
    diff = Math.sqrt(diff);
    double error = diff / Math.max(Math.sqrt(scaleNorm), Double.MIN_NORMAL);
    double relative = diff / Math.max(Math.sqrt(refNorm), Double.MIN_NORMAL);
    double lossError = Math.abs(fast.loss() - ref.loss())
        / Math.max(scaled.lossScale()[0], Double.MIN_NORMAL);
    if (!Double.isFinite(fast.loss()) && !Double.isFinite(ref.loss())) {
      lossError = 0;
    }
    return new Check(error, relative, lossError, ref);
  }

  /**
   * Compares and enforces the tolerance on the gradient and the loss.
   *
   * @param step the iteration or step number, named in the error
   * @throws VerificationException when either error is above the tolerance
   */
  public Check verify(int step, double[] theta, Batch batch, Evaluation fast) {
    Check c = compare(theta, batch, fast);
    checks++;
    largest = Math.max(largest, Math.max(c.error(), c.lossError()));
    if (!(c.error() <= tolerance) || !(c.lossError() <= tolerance)) {
      throw new VerificationException(String.format(java.util.Locale.ROOT,
          "verification failed at step %d: gradient error %.3e (relative %.3e), loss error %.3e;"
              + " the backend's tolerance is %.1e (backend loss %.17g, reference %.17g)",
          step, c.error(), c.relativeError(), c.lossError(), tolerance, fast.loss(),
          c.reference().loss()));
    }
    return c;
  }

  /** The largest error seen so far (NaN when nothing was checked). */
  public double largestError() {
    return checks == 0 ? Double.NaN : largest;
  }

  /** How many comparisons {@link #verify} made. */
  public int checks() {
    return checks;
  }
}
