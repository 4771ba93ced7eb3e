package io.descent.gradient;

/**
 * One evaluation of K models per pass, timed next to the two bounds of its device measured in
 * the same run: reading the data once at the device's read bandwidth, and the evaluation's
 * {@code 2 n d K} multiply-adds (the margins and the gradient of every column) at its measured
 * FMA rate.
 *
 * @param device the device's name
 * @param models K
 * @param kernel the kernel that ran
 * @param seconds median seconds per evaluation
 * @param readSeconds the time the device's read bandwidth needs for the data
 * @param arithmeticSeconds the time its FMA rate needs for the evaluation's multiply-adds
 */
public record ModelsTiming(String device, int models, String kernel, double seconds,
    double readSeconds, double arithmeticSeconds) {
  /** The bound that binds: the larger of the two. */
  public double boundSeconds() {
    return Math.max(readSeconds, arithmeticSeconds);
  }

  /** "read" or "arithmetic": which bound binds. */
  public String binding() {
    return readSeconds >= arithmeticSeconds ? "read" : "arithmetic";
  }

  /** The evaluation's share of the binding bound: bound time over measured time. */
  public double share() {
    return boundSeconds() / seconds;
  }
}
