package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.train.ReferenceProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/** Datasets and comparisons shared by the moments and normal-equations tests. */
public final class MomentsFixtures {
  private MomentsFixtures() {}

  /** A shipped regression set, all rows. */
  public static Dataset shipped(String name, String target) {
    try {
      return new CsvReader(CsvReader.Options.numericTarget(target))
          .read(ReferenceProblems.datasets().resolve(name + ".csv"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Dataset diabetes() {
    return shipped("diabetes", "progression");
  }

  public static Dataset mtcars() {
    return shipped("mtcars", "mpg");
  }

  /**
   * n rows of d features with means far from 0 (a year-like column), a constant column (the
   * last), a target of 100000 plus a linear signal and noise; row weights when asked.
   */
  public static Dataset generated(int n, int d, boolean weighted, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][d];
    double[] y = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      double m = 100000;
      for (int j = 0; j < d; j++) {
        double v = j == d - 1 ? 7.25 : j == 0 ? 2000 + r.nextInt(30) : (j + 1) * r.nextGaussian();
        x[i][j] = v;
        m += (j % 3 - 1) * 0.5 * v;
      }
      y[i] = m + r.nextGaussian();
      w[i] = r.nextInt(4) == 0 ? 0 : 0.5 + 2 * r.nextDouble();
    }
    Dataset data = Dataset.of(x, y);
    return weighted ? data.withWeights(w) : data;
  }

  /** Random parameters for K columns of d features. */
  public static double[] random(int n, long seed, double scale) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * r.nextGaussian();
    }
    return v;
  }

  /**
   * Asserts that two sets of moments about the same shift agree entry by entry to {@code rel}
   * of the entry's scale {@code sqrt(M_jj M_kk)} (the Cauchy-Schwarz bound on |M_jk|; a
   * constant column's entries, whose scale is 0, must agree to rel times the weight).
   */
  public static void assertMomentsClose(Moments expected, Moments actual, double rel,
      String what) {
    assertEquals(expected.features(), actual.features(), what);
    assertEquals(expected.targetShift(), actual.targetShift(), 0.0, what + ": target shift");
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.shift(), actual.shift(), 0.0,
        what + ": shift");
    int p = expected.features() + 2;
    for (int j = 0; j < p; j++) {
      for (int k = j; k < p; k++) {
        double scale = Math.sqrt(Math.abs(expected.get(j, j) * expected.get(k, k)));
        double tol = rel * Math.max(scale, Double.MIN_NORMAL);
        double e = expected.get(j, k);
        double a = actual.get(j, k);
        assertTrue(Math.abs(e - a) <= tol, what + ": M[" + j + "][" + k + "] = " + a
            + ", reference " + e + " (difference " + (a - e) + ", allowed " + tol + ")");
      }
    }
  }

  /** The reference moments of the data about its standardization's means. */
  public static Moments[] reference(Dataset data, int[] rowFold) {
    return new ReferenceBackend(data, Standardization.fit(data), io.descent.loss.Loss.LINEAR)
        .moments(rowFold, Moments.folds(rowFold));
  }

  /** The oracle's moments of every row about {@code shift} and the weighted mean target. */
  public static Moments referenceAbout(Dataset data, double[] shift) {
    return Moments.of(data, shift, Moments.targetShift(data), null, 0);
  }
}
