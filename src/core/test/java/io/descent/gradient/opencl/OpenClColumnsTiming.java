package io.descent.gradient.opencl;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.gradient.Batch;
import io.descent.gradient.Columns;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A rough timing of the batched OpenCL cpu kernel for K columns (not a test; no assertion):
 * {@code java -cp <test classpath> io.descent.gradient.opencl.OpenClColumnsTiming [rows]
 * [features] [linear|logistic|multinomial] [K ...]} (for multinomial, K is the number of classes
 * of one model). Prints, per K, the minimum and median wall time of one
 * evaluation over all rows and the process's CPU time per evaluation (all threads together),
 * which a busy machine disturbs less than the wall time.
 */
public final class OpenClColumnsTiming {
  private OpenClColumnsTiming() {}

  /** Runs the timing; arguments as the class comment says, defaults 1000000 64 logistic 2 4 8. */
  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int features = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Loss loss = Loss.valueOf((args.length > 2 ? args[2] : "logistic").toUpperCase(Locale.ROOT));
    int[] ks = args.length > 3
        ? Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray()
        : new int[] {2, 4, 8};
    int repeats = Integer.getInteger("repeats", 15);
    boolean multinomial = loss == Loss.MULTINOMIAL;
    Dataset single = multinomial ? null : new SyntheticData(rows, features, loss, 42).dataset();
    Batch all = Batch.all(rows);
    int p = features + 1;
    for (int k : ks) {
      Dataset data = multinomial ? new SyntheticData(rows, features, k, 42).dataset() : single;
      Standardization s = Standardization.fit(data);
      double[] w = random(p * k, 2);
      Dataset on = k == 1 ? data.withWeights(ones(rows)) : data;
      Columns columns = multinomial ? Columns.multinomial(k) : Columns.of(loss, k);
      try (OpenClBackend b = OpenClBackend.open(on, s, columns,
          new OpenClOptions(null, "cpu", "float"))) {
        for (int i = 0; i < 3; i++) {
          b.evaluateColumns(w, all);
        }
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double[] t = new double[repeats];
        long cpu = os.getProcessCpuTime();
        for (int i = 0; i < repeats; i++) {
          long start = System.nanoTime();
          b.evaluateColumns(w, all);
          t[i] = (System.nanoTime() - start) / 1e6;
        }
        double cpuMs = (os.getProcessCpuTime() - cpu) / 1e6 / repeats;
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "%s K = %d: min %.2f ms, median %.2f ms, CPU %.2f ms per"
            + " evaluation (%s)%n", loss.label(), k, t[0], t[repeats / 2], cpuMs,
            b.buildOptions());
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
}
