package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.MomentsFixtures;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gradient backend's cpu-layout programs come from the driver binaries {@link
 * OpenClBackend#BINARIES} keeps: after one open has evaluated, the next open of the same kernel
 * and options makes its program from the stored binary, and it computes the same bits (and the
 * reference's figures within the backend's tolerance), for the single-column and the batched
 * kernels, in both precisions.
 */
class GradientBinariesTest {
  @Test
  void aSecondOpenMakesItsProgramFromTheStoredBinaryWithTheSameBits() {
    OpenClAvailability.require();
    Dataset data = MomentsFixtures.generated(1700, 11, false, 83);
    double[] y = data.y().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = y[i] > 0 ? 1 : 0;
    }
    Dataset binary = new Dataset("binaries", data.featureNames(), "y", data.x(), y, null);
    Standardization std = Standardization.fit(binary);
    for (String precision : new String[] {"float", "double"}) {
      for (Columns columns : new Columns[] {Columns.single(Loss.LOGISTIC),
          Columns.of(Loss.LOGISTIC, 3)}) {
        check(binary, std, columns, OpenClOptions.defaults().withPrecision(precision));
      }
    }
  }

  private static void check(Dataset data, Standardization std, Columns columns,
      OpenClOptions options) {
    double[] w = new double[columns.count() * (data.features() + 1)];
    Random random = new Random(7);
    for (int i = 0; i < w.length; i++) {
      w[i] = random.nextGaussian() * 0.2;
    }
    int live = OpenClBackend.liveObjects();
    BatchedEvaluation first;
    try (OpenClBackend b = OpenClBackend.open(data, std, columns, options)) {
      assumeTrue("cpu".equals(b.info().layout()), "binaries are kept for the cpu layouts only");
      first = b.evaluateColumns(w, Batch.all(data.rows()));
    }
    int hits = OpenClBackend.BINARIES.hits();
    BatchedEvaluation second;
    double tolerance;
    try (OpenClBackend b = OpenClBackend.open(data, std, columns, options)) {
      assertEquals(hits + 1, OpenClBackend.BINARIES.hits(),
          "the second open made its program from the stored binary (" + columns.count()
              + " columns, " + options.precision() + ")");
      second = b.evaluateColumns(w, Batch.all(data.rows()));
      tolerance = b.tolerance();
    }
    assertEquals(live, OpenClBackend.liveObjects(), "every OpenCL object released");
    assertArrayEquals(first.loss(), second.loss(), 0.0, "the same loss bits");
    assertArrayEquals(first.gradient(), second.gradient(), 0.0, "the same gradient bits");
    BatchedEvaluation exact = new ReferenceBackend(data, std, columns)
        .evaluateColumns(w, Batch.all(data.rows()));
    for (int g = 0; g < exact.loss().length; g++) {
      assertTrue(Math.abs(exact.loss()[g] - second.loss()[g])
          <= tolerance * Math.abs(exact.loss()[g]), "loss " + g + " against the reference");
    }
  }
}
