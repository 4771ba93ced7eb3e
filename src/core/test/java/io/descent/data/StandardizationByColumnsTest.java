package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Standardization#fit} on data large enough to sum ranges of columns on several threads
 * ({@link Standardization#PARALLEL_VALUES}) gives the bits of the two passes over the rows in
 * order, row weights or none.
 */
class StandardizationByColumnsTest {
  private static final int ROWS = 70_001;
  private static final int FEATURES = 61;

  @Test
  void theParallelFitHasTheBitsOfTheRowOrderSums() {
    assertTrue((long) ROWS * FEATURES >= Standardization.PARALLEL_VALUES);
    Dataset data = data(7);
    Standardization fitted = Standardization.fit(data);
    double[][] expected = rowOrder(data, null);
    assertArrayEquals(expected[0], fitted.mean());
    assertArrayEquals(expected[1], fitted.scale());
    assertEquals(1.0, fitted.scale(3), "a constant column keeps scale 1");
  }

  /**
   * A file of the target alone (no feature column) read off the heap: the fit is empty, at once
   * (the block copy's step was 0 rows, and the loop over the rows never ended).
   */
  @Test
  void dataWithoutFeaturesStandardizesToNothing() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("target-only", ".csv");
    try {
      java.nio.file.Files.writeString(file, "y\n3\n4\n2\n6\n");
      Dataset data = new CsvReader(CsvReader.Options.numericTarget("y")).read(file);
      assertEquals(0, data.features());
      Standardization fitted = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
          java.time.Duration.ofSeconds(30), () -> Standardization.fit(data));
      assertEquals(0, fitted.mean().length);
      Standardization weighted = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
          java.time.Duration.ofSeconds(30), () -> Standardization.fitWeighted(data,
              new double[] {1, 2, 0, 1}));
      assertEquals(0, weighted.scale().length);
    } finally {
      java.nio.file.Files.delete(file);
    }
  }

  @Test
  void theParallelWeightedFitHasTheBitsOfTheRowOrderSums() {
    Random r = new Random(8);
    double[] w = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      // Zeros (rows that take no part), whole numbers and fractions.
      w[i] = i % 7 == 0 ? 0 : i % 3 == 0 ? 1 + r.nextInt(4) : r.nextDouble() * 2;
    }
    Dataset data = data(9).withWeights(w);
    Standardization fitted = Standardization.fit(data);
    double[][] expected = rowOrder(data, w);
    assertArrayEquals(expected[0], fitted.mean());
    assertArrayEquals(expected[1], fitted.scale());
  }

  @Test
  void aBadWeightIsNamedByItsRowBeforeAnySum() {
    double[] w = new double[ROWS];
    java.util.Arrays.fill(w, 1);
    w[12_345] = Double.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Standardization.fit(data(10).withWeights(w)));
    assertTrue(e.getMessage().contains("weights[12345] is NaN (row 12345)"), e.getMessage());
  }

  /** Columns of several scales and offsets, column 3 constant. */
  private static Dataset data(long seed) {
    Random r = new Random(seed);
    double[][] x = new double[ROWS][FEATURES];
    double[] y = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = j == 3 ? 2.5 : 1000.0 * (j % 5) + Math.pow(10, j % 4 - 1) * r.nextGaussian();
      }
      y[i] = r.nextInt(2);
    }
    return Dataset.of(x, y);
  }

  /** The definition: mean, then squared deviations, each a sum over the rows in order. */
  private static double[][] rowOrder(Dataset data, double[] w) {
    int n = data.rows();
    int d = data.features();
    float[] x = data.x();
    double total = 0;
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      double s = w == null ? 1 : w[i];
      total += s;
      for (int j = 0; j < d; j++) {
        mean[j] += w == null ? x[i * d + j] : s * x[i * d + j];
      }
    }
    double[] scale = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] /= total;
      double ss = 0;
      for (int i = 0; i < n; i++) {
        double c = x[i * d + j] - mean[j];
        ss += w == null ? c * c : w[i] * c * c;
      }
      double sd = Math.sqrt(ss / total);
      scale[j] = Standardization.scaleOf(sd, mean[j]);
    }
    return new double[][] {mean, scale};
  }
}
