package io.descent.gradient;

/**
 * The rows an evaluation runs over: positions {@code from} (inclusive) to {@code to} (exclusive)
 * of a row order. With a null order, the positions are row numbers; otherwise they index into
 * {@code order}, a permutation of the rows (the epoch's shuffle).
 *
 * <p>Backends may keep the last order they saw on the device, keyed by identity, so a trainer
 * passes the same array for every batch of an epoch and a new array when it reshuffles.
 */
public record Batch(int[] order, int from, int to) {
  /** Checks {@code 0 <= from < to} and, with an order, {@code to <= order.length}. */
  public Batch {
    if (from < 0 || to <= from || (order != null && to > order.length)) {
      throw new IllegalArgumentException("batch must satisfy 0 <= from < to"
          + (order != null ? " <= " + order.length : "") + ", got from=" + from + ", to=" + to);
    }
  }

  /** All n rows in their natural order. */
  public static Batch all(int rows) {
    return new Batch(null, 0, rows);
  }

  /** The number of rows in the batch. */
  public int size() {
    return to - from;
  }

  /** The row at position k of the batch (0 <= k < size()). */
  public int row(int k) {
    return order == null ? from + k : order[from + k];
  }

  /** True when the batch is rows from..to in natural order. */
  public boolean contiguous() {
    return order == null;
  }

  /**
   * Checks that a contiguous batch ends within data of {@code rows} rows (a backend's check
   * before it evaluates; an ordered batch's rows are the order's to check).
   *
   * @throws IllegalArgumentException when it ends past the data
   */
  public void requireWithin(int rows) {
    if (contiguous() && to > rows) {
      throw new IllegalArgumentException("batch ends at " + to + " but data has " + rows
          + " rows");
    }
  }
}
