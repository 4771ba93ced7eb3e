package io.descent.gradient.opencl;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.Columns;
import io.descent.gradient.Moments;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.nd4j.Nd4jBackend;
import io.descent.loss.Loss;
import java.util.Arrays;
import java.util.Random;

/**
 * Times the moments pass against one gradient pass (not a test: run it by hand), in wall time
 * and in CPU time of the whole process (every thread, from Linux's schedstat: on a machine
 * shared with other work the CPU time varies less than the wall time). Arguments: rows,
 * features, repeats, then which to time: any of opencl (the cpu layout), opencl-gpu, nd4j.
 * The moments' bits are checked to repeat.
 *
 * <pre>
 * java -cp src/core/target/classes:src/core/target/test-classes:$(cat cp.txt) \
 *     io.descent.gradient.opencl.MomentsTiming 1000000 64 7 opencl nd4j
 * </pre>
 */
public final class MomentsTiming {
  private MomentsTiming() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int d = Integer.parseInt(args[1]);
    int repeats = Integer.parseInt(args[2]);
    Random r = new Random(42);
    float[] x = new float[n * d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double m = 0;
      for (int j = 0; j < d; j++) {
        float v = (float) (j + r.nextGaussian());
        x[i * d + j] = v;
        m += (j % 3 - 1) * v;
      }
      y[i] = m + r.nextGaussian();
    }
    Dataset data = Dataset.of(x, n, y);
    Standardization std = Standardization.fit(data);
    for (int a = 3; a < args.length; a++) {
      String which = args[a];
      long open0 = System.nanoTime();
      try (var backend = which.equals("nd4j")
          ? Nd4jBackend.open(data, std, Columns.single(Loss.LINEAR))
          : OpenClBackend.open(data, std, Columns.single(Loss.LINEAR),
              OpenClOptions.defaults().withLayout(which.equals("opencl-gpu") ? "gpu" : "cpu")
                  .withPrecision("float"), Tuning.defaults())) {
        double open = (System.nanoTime() - open0) / 1e9;
        double[] theta = new double[d + 1];
        double[] pass = new double[repeats];
        for (int k = 0; k < repeats; k++) {
          long t0 = System.nanoTime();
          backend.evaluate(theta, Batch.all(n));
          pass[k] = (System.nanoTime() - t0) / 1e6;
        }
        double[] mom = new double[repeats + 1];
        double[] cpuMs = new double[repeats + 1];
        Moments first = null;
        for (int k = 0; k <= repeats; k++) {
          long t0 = System.nanoTime();
          long c0 = cpu();
          Moments m = ((io.descent.gradient.MomentSource) backend).moments();
          cpuMs[k] = (cpu() - c0) / 1e6;
          mom[k] = (System.nanoTime() - t0) / 1e6;
          if (first == null) {
            first = m;
          } else if (!Arrays.equals(first.packed(), m.packed())) {
            System.out.println("NOT THE SAME BITS");
          }
        }
        double firstMs = mom[0];
        double[] rest = Arrays.copyOfRange(mom, 1, mom.length);
        double[] restCpu = Arrays.copyOfRange(cpuMs, 1, cpuMs.length);
        System.out.printf("%s %d x %d: open %.2f s, pass median %.1f ms; moments first %.0f ms,"
            + " then wall median %.1f ms (min %.1f), process CPU median %.1f ms (min %.1f)"
            + " %s%n", which, n, d, open, median(pass), firstMs, median(rest),
            Arrays.stream(rest).min().getAsDouble(), median(restCpu),
            Arrays.stream(restCpu).min().getAsDouble(), Arrays.toString(round(rest)));
      }
    }
  }

  /** Nanoseconds on a CPU of every thread of this process (Linux schedstat), or -1. */
  static long cpu() {
    long sum = 0;
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return -1;
    }
    for (java.io.File t : tasks) {
      try {
        String line = java.nio.file.Files.readString(t.toPath().resolve("schedstat"));
        sum += Long.parseLong(line.trim().split(" ")[0]);
      } catch (java.io.IOException | RuntimeException e) {
        // The thread ended.
      }
    }
    return sum;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static long[] round(double[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.round(v[i]);
    }
    return out;
  }
}
