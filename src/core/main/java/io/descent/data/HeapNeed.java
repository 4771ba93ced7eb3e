package io.descent.data;

import java.util.Objects;

/**
 * Heap that a caller will need once the data is read, by the data's size, so that {@link
 * CsvReader} can check it with the dataset itself before reading any row (see {@link
 * CsvReader#withHeapNeeds}): a run that cannot fit then fails in seconds, naming the memory it
 * needs, instead of with an {@link OutOfMemoryError} after the reading and part of the work.
 *
 * <p>The need for {@code n} rows of {@code d} features is {@code bytesPerCell * n * d +
 * bytesPerRow * n + fixedBytes}.
 *
 * @param what what the memory is for, as a message names it ("the validation split's copies")
 * @param bytesPerCell bytes per feature value, at least 0
 * @param bytesPerRow bytes per row, at least 0
 * @param fixedBytes bytes whatever the size, at least 0
 */
public record HeapNeed(String what, long bytesPerCell, long bytesPerRow, long fixedBytes) {
  /** The dataset itself: float32 features and a float64 target. */
  public static final HeapNeed DATASET =
      new HeapNeed("the float32 features and float64 target", Float.BYTES, Double.BYTES, 0);

  /** Checks every field; see the parameters for the rules. */
  public HeapNeed {
    Objects.requireNonNull(what, "what");
    if (what.isBlank()) {
      throw new IllegalArgumentException("what must say what the memory is for");
    }
    if (bytesPerCell < 0 || bytesPerRow < 0 || fixedBytes < 0) {
      throw new IllegalArgumentException("bytesPerCell, bytesPerRow and fixedBytes must be >= 0,"
          + " got " + bytesPerCell + ", " + bytesPerRow + ", " + fixedBytes);
    }
  }

  /** The bytes needed for {@code rows} rows of {@code features} features (saturating). */
  public long bytes(long rows, int features) {
    try {
      return Math.addExact(Math.addExact(Math.multiplyExact(Math.multiplyExact(bytesPerCell,
          rows), features), Math.multiplyExact(bytesPerRow, rows)), fixedBytes);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
