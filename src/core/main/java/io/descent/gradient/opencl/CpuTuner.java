package io.descent.gradient.opencl;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures which {@link CpuShape} is fastest on one device and precision, and caches the answer
 * ({@link TuningCache}): for the register widths a device reports are not enough to know
 * whether, say, 4 or 8 rows per block keeps more of its pipelines busy.
 *
 * <p>Every candidate is opened on the same {@value #ROWS} x {@value #FEATURES} logistic data
 * (64 MiB, more than most caches, so memory is streamed as in a real fit), then the candidates
 * are timed in turn, {@value #ROUNDS} rounds of {@value #RUNS} evaluations each, so that a change
 * in the machine's load touches them all alike; the fastest median wins. On PoCL most of the
 * time goes to compiling the candidates (about a second each on a 2-core machine).
 */
final class CpuTuner {
  static final int ROWS = 1 << 18;
  static final int FEATURES = 64;
  static final int ROUNDS = 3;
  static final int RUNS = 5;

  private CpuTuner() {}

  /** The shapes this process measured, by device index, name and precision. */
  private static final java.util.Map<String, CpuShape> MEASURED = new java.util.HashMap<>();

  /**
   * {@link #measure}, once per device and precision in this process: a command that opens
   * several backends (bench's sweep) measures before the first and reuses that shape, where
   * every open measured again (1.6 s of each 1000 x 4 "open" on a 2-core EPYC).
   */
  static synchronized CpuShape measureOnce(ClDevice device, boolean fp64, TuningCache cache) {
    String key = device.description().index() + " " + device.description().name() + " "
        + (fp64 ? "double" : "float");
    CpuShape known = MEASURED.get(key);
    if (known == null) {
      known = measure(device, fp64, cache);
      MEASURED.put(key, known);
    }
    return known;
  }

  /**
   * Times the candidates on {@code device}, caches the winner in {@code cache} and returns it.
   * A cache that cannot be written is named in the returned shape's origin, not an error.
   */
  static CpuShape measure(ClDevice device, boolean fp64, TuningCache cache) {
    List<CpuShape> candidates = CpuShape.candidates(device, fp64);
    Dataset data = KernelBenchmark.logisticData(ROWS, FEATURES, 20261203L);
    Standardization standardization = Standardization.fit(data);
    OpenClOptions options = new OpenClOptions(String.valueOf(device.description().index()),
        "cpu", fp64 ? "double" : "float", "device");
    double[] theta = new double[FEATURES + 1];
    Arrays.fill(theta, 0.05);
    Batch all = Batch.all(ROWS);
    List<OpenClBackend> open = new ArrayList<>();
    double[][] times = new double[candidates.size()][ROUNDS * RUNS];
    try {
      for (CpuShape c : candidates) {
        open.add(OpenClBackend.open(data, standardization, Loss.LOGISTIC, options,
            Tuning.defaults().withCpu(c.vectorWidth(), c.rowsPerBlock(),
                Tuning.defaults().itemsPerComputeUnit()).withDefines("-DPFD="
                + c.prefetchBlocks() + " -DCOLUMNS=" + (c.columnOrder() ? 1 : 0))));
      }
      for (OpenClBackend b : open) {
        b.evaluate(theta, all);
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < open.size(); k++) {
          open.get(k).evaluate(theta, all);
          for (int r = 0; r < RUNS; r++) {
            long t0 = System.nanoTime();
            open.get(k).evaluate(theta, all);
            times[k][round * RUNS + r] = (System.nanoTime() - t0) * 1e-9;
          }
        }
      }
    } finally {
      for (OpenClBackend b : open) {
        b.close();
      }
    }
    int best = 0;
    StringBuilder figures = new StringBuilder("median ms per evaluation of " + ROWS + " x "
        + FEATURES + ":");
    double[] medians = new double[candidates.size()];
    for (int k = 0; k < candidates.size(); k++) {
      double[] t = times[k].clone();
      Arrays.sort(t);
      medians[k] = t[t.length / 2];
      if (medians[k] < medians[best]) {
        best = k;
      }
      CpuShape c = candidates.get(k);
      figures.append(String.format(Locale.ROOT, "; VW=%d RB=%d PFD=%d %s %.2f", c.vectorWidth(),
          c.rowsPerBlock(), c.prefetchBlocks(), c.columnOrder() ? "columns" : "rows",
          medians[k] * 1e3));
    }
    CpuShape winner = candidates.get(best);
    try {
      cache.write(device, fp64, winner, figures.toString());
      return winner.from("measured just now, cached in " + cache.file(device, fp64));
    } catch (IOException | RuntimeException e) {
      return winner.from("measured just now; not cached: " + e.getMessage());
    }
  }
}
