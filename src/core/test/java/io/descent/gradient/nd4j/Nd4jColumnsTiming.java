package io.descent.gradient.nd4j;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.gradient.Batch;
import io.descent.gradient.Columns;
import io.descent.loss.Loss;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A rough timing of the ND4J backend's evaluation for K columns against K single-column
 * passes (not a test; no assertion): {@code java -cp <test classpath>
 * io.descent.gradient.nd4j.Nd4jColumnsTiming [rows] [features] [linear|logistic] [K ...]}.
 * Prints the median wall time of one evaluation over all rows after warm-up.
 */
public final class Nd4jColumnsTiming {
  private Nd4jColumnsTiming() {}

  /** Runs the timing; arguments as the class comment says, defaults 100000 64 logistic 1 16. */
  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int features = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Loss loss = Loss.valueOf((args.length > 2 ? args[2] : "logistic").toUpperCase(Locale.ROOT));
    int[] ks = args.length > 3
        ? Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray()
        : new int[] {1, 16};
    Dataset data = new SyntheticData(rows, features, loss, 42).dataset();
    Standardization s = Standardization.fit(data);
    Batch all = Batch.all(rows);
    int p = features + 1;
    try (Nd4jBackend single = Nd4jBackend.open(data, s, loss)) {
      double[] theta = random(p, 1);
      double one = median(() -> single.evaluate(theta, all));
      System.out.printf(Locale.ROOT, "%s %d x %d, %d workers: one column (GEMV path) %.2f ms%n",
          loss.label(), rows, features, single.threads(), one);
      for (int k : ks) {
        double[] w = random(p * k, 2);
        double singles = median(() -> {
          for (int c = 0; c < k; c++) {
            single.evaluate(Arrays.copyOfRange(w, c * p, (c + 1) * p), all);
          }
        });
        // K = 1 takes the GEMM path only with row weights (all 1 here: the same result).
        Dataset on = k == 1 ? data.withWeights(ones(rows)) : data;
        try (Nd4jBackend many = Nd4jBackend.open(on, s, Columns.of(loss, k))) {
          double batched = median(() -> many.evaluateColumns(w, all));
          System.out.printf(Locale.ROOT,
              "K = %d: one GEMM pass %.2f ms (%.2f ms per column), %d single passes %.2f ms,"
                  + " speedup %.2fx%n", k, batched, batched / k, k, singles, singles / batched);
        }
      }
    }
  }

  private static double[] ones(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1);
    return w;
  }

  private static double[] random(int n, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 0.1 * r.nextGaussian();
    }
    return v;
  }

  /**
   * The median wall time of 15 timed runs after 5 untimed ones, in milliseconds; prints the
   * process's mean CPU time per run beside it (all workers together), which a busy machine
   * disturbs less.
   */
  private static double median(Runnable run) {
    for (int i = 0; i < 5; i++) {
      run.run();
    }
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double[] t = new double[15];
    long cpu = os.getProcessCpuTime();
    for (int i = 0; i < t.length; i++) {
      long start = System.nanoTime();
      run.run();
      t[i] = (System.nanoTime() - start) / 1e6;
    }
    System.out.printf(Locale.ROOT, "  (CPU %.2f ms per run)%n",
        (os.getProcessCpuTime() - cpu) / 1e6 / t.length);
    Arrays.sort(t);
    return t[t.length / 2];
  }
}
