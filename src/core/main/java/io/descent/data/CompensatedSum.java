package io.descent.data;

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
    compensation += lost(sum, v);
    sum += v;
  }

  /**
   * What the float64 sum {@code a + b} loses: {@code a + b} is exactly {@code fl(a + b) + lost(a,
   * b)} when nothing overflows. Every compensated sum in the library adds these up, here and in
   * the backends' arrays of sums ({@link #add(double[], double[], int, double)}), which makes
   * them Neumaier sums. Computed by Knuth's TwoSum, without a branch (so a loop of them
   * vectorizes): the error of a rounded addition is exact, so this is bit for bit the value of
   * Neumaier's branch on the larger magnitude, {@code |a| >= |b| ? (a - t) + b : (b - t) + a}.
   */
  public static double lost(double a, double b) {
    double t = a + b;
    double bb = t - a;
    return (a - (t - bb)) + (b - bb);
  }

  /**
   * Adds v to the running sum {@code sums[j]}, keeping what the addition loses in {@code
   * lost[j]}; the compensated sum is {@code sums[j] + lost[j]}.
   */
  public static void add(double[] sums, double[] lost, int j, double v) {
    lost[j] += lost(sums[j], v);
    sums[j] += v;
  }

  /** The compensated sum; an infinite or NaN running sum is returned as it is. */
  public double value() {
    // Once the sum is infinite the compensation is NaN (inf - inf) and must not be added.
    return Double.isFinite(sum) ? sum + compensation : sum;
  }
}
