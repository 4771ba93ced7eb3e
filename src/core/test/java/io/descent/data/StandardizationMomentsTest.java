package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Standardization#fromMoments} applies the rules of {@link Standardization#fit}. */
class StandardizationMomentsTest {
  @Test
  void sumsGatheredElsewhereGiveTheFittedStandardization() {
    Dataset data = Dataset.of(new double[][] {{1, 5, 2}, {3, 5, -1}, {8, 5, 0.5}, {-2, 5, 4}},
        new double[] {0, 1, 0, 1}).withWeights(new double[] {1, 2, 0.5, 3});
    Standardization fitted = Standardization.fit(data);
    double[] w = data.weights();
    double total = 0;
    double[] mean = new double[3];
    for (int i = 0; i < 4; i++) {
      total += w[i];
      for (int j = 0; j < 3; j++) {
        mean[j] += w[i] * data.get(i, j);
      }
    }
    double[] ss = new double[3];
    for (int j = 0; j < 3; j++) {
      mean[j] /= total;
      for (int i = 0; i < 4; i++) {
        double c = data.get(i, j) - mean[j];
        ss[j] += w[i] * c * c;
      }
    }
    Standardization s = Standardization.fromMoments(mean, ss, total);
    for (int j = 0; j < 3; j++) {
      assertEquals(fitted.mean(j), s.mean(j), 1e-15 * Math.max(1, Math.abs(s.mean(j))));
      assertEquals(fitted.scale(j), s.scale(j), 1e-14 * s.scale(j));
    }
    assertEquals(1.0, s.scale(1), "a constant column keeps scale 1");
  }

  @Test
  void aTotalWeightOfZeroIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> Standardization.fromMoments(new double[1], new double[1], 0));
  }
}
