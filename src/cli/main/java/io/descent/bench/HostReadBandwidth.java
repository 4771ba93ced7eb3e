package io.descent.bench;

import io.descent.gradient.ReadBandwidth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The host's read bandwidth on a float32 array: the ceiling for a host backend's gradient
 * evaluation, which reads the same bytes once.
 *
 * <p>Each run splits the array into one contiguous slice per thread (all cores by default, the
 * calling thread taking the first) and sums every value. Eight independent float accumulators
 * per thread keep the adds off the critical path. An array read in less than a millisecond is
 * read several times per timed run (the time divided accordingly), so that handing the slices to
 * the threads is not counted as reading. The sum is kept in a field so the JIT cannot drop the
 * reads.
 *
 * <p>What the figure means: for data larger than the caches it is the memory's read rate (on the
 * 2-core AMD EPYC development machine, 256 MB: 30 to 34 GB/s with both cores). For data that fits
 * in cache it is the rate of scalar float adds, since the JIT does not vectorize a float
 * reduction: about 25 GB/s per core there, and 30 to 48 GB/s with both cores from one run to the
 * next (the second core is shared with whatever else the machine runs). A backend using SIMD
 * loads (OpenBLAS) can then exceed 100% of it. Measured and rejected: 16 or 32 lanes held in an
 * array, which the JIT could vectorize, were twice as slow (a store-to-load chain through the
 * array); an int sum of the raw bits was no faster.
 */
public final class HostReadBandwidth {
  /** Warm-up lasts at least this long (unless it reaches {@link #MAX_WARMUP_RUNS} runs). */
  static final long MIN_WARMUP_NANOS = 200_000_000L;
  /** Floats summed per call of the inner loop (64 KiB). */
  static final int BLOCK = 16 * 1024;
  /** A timed run reads a small array several times, to last about this long. */
  static final long MIN_RUN_NANOS = 1_000_000L;
  /** The most warm-up runs, whatever the time. */
  static final int MAX_WARMUP_RUNS = 10_000;

  /** The sum of the last run, kept so that no run's reads are dead code. */
  private static volatile double sink;

  private HostReadBandwidth() {}

  /**
   * Measures the read bandwidth over {@code data} with one thread per available core.
   *
   * @param data the array read (not modified); the dataset's own features serve
   * @param warmup untimed runs first, >= 0; warm-up also lasts at least 0.2 s, so that the
   *     timed runs are compiled code
   * @param repeats timed runs, >= 1; the result is their median
   * @param device the name to report, such as the CPU's
   */
  public static ReadBandwidth measure(float[] data, int warmup, int repeats, String device) {
    return measure(data, warmup, repeats, device, Runtime.getRuntime().availableProcessors());
  }

  /** As {@link #measure(float[], int, int, String)}, with {@code threads} threads (>= 1). */
  public static ReadBandwidth measure(float[] data, int warmup, int repeats, String device,
      int threads) {
    if (warmup < 0) {
      throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
    }
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    int slices = Math.max(1, Math.min(threads, data.length / 1024));
    ExecutorService pool = slices == 1 ? null : Executors.newFixedThreadPool(slices - 1, r -> {
      Thread t = new Thread(r, "descent-read-bandwidth");
      t.setDaemon(true);
      return t;
    });
    try {
      // Warm-up in two halves, so that the timed runs are compiled code doing what was warmed:
      // single reads, to find how long one read takes when compiled; then runs of as many reads
      // as make a millisecond (so that handing slices to the threads, tens of microseconds, is
      // not counted as reading), at least the asked-for number of them.
      long half = MIN_WARMUP_NANOS / 2;
      long fastest = Long.MAX_VALUE;
      long warmStart = System.nanoTime();
      for (int k = 0; k < MAX_WARMUP_RUNS && System.nanoTime() - warmStart < half; k++) {
        long start = System.nanoTime();
        sink = run(data, slices, pool, 1);
        fastest = Math.min(fastest, System.nanoTime() - start);
      }
      int passes = (int) Math.max(1, Math.min(1_000, MIN_RUN_NANOS / Math.max(1, fastest)));
      warmStart = System.nanoTime();
      for (int k = 0; k < MAX_WARMUP_RUNS
          && (k < warmup || System.nanoTime() - warmStart < half); k++) {
        sink = run(data, slices, pool, passes);
      }
      double[] seconds = new double[repeats];
      for (int k = 0; k < repeats; k++) {
        long start = System.nanoTime();
        sink = run(data, slices, pool, passes);
        seconds[k] = (System.nanoTime() - start) / 1e9 / passes;
      }
      return new ReadBandwidth(device + " (" + slices + (slices == 1 ? " thread)" : " threads)"),
          "host", (long) data.length * Float.BYTES, repeats, TimeStats.of(seconds).median());
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** {@code passes} reads of the whole array, each thread reading its slice that often. */
  private static double run(float[] data, int slices, ExecutorService pool, int passes) {
    int n = data.length;
    List<Future<Double>> others = new ArrayList<>(slices - 1);
    for (int s = 1; s < slices; s++) {
      int from = (int) ((long) n * s / slices);
      int to = (int) ((long) n * (s + 1) / slices);
      others.add(pool.submit(() -> sum(data, from, to, passes)));
    }
    double total = sum(data, 0, (int) ((long) n / slices), passes);
    try {
      for (Future<Double> f : others) {
        total += f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring read bandwidth", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("read bandwidth run failed: " + e.getCause(), e.getCause());
    }
    return total;
  }

  /**
   * The sum of {@code data[from, to)} read {@code passes} times, block by block. Short blocks
   * make {@link #sum(float[], int, int)} a method called often, which the JIT compiles whole;
   * one long loop was compiled on the stack instead (on-stack replacement), and the rate of that
   * code moved between 16 and 25 GB/s per core from one JVM to the next.
   */
  static double sum(float[] data, int from, int to, int passes) {
    double total = 0;
    for (int p = 0; p < passes; p++) {
      for (int b = from; b < to; b += BLOCK) {
        total += sum(data, b, Math.min(to, b + BLOCK));
      }
    }
    return total;
  }

  /** The sum of {@code data[from, to)}, with eight independent accumulators. */
  static double sum(float[] data, int from, int to) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      s0 += data[i];
      s1 += data[i + 1];
      s2 += data[i + 2];
      s3 += data[i + 3];
      s4 += data[i + 4];
      s5 += data[i + 5];
      s6 += data[i + 6];
      s7 += data[i + 7];
    }
    for (; i < to; i++) {
      s0 += data[i];
    }
    return (double) s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
  }
}
