package io.descent.gradient;

import java.util.Locale;

/**
 * The measured read bandwidth of a device: the median time of a kernel that only reads and sums
 * a {@code rows x features} float32 buffer. It is the ceiling a gradient evaluation (which reads
 * the same bytes once) can approach.
 *
 * @param device the device's name
 * @param layout the access pattern ("cpu" or "gpu" kernel layout, or "host" for a Java read)
 * @param bytes bytes read per run
 * @param repeats timed runs
 * @param medianSeconds median time of one run
 */
public record ReadBandwidth(String device, String layout, long bytes, int repeats,
    double medianSeconds) {
  /** {@code bytes / medianSeconds / 1e9}. */
  public double gigabytesPerSecond() {
    return bytes / medianSeconds / 1e9;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s read: %.2f GB/s (%s, median of %d)", device,
        gigabytesPerSecond(), layout, repeats);
  }
}
