package io.descent.gradient.opencl;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.gradient.Batch;
import io.descent.gradient.Columns;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Variants of the batched cpu kernel's defines timed against each other in one process (not a
 * test; no assertion): {@code java -cp <test classpath>
 * io.descent.gradient.opencl.ColumnsDefinesTiming rows features linear|logistic|multinomial K
 * rounds "DEFINES A" "DEFINES B" ...} (an empty string: the defaults; {@code -DRB=4} sets the
 * tuning's rows per block, as {@link Tuning#withDefine} does; for multinomial K is the
 * classes). Each round runs {@code -Devaluations=N} (default 3) evaluations of every variant
 * in turn ({@code -Dweighted=true}: every row weighted, as a fit with sample or class weights
 * is; {@code -Dprecision=double}: the float64 kernels, as the float64 finish runs them; one
 * unweighted column times the single-column kernel); it prints per variant the
 * median over the rounds of the wall time and of the process's CPU time (all threads) per
 * evaluation, and their ratios to the first variant's, so that a busy machine's load moves every
 * variant alike.
 */
public final class ColumnsDefinesTiming {
  private ColumnsDefinesTiming() {}

  /** Runs the timing; arguments as the class comment says. */
  public static void main(String[] args) {
    int rows = Integer.parseInt(args[0]);
    int features = Integer.parseInt(args[1]);
    Loss loss = Loss.valueOf(args[2].toUpperCase(Locale.ROOT));
    int k = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    List<String> variants = Arrays.asList(args).subList(5, args.length);
    Dataset data = loss == Loss.MULTINOMIAL ? new SyntheticData(rows, features, k, 42).dataset()
        : new SyntheticData(rows, features, loss, 42).dataset();
    if (Boolean.getBoolean("weighted")) {
      Random weights = new Random(3);
      double[] ws = new double[rows];
      for (int i = 0; i < rows; i++) {
        ws[i] = 0.5 + weights.nextDouble();
      }
      data = data.withWeights(ws);
    }
    Standardization s = Standardization.fit(data);
    Columns columns = loss == Loss.MULTINOMIAL ? Columns.multinomial(k) : Columns.of(loss, k);
    Random rnd = new Random(2);
    double[] w = new double[(features + 1) * k];
    for (int j = 0; j < w.length; j++) {
      w[j] = rnd.nextGaussian() / Math.sqrt(features);
    }
    Batch all = Batch.all(rows);
    int per = Integer.getInteger("evaluations", 3);
    List<OpenClBackend> backends = new ArrayList<>();
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try {
      for (String v : variants) {
        // Each -DNAME=VALUE as Tuning.withDefine takes it: VW and RB set the host's fields too.
        Tuning t = Tuning.defaults();
        for (String define : v.isBlank() ? new String[0] : v.trim().split("\\s+")) {
          t = t.withDefine(define.startsWith("-D") ? define.substring(2) : define);
        }
        OpenClBackend b = OpenClBackend.open(data, s, columns,
            new OpenClOptions(null, "cpu", System.getProperty("precision", "float")), t);
        backends.add(b);
        b.evaluateColumns(w, all);
      }
      double[][] wall = new double[variants.size()][rounds];
      double[][] cpu = new double[variants.size()][rounds];
      for (int r = 0; r < rounds; r++) {
        for (int v = 0; v < variants.size(); v++) {
          long c0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          for (int e = 0; e < per; e++) {
            backends.get(v).evaluateColumns(w, all);
          }
          wall[v][r] = (System.nanoTime() - t0) / (per * 1e6);
          cpu[v][r] = (os.getProcessCpuTime() - c0) / (per * 1e6);
        }
      }
      double w0 = median(wall[0]);
      double c0 = median(cpu[0]);
      for (int v = 0; v < variants.size(); v++) {
        System.out.printf(Locale.ROOT, "%-40s wall %8.2f ms (%.3f)  cpu %8.2f ms (%.3f)%n",
            "[" + variants.get(v) + "]", median(wall[v]), median(wall[v]) / w0, median(cpu[v]),
            median(cpu[v]) / c0);
      }
    } finally {
      for (OpenClBackend b : backends) {
        b.close();
      }
    }
  }

  private static double median(double[] t) {
    double[] s = t.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }
}
