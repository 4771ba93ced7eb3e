package io.descent.data;

import java.util.List;
import java.util.Locale;

/**
 * A dataset, with what will be allocated after it, would not fit in the JVM's heap. Raised
 * before any row is parsed, so a too-large file fails in seconds with the figure to pass to
 * {@code -Xmx}, not after minutes with an {@link OutOfMemoryError}.
 *
 * <p>The message names each part of the need, the heap that is free, and an {@code -Xmx} that
 * would do: {@code data.csv: 200000 rows x 64 features need 67 MiB of heap (51 MiB for the
 * float32 features and float64 target, 16 MiB for the JVM and the libraries still to load) but
 * only 52 MiB of the 56 MiB heap is free: raise the heap, e.g. java -Xmx80m -jar descent.jar ...}
 */
public final class InsufficientMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final long MIB = 1L << 20;
  private final long needed;
  private final long available;
  private final long suggestedMaxHeap;

  /**
   * @param file the file being read
   * @param rows its data rows
   * @param features the features read from it
   * @param needs what the heap must hold, the dataset first
   * @param maxHeap the heap's size ({@link Runtime#maxMemory()})
   * @param used bytes of the heap in use (after a collection)
   */
  public InsufficientMemoryException(String file, long rows, int features, List<HeapNeed> needs,
      long maxHeap, long used) {
    this(file, rows, features, needs, total(needs, rows, features), maxHeap, used);
  }

  private InsufficientMemoryException(String file, long rows, int features,
      List<HeapNeed> needs, long needed, long maxHeap, long used) {
    super(String.format(Locale.ROOT, "%s: %d rows x %d features need %s of heap (%s) but only"
        + " %s of the %s heap is free: raise the heap, e.g. java -Xmx%dm -jar descent.jar ...",
        file, rows, features, human(needed), parts(needs, rows, features),
        human(maxHeap - used), human(maxHeap), suggestion(needed, used) / MIB));
    this.needed = needed;
    this.available = maxHeap - used;
    this.suggestedMaxHeap = suggestion(needed, used);
  }

  /** Bytes the dataset and what follows it need. */
  public long needed() {
    return needed;
  }

  /** Bytes the heap had free. */
  public long available() {
    return available;
  }

  /**
   * The {@code -Xmx} the message suggests, in bytes: what is in use now plus the need, with 5%
   * to spare, rounded up to 8 MiB.
   */
  public long suggestedMaxHeap() {
    return suggestedMaxHeap;
  }

  private static long total(List<HeapNeed> needs, long rows, int features) {
    long sum = 0;
    for (HeapNeed need : needs) {
      sum += need.bytes(rows, features);
      if (sum < 0) {
        return Long.MAX_VALUE;
      }
    }
    return sum;
  }

  private static long suggestion(long needed, long used) {
    double bytes = (needed + (double) used) * 1.05;
    long eights = (long) Math.ceil(bytes / (8 * MIB));
    return eights >= Long.MAX_VALUE / (8 * MIB) ? Long.MAX_VALUE : eights * 8 * MIB;
  }

  private static String parts(List<HeapNeed> needs, long rows, int features) {
    StringBuilder sb = new StringBuilder();
    for (HeapNeed need : needs) {
      long bytes = need.bytes(rows, features);
      if (bytes > 0) {
        sb.append(sb.length() > 0 ? ", " : "").append(human(bytes)).append(" for ")
            .append(need.what());
      }
    }
    return sb.toString();
  }

  private static String human(long bytes) {
    return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) MIB);
  }
}
