package io.descent.gradient;

import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The rows' moments ({@link Moments}) computed on the host in float64, fast: what the
 * reference kind's moments-only open ({@link Backends#normalEquations}) runs, with no runtime to
 * start (an OpenCL platform and a kernel build cost 0.4 to 2 s before the first row on a CPU
 * device under PoCL, more than this takes for a million rows of 64 features).
 *
 * <p>The same terms as {@link Moments#of}, bit for bit: {@code (s_i a_ij) a_ik} with {@code a_i =
 * [1, x_i - c, y_i - c_y]} formed in float64 from the float32 values; only the order of the sums
 * differs. The rows are cut into segments that depend only on the problem ({@link #segments}:
 * its rows, features and folds), never on the threads; a thread takes one segment after another,
 * {@value #GROUP} rows at a time (a rank-4 update of its block sums, which the JIT compiles to
 * vector multiply-adds along each row of the triangle), sums plain float64 over {@value
 * #BLOCK_ROWS} rows, and adds those block sums into the segment's totals with Neumaier
 * compensation; the segments' compensated totals are added in segment order. So the error
 * against the oracle is a few roundings of one block's sum of {@value #BLOCK_ROWS} terms (tested
 * to 1e-12 relative, against the terms' magnitudes), and the same input gives the same bits on
 * any number of threads (each thread's contiguous run of rows, as before, gave other bits on 3
 * or 16 processors than on 2).
 */
public final class HostMoments {
  /** Rows summed plainly before they are added into the compensated totals: {@value}. */
  static final int BLOCK_ROWS = 256;
  /** Rows of one rank-k update of the block sums: {@value}. */
  static final int GROUP = 4;
  /** The fewest rows worth a thread of their own, and of a segment: {@value}. */
  static final int ROWS_PER_THREAD = 8192;
  /**
   * The most bytes the segments' totals take together: {@value} (so a problem of many features
   * or folds has fewer, longer segments).
   */
  static final long SEGMENT_TOTALS_BYTES = 32L << 20;
  /** The most segments: {@value}, enough to keep any thread count near even. */
  static final int MAX_SEGMENTS = 256;

  /**
   * The most multiply-adds per thread for which an automatic backend choice computes the moments
   * here rather than on an OpenCL device: {@value}. Where OpenCL opens it pays a fixed start (a
   * platform, a context and the moments kernel's build: about 0.9 s of wall time on a 2-core
   * AVX2 EPYC under PoCL with its kernel cache warm, measured under load, 0.4 to 0.8 s of it the
   * platform alone) and then its pass, which on that CPU does about twice the multiply-adds per
   * second of this code (vector register tiles against what the JIT makes of the rank-4
   * updates). Fitted to linear paths timed phase by phase, alternating the two in one session
   * (load average 8 to 10): at 100,000 x 64 (1.1e8 per thread on 2 threads) the host's open
   * took 0.5 s against OpenCL's 0.9 to 1.3 s; at 1,000,000 x 64 (1.1e9 per thread) 5.8 to 6.0 s
   * against 2.3 to 3.4 s, so the two lines cross near 2.4e8 per thread; with the updates
   * vectorized (see {@code update}) 2.2 to 3.3 s against 1.2 to 1.8 s at 1,000,000 x 64, a
   * crossing near 5e8. Since OpenCL's open builds the moments kernel from a cached binary
   * ({@code ProgramBinaries}: 30 to 100 ms instead of 0.3 to 0.8 s) its start is mostly the
   * platform's, and the crossing moved down: alternating linear paths' opens in one session
   * (load 9 to 11), 100,000 x 64 took 1.15 to 1.25 s on the host against 0.71 to 0.86 s on
   * OpenCL (3 pairs), 20,000 x 64 (2.2e7 per thread) 0.64 to 0.88 s against 0.99 to 1.04 s and
   * 5,000 x 64 0.36 to 0.41 s against 0.56 to 0.66 s (2 pairs each): a crossing between 2.2e7
   * and 1.1e8, then taken as 5e7. Measured again on a quiet machine (a 2-core AVX-512 EPYC, load
   * about 1, PoCL's kernel cache and program binaries warm, {@code descent path --loss linear
   * --json} with {@code --backend reference} and {@code opencl} alternating, the fit's seconds):
   * 100,000 x 64 (1.1e8 per thread) 0.20-0.26 s on the host against 0.32-0.44 s (3 pairs),
   * 300,000 x 64 0.23-0.29 s against 0.34-0.35 s (3 pairs), 600,000 x 64 (6.6e8) 0.32-0.39 s
   * against 0.37-0.47 s (4 pairs), 1,000,000 x 64 0.32-0.35 s against 0.34-0.40 s (the open
   * alone, 3 pairs): the host's line is about 0.22 s + 0.15 s per million rows, OpenCL's 0.34 s
   * (its start, 0.15-0.2 s of it, and the program) + 0.04 s per million, crossing near 1.1e6 rows
   * of 64 features (1.2e9 per thread). On a CPU with half the vector width (AVX2) both passes
   * take about twice as long and the crossing falls to about half; so {@value}, about 450,000
   * rows of 64 features on 2 threads, on the host's side of both. The rule uses only the
   * problem's size and this process's thread count, never which device OpenCL would offer
   * (finding out is the start it avoids).
   */
  public static final double AUTO_MAX_MULTIPLY_ADDS_PER_THREAD = 5e8;

  private HostMoments() {}

  /**
   * The multiply-adds of the moments of n rows of d features: {@code n (d + 2)(d + 3) / 2}, one
   * per entry of the triangle per row.
   */
  public static double multiplyAdds(int rows, int features) {
    return (double) rows * Moments.size(features);
  }

  /**
   * Whether an automatic backend choice should compute the moments of n rows of d features on
   * the host ({@link #AUTO_MAX_MULTIPLY_ADDS_PER_THREAD}).
   */
  public static boolean preferred(int rows, int features) {
    return multiplyAdds(rows, features) / threads(rows) <= AUTO_MAX_MULTIPLY_ADDS_PER_THREAD;
  }

  /** What computed the moments, for {@link GramBackend#source()}. */
  public static BackendInfo info(int threads) {
    return new BackendInfo(BackendKind.REFERENCE, "Java (host CPU, " + threads + " thread"
        + (threads == 1 ? "" : "s") + ")", "float64", "-");
  }

  /** The threads {@link #compute} uses for n rows: the processors, fewer for few rows. */
  public static int threads(int rows) {
    int cores = Runtime.getRuntime().availableProcessors();
    return Math.max(1, Math.min(cores, rows / ROWS_PER_THREAD));
  }

  /**
   * The moments of each fold's rows about {@code shift} and the data's weighted mean target.
   *
   * @param rowFold every row's fold, or null for one set of every row
   * @param folds the number of folds, at least {@link Moments#folds(int[])}
   * @param threads the threads to use, {@code >= 1} (see {@link #threads})
   */
  public static Moments[] compute(Dataset data, double[] shift, int[] rowFold, int folds,
      int threads) {
    int d = data.features();
    if (shift.length != d) {
      throw new IllegalArgumentException("a shift of " + shift.length + " values for " + d
          + " features");
    }
    if (rowFold != null && rowFold.length != data.rows()) {
      throw new IllegalArgumentException(data.rows() + " rows but " + rowFold.length
          + " row folds");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    double targetShift = Moments.targetShift(data);
    int n = data.rows();
    int segments = segments(n, d, folds);
    Part[] parts = new Part[segments];
    for (int k = 0; k < segments; k++) {
      parts[k] = new Part(data, shift, targetShift, rowFold, folds,
          (int) ((long) n * k / segments), (int) ((long) n * (k + 1) / segments));
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int k = next.getAndIncrement(); k < segments; k = next.getAndIncrement()) {
        parts[k].run();
      }
    };
    int t = Math.max(1, Math.min(threads, segments));
    Thread[] helpers = new Thread[t - 1];
    for (int k = 1; k < t; k++) {
      helpers[k - 1] = new Thread(worker, "descent-moments-" + k);
      helpers[k - 1].setDaemon(true);
      helpers[k - 1].start();
    }
    worker.run();
    boolean interrupted = false;
    for (Thread h : helpers) {
      while (true) {
        try {
          h.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    for (Part part : parts) {
      if (part.failure != null) {
        throw part.failure;
      }
    }
    int size = Moments.size(d);
    Moments[] result = new Moments[folds];
    for (int f = 0; f < folds; f++) {
      double[] sums = new double[size];
      double[] lost = new double[size];
      for (Part part : parts) {
        for (int e = 0; e < size; e++) {
          CompensatedSum.add(sums, lost, e, part.sums[f][e]);
          CompensatedSum.add(sums, lost, e, part.lost[f][e]);
        }
      }
      for (int e = 0; e < size; e++) {
        sums[e] += lost[e];
      }
      result[f] = new Moments(shift, targetShift, sums);
    }
    return result;
  }

  /**
   * The segments of n rows of d features in {@code folds} folds: one per {@link
   * #ROWS_PER_THREAD} rows, at most {@link #MAX_SEGMENTS}, and as many as {@link
   * #SEGMENT_TOTALS_BYTES} holds of their totals; at least one. A function of the problem alone.
   */
  static int segments(int rows, int features, int folds) {
    long totalsBytes = 2L * Double.BYTES * folds * Moments.size(features);
    long byMemory = Math.max(1, SEGMENT_TOTALS_BYTES / totalsBytes);
    long byRows = Math.max(1, rows / ROWS_PER_THREAD);
    return (int) Math.min(MAX_SEGMENTS, Math.min(byRows, byMemory));
  }

  /** One segment's rows and its compensated totals per fold (packed triangles). */
  private static final class Part implements Runnable {
    private final Dataset data;
    private final double[] shift;
    private final double targetShift;
    private final int[] rowFold;
    private final int from;
    private final int to;
    final double[][] sums;
    final double[][] lost;
    /** The part's copy of one row's features where the dataset keeps them off the heap. */
    private final float[] offHeapRow;
    RuntimeException failure;

    Part(Dataset data, double[] shift, double targetShift, int[] rowFold, int folds, int from,
        int to) {
      this.data = data;
      this.shift = shift;
      this.targetShift = targetShift;
      this.rowFold = rowFold;
      this.from = from;
      this.to = to;
      int size = Moments.size(data.features());
      this.sums = new double[folds][size];
      this.lost = new double[folds][size];
      this.offHeapRow = data.offHeapRows().isPresent() ? new float[data.features()] : null;
    }

    @Override
    public void run() {
      try {
        for (int f = 0; f < sums.length; f++) {
          fold(f);
        }
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    /**
     * The rows of fold f (every row without folds) in this part: block after block of {@value
     * #BLOCK_ROWS} rows ({@link #block}), each added into the compensated totals. The loops are
     * split into small methods that are called many times ({@link #block} per block, {@link
     * #stage} per row, {@link #update} per group), so that the JIT compiles each as a whole
     * after its first calls; written as one method with every branch inside one loop over the
     * part's rows, its on-stack compilations were thrown away whenever a branch first taken
     * late (a block's end, a group's) ran, and a fresh JVM's first million rows of 64
     * features took about twice as long as the next (630 to 810 ms against 325 to 370 ms on 2
     * threads of a 2-core EPYC under load 3).
     */
    private void fold(int f) {
      int p = data.features() + 2;
      // The block's sums, row j from column j on (one array per row: see update), the
      // group's rows.
      double[][] block = new double[p][p];
      double[][] a = new double[GROUP][p];
      double[][] wa = new double[GROUP][p];
      for (int r = 0; r < GROUP; r++) {
        a[r][0] = 1;
      }
      int i = from;
      while (i < to) {
        i = block(f, i, block, a, wa, p);
        addBlock(block, sums[f], lost[f], p);
      }
    }

    /**
     * Sums the rows of fold f from row i on into {@code block}, in groups of {@value #GROUP},
     * until {@value #BLOCK_ROWS} rows are in or the part ends (the last group then short, its
     * missing rows weighing 0); returns the row after the last one looked at.
     */
    private int block(int f, int i, double[][] block, double[][] a, double[][] wa, int p) {
      int inBlock = 0;
      while (inBlock < BLOCK_ROWS && i < to) {
        int inGroup = 0;
        while (inGroup < GROUP && i < to) {
          if (stage(f, i, a[inGroup], wa[inGroup])) {
            inGroup++;
          }
          i++;
        }
        if (inGroup == 0) {
          break;
        }
        for (int r = inGroup; r < GROUP; r++) {
          java.util.Arrays.fill(wa[r], 0);
        }
        update(block, a, wa, p);
        inBlock += inGroup;
      }
      return i;
    }

    /**
     * Row i's augmented values into {@code ar} (from index 1: index 0 holds the constant) and
     * their weighted copy into {@code wr}; false, and nothing written, for a row of weight 0
     * or of another fold.
     */
    private boolean stage(int f, int i, double[] ar, double[] wr) {
      double s = data.weight(i);
      if (s == 0 || (rowFold != null && rowFold[i] != f)) {
        return false;
      }
      int d = data.features();
      float[] x;
      int base;
      if (offHeapRow != null) {
        data.copyRows(i, 1, offHeapRow, 0);
        x = offHeapRow;
        base = 0;
      } else {
        x = data.x();
        base = i * d;
      }
      for (int j = 0; j < d; j++) {
        ar[j + 1] = x[base + j] - shift[j];
      }
      ar[d + 1] = data.y()[i] - targetShift;
      for (int j = 0; j < d + 2; j++) {
        wr[j] = s * ar[j];
      }
      return true;
    }

    /** Adds the block's sums into the compensated totals, in packed order, and zeroes it. */
    private static void addBlock(double[][] block, double[] total, double[] gone, int p) {
      int t = 0;
      for (int j = 0; j < p; j++) {
        double[] row = block[j];
        for (int k = j; k < p; k++) {
          CompensatedSum.add(total, gone, t++, row[k]);
        }
        java.util.Arrays.fill(row, 0);
      }
    }

    /**
     * Adds the group's four rows into the block: {@code block[j][k] += sum_r wa_r[j] a_r[k]}
     * for k &gt;= j, in row order. Each row of the block is its own array, indexed by k as the
     * rows' values are: then the JIT sees that a store to {@code block[j][k]} cannot reach
     * another k's load, and vectorizes the loop over k. With the block one p x p array (the
     * store at {@code j * p + k}, the loads at k) it could not rule out that the arrays alias
     * and left the loop scalar: about half the speed (200,000 x 64 rows' updates in 85 to 115
     * ms of one thread's CPU time against 145 to 240 ms, alternating in one JVM, under load).
     */
    private static void update(double[][] block, double[][] a, double[][] wa, int p) {
      double[] a0 = a[0];
      double[] a1 = a[1];
      double[] a2 = a[2];
      double[] a3 = a[3];
      for (int j = 0; j < p; j++) {
        double w0 = wa[0][j];
        double w1 = wa[1][j];
        double w2 = wa[2][j];
        double w3 = wa[3][j];
        double[] row = block[j];
        for (int k = j; k < p; k++) {
          row[k] += w0 * a0[k] + w1 * a1[k] + w2 * a2[k] + w3 * a3[k];
        }
      }
    }
  }
}
