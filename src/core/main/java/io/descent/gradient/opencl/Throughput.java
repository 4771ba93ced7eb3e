package io.descent.gradient.opencl;

import java.util.Locale;

/**
 * One measured rate: the median time of a repeated operation over a block of float32 data, and
 * the bytes of data it covers per run.
 *
 * @param device the device's name
 * @param what what was timed ("read", "logistic evaluation", ...)
 * @param layout the kernel layout, "cpu" or "gpu"
 * @param bytes the data bytes one run covers ({@code rows * features * 4})
 * @param repeats the number of timed runs (after warm-up)
 * @param medianSeconds the median wall time of one run, read-back of the results included
 */
public record Throughput(String device, String what, String layout, long bytes, int repeats,
    double medianSeconds) {

  /** {@code bytes / medianSeconds / 1e9}. */
  public double gigabytesPerSecond() {
    return bytes / medianSeconds / 1e9;
  }

  /** One line, e.g. {@code read: 16.2 GB/s (median of 20, 15.8 ms, cpu layout)}. */
  public String summary() {
    return String.format(Locale.ROOT, "%s: %.2f GB/s (median of %d, %.2f ms, %s layout)", what,
        gigabytesPerSecond(), repeats, medianSeconds * 1e3, layout);
  }
}
