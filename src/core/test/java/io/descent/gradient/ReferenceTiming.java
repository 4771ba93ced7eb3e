package io.descent.gradient;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.loss.Loss;
import java.util.Locale;
import java.util.Random;

/**
 * The reference's evaluations timed one after another in a fresh JVM (not a test; no
 * assertion): {@code java -cp <core test classpath> io.descent.gradient.ReferenceTiming rows
 * features linear|logistic passes}, the rows off the heap as a large file's are; with {@code
 * -DwarmUp=true} {@link ReferenceBackend#warmUp} runs first and the timing starts after {@code
 * -Dpause=MS} (default 250) milliseconds. Prints each pass's wall time: the first is a JVM's
 * first, mostly on code the JIT has not compiled yet, as a fit's judgement is.
 */
public final class ReferenceTiming {
  private ReferenceTiming() {}

  /** Runs the timing; arguments as the class comment says. */
  public static void main(String[] args) throws InterruptedException {
    int rows = Integer.parseInt(args[0]);
    int features = Integer.parseInt(args[1]);
    Loss loss = Loss.valueOf(args[2].toUpperCase(Locale.ROOT));
    int passes = Integer.parseInt(args[3]);
    Dataset data = new SyntheticData(rows, features, loss, 42).dataset().withRowsOffHeap();
    Standardization s = Standardization.fit(data);
    if (Boolean.getBoolean("warmUp")) {
      ReferenceBackend.warmUp(loss);
      Thread.sleep(Long.getLong("pause", 250));
    }
    Random rnd = new Random(2);
    double[] w = new double[features + 1];
    for (int j = 0; j < w.length; j++) {
      w[j] = rnd.nextGaussian() / Math.sqrt(features);
    }
    ReferenceBackend reference = new ReferenceBackend(data, s, loss);
    for (int p = 0; p < passes; p++) {
      long t = System.nanoTime();
      Evaluation e = reference.evaluate(w, Batch.all(rows));
      System.out.printf(Locale.ROOT, "pass %d: %.1f ms (loss %.17g)%n", p,
          (System.nanoTime() - t) / 1e6, e.loss());
    }
  }
}
