package io.descent.bench;

import java.util.Arrays;

/**
 * The spread of repeated timings of one operation.
 *
 * @param median the median, in seconds (the mean of the two middle values for an even count)
 * @param min the fastest run
 * @param max the slowest run
 * @param count how many runs
 */
public record TimeStats(double median, double min, double max, int count) {
  /** Checks {@code 0 <= min <= median <= max} and a positive count. */
  public TimeStats {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    if (!(min >= 0 && min <= median && median <= max)) {
      throw new IllegalArgumentException("need 0 <= min <= median <= max, got " + min + ", "
          + median + ", " + max);
    }
  }

  /** The statistics of the given timings in seconds (at least one). */
  public static TimeStats of(double[] seconds) {
    if (seconds.length == 0) {
      throw new IllegalArgumentException("need at least one timing");
    }
    double[] s = seconds.clone();
    Arrays.sort(s);
    int n = s.length;
    double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return new TimeStats(median, s[0], s[n - 1], n);
  }
}
