package io.descent.data;

/**
 * A dataset would not fit in the JVM's heap. Raised before any row is parsed, so a too-large
 * file fails in seconds with the figure to pass to {@code -Xmx}, not after minutes with an
 * {@link OutOfMemoryError}.
 */
public final class InsufficientMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long needed;
  private final long available;

  /**
   * @param file the file being read
   * @param rows its data rows
   * @param features the features read from it
   * @param needed bytes the dataset needs
   * @param available bytes the heap has left
   */
  public InsufficientMemoryException(String file, long rows, int features, long needed,
      long available) {
    super(String.format(java.util.Locale.ROOT, "%s: %d rows x %d features need %s of heap"
        + " (float32 features, float64 target) but only %s is available: raise the heap, e.g."
        + " java -Xmx%dm -jar descent.jar ...", file, rows, features, human(needed),
        human(available), (long) Math.ceil(needed * 1.25 / (1 << 20)) + 256));
    this.needed = needed;
    this.available = available;
  }

  /** Bytes the dataset needs. */
  public long needed() {
    return needed;
  }

  /** Bytes the heap had left. */
  public long available() {
    return available;
  }

  private static String human(long bytes) {
    return bytes >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.2f GiB",
        bytes / (double) (1L << 30))
        : String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
  }
}
