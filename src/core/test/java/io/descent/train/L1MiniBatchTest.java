package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mini-batch rules with an L1 penalty take a proximal (soft-threshold) step after each update.
 * On 500 rows of 10 features whose last 5 true weights are 0 (the lasso optimum, l1 = 0.1, has
 * exactly those zeros, with a wide margin), sgd and adam reach a sparse model with exact zeros
 * close to the optimum that OWL-QN finds (itself checked against reference.json by {@link
 * L1OptimaTest}).
 */
class L1MiniBatchTest {
  private static Dataset sparseLinear() {
    Random rnd = new Random(3);
    int n = 500;
    double[] truth = {2, -1.5, 1, 0.5, 0.8, 0, 0, 0, 0, 0};
    double[][] x = new double[n][truth.length];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double m = 0;
      for (int j = 0; j < truth.length; j++) {
        x[i][j] = rnd.nextGaussian();
        m += truth[j] * x[i][j];
      }
      y[i] = m + rnd.nextGaussian();
      rnd.nextDouble(); // the draws of the seed this margin was measured with
    }
    return Dataset.of(x, y);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"sgd, 3", "adam, 5"})
  void proximalStepsReachASparseModelNearTheOptimum(String optimizer, int zerosFound) {
    Dataset data = sparseLinear();
    FitResult exact = Descent.linear().l1(0.1).backend("reference").train(data, null);
    assertTrue(exact.converged(), exact.message());
    assertEquals(5, exact.nonzero(), "the optimum keeps the 5 true weights");
    FitResult r = Descent.linear().l1(0.1).optimizer(optimizer).schedule("invsqrt")
        .backend("reference").train(data, null);
    double rel = (r.objective() - exact.objective()) / exact.objective();
    assertTrue(rel >= -1e-9 && rel <= 2e-3, optimizer + ": objective " + r.objective()
        + " vs " + exact.objective() + " (relative " + rel + ")");
    double[] w = r.model().standardizedCoef();
    int zeros = 0;
    for (int j = 0; j < w.length; j++) {
      if (j < 5) {
        assertTrue(w[j] != 0, optimizer + ": weight " + j + " is in the support");
      } else {
        zeros += w[j] == 0 ? 1 : 0;
      }
    }
    assertTrue(zeros >= zerosFound, optimizer + ": only " + zeros + " of the optimum's 5"
        + " zeros are exactly 0: " + java.util.Arrays.toString(w));
    assertEquals(10 - zeros, r.nonzero(), "the result counts the nonzero weights");
  }
}
