package io.descent.data;

import java.util.SplittableRandom;

/**
 * Seeded row orders: a random permutation of {@code 0..n-1}, and a fresh one per epoch.
 *
 * <p>The shuffle is Fisher–Yates driven by {@link SplittableRandom}, so a seed gives the same
 * orders on every JVM and platform. Epoch k's order is the previous order shuffled again with the
 * same random stream; the first epoch's order equals {@link #permutation(int, long)} with the same
 * seed.
 *
 * <p>{@link #nextEpoch()} returns a new array each epoch rather than reshuffling the previous one
 * in place: backends may keep the order they last uploaded keyed by the array's identity (see
 * {@code io.descent.gradient.Batch}), and an array changed in place would look unchanged to them.
 * The allocation (4 bytes a row per epoch) is negligible next to an epoch's gradient work. A
 * caller that wants to reshuffle its own array in place uses {@link #shuffle(int[],
 * SplittableRandom)}.
 *
 * <p>Not thread-safe: one instance per training run.
 */
public final class Shuffle {
  private final int rows;
  private final long seed;
  private final SplittableRandom random;
  private int[] order;
  private int epochs;

  /**
   * Orders of {@code rows} rows drawn from {@code seed}.
   *
   * @throws IllegalArgumentException if rows is negative
   */
  public Shuffle(int rows, long seed) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    this.rows = rows;
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.order = identity(rows);
  }

  /** A random permutation of {@code 0..n-1} drawn from {@code seed}. */
  public static int[] permutation(int n, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    int[] p = identity(n);
    shuffle(p, new SplittableRandom(seed));
    return p;
  }

  /** Shuffles {@code values} in place (Fisher–Yates), drawing from {@code random}. */
  public static void shuffle(int[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }

  /**
   * The next epoch's row order: a new array, a permutation of {@code 0..rows-1}. Callers may
   * keep and read it but must not modify it.
   */
  public int[] nextEpoch() {
    int[] next = order.clone();
    shuffle(next, random);
    order = next;
    epochs++;
    return next;
  }

  /** The number of rows. */
  public int rows() {
    return rows;
  }

  /** The seed the orders are drawn from. */
  public long seed() {
    return seed;
  }

  /** How many epochs' orders have been handed out. */
  public int epochs() {
    return epochs;
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  @Override
  public String toString() {
    return "Shuffle[rows=" + rows + ", seed=" + seed + ", epochs=" + epochs + "]";
  }
}
