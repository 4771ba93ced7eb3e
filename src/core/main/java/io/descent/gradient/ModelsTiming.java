package io.descent.gradient;

/**
 * One evaluation of K models per pass, timed next to the two bounds of its device measured in
 * the same run: reading the data once at the device's read bandwidth, and the evaluation's
 * arithmetic: its {@code 2 n d K} multiply-adds (the margins and the gradient of every column)
 * at the device's measured FMA rate, plus its {@code n K} link values (each margin to its
 * residual and loss: for the logistic loss an exp, a reciprocal and a log1p; for the softmax an
 * exp per class and a reciprocal and a log1p per row) at the rate the device runs the kernel's
 * own link code on values in registers. The link is arithmetic every evaluation must do
 * besides the multiply-adds, on the same vector units; a logistic value's costs about as much
 * as a third of its 128 multiply-adds at d = 64.
 *
 * @param device the device's name
 * @param models K
 * @param kernel the kernel that ran
 * @param seconds median seconds per evaluation
 * @param readSeconds the time the device's read bandwidth needs for the data
 * @param multiplyAddSeconds the time its FMA rate needs for the evaluation's multiply-adds
 * @param linkSeconds the time its link rate needs for the evaluation's n K margins (0 where it
 *     is not measured: the gpu layout)
 */
public record ModelsTiming(String device, int models, String kernel, double seconds,
    double readSeconds, double multiplyAddSeconds, double linkSeconds) {
  /** The arithmetic bound: the multiply-adds' time plus the link's. */
  public double arithmeticSeconds() {
    return multiplyAddSeconds + linkSeconds;
  }

  /** The bound that binds: the larger of the two. */
  public double boundSeconds() {
    return Math.max(readSeconds, arithmeticSeconds());
  }

  /** "read" or "arithmetic": which bound binds. */
  public String binding() {
    return readSeconds >= arithmeticSeconds() ? "read" : "arithmetic";
  }

  /** The evaluation's share of the binding bound: bound time over measured time. */
  public double share() {
    return boundSeconds() / seconds;
  }
}
