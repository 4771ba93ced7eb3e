package io.descent.model;

/**
 * A float64 sum with Neumaier compensation: the low-order bits each addition loses are kept in a
 * second accumulator, so the result is as good as summing in about twice the precision.
 */
public final class CompensatedSum {
  /** An empty sum, 0. */
  public CompensatedSum() {}

  private double sum;
  private double compensation;

  /** Adds one term. */
  public void add(double v) {
    double t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }

  /** The compensated sum; an infinite or NaN running sum is returned as it is. */
  public double value() {
    // Once the sum is infinite the compensation is NaN (inf - inf) and must not be added.
    return Double.isFinite(sum) ? sum + compensation : sum;
  }
}
