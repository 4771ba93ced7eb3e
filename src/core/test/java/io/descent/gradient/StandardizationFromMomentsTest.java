package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The standardization taken from the moments ({@link Moments#standardization()} about {@link
 * Moments#shiftOf}) against the exact one (BigDecimal), to 1e-12 of each feature's spread, on
 * columns whose means are far above their spread (1e4 plus noise of 1e-2, a year column), a
 * constant column (scale exactly 1) and row weights; and the normal equations opened with it
 * ({@link Backends#normalEquations(BackendKind, Dataset, boolean, Columns, OpenClOptions)})
 * against the reference in the same space.
 */
public class StandardizationFromMomentsTest {
  static final double REL = 1e-12;

  /** Columns: 1e4 + N(0, 1e-2), a year 2000..2029, N(0, 3), 7.25 constant; weights if asked. */
  public static Dataset largeMeans(int n, boolean weighted, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][4];
    double[] y = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = 1e4 + 1e-2 * r.nextGaussian();
      x[i][1] = 2000 + r.nextInt(30);
      x[i][2] = 3 * r.nextGaussian();
      x[i][3] = 7.25;
      y[i] = 50 + 100 * (x[i][0] - 1e4) + 0.1 * x[i][1] - x[i][2] + r.nextGaussian();
      w[i] = r.nextInt(4) == 0 ? 0 : 0.5 + 2 * r.nextDouble();
    }
    Dataset data = Dataset.of(x, y);
    return weighted ? data.withWeights(w) : data;
  }

  /** The exact weighted mean and population standard deviation of column j, in BigDecimal. */
  private static double[] exact(Dataset data, int j) {
    MathContext mc = MathContext.DECIMAL128;
    BigDecimal s = BigDecimal.ZERO;
    BigDecimal sx = BigDecimal.ZERO;
    int d = data.features();
    for (int i = 0; i < data.rows(); i++) {
      BigDecimal w = new BigDecimal(data.weight(i));
      s = s.add(w, mc);
      sx = sx.add(w.multiply(new BigDecimal(data.x()[i * d + j]), mc), mc);
    }
    BigDecimal mean = sx.divide(s, mc);
    BigDecimal ss = BigDecimal.ZERO;
    for (int i = 0; i < data.rows(); i++) {
      BigDecimal c = new BigDecimal(data.x()[i * d + j]).subtract(mean, mc);
      ss = ss.add(new BigDecimal(data.weight(i)).multiply(c.multiply(c, mc), mc), mc);
    }
    return new double[] {mean.doubleValue(), Math.sqrt(ss.divide(s, mc).doubleValue())};
  }

  @Test
  void theStandardizationFromTheMomentsIsTheExactOne() {
    for (boolean weighted : new boolean[] {false, true}) {
      Dataset data = largeMeans(3000, weighted, 31);
      double[] shift = Moments.shiftOf(data);
      Moments m = HostMoments.compute(data, shift, null, 1, 2)[0];
      Standardization s = m.standardization();
      for (int j = 0; j < 3; j++) {
        double[] e = exact(data, j);
        assertEquals(e[0], s.mean(j), REL * e[1], "mean of feature " + j);
        assertEquals(e[1], s.scale(j), REL * e[1], "scale of feature " + j);
      }
      // The constant column: shifted by exactly its value, every sum 0, scale 1.
      assertEquals(7.25, shift[3], 0.0);
      assertEquals(7.25, s.mean(3), 0.0);
      assertEquals(1.0, s.scale(3), 0.0);
      assertNearFit(data, s);
    }
  }

  /**
   * As the two-pass fit says, within the fit's own error: it sums the values in plain float64,
   * about n ulps of the mean (1e-12 of 1e4 at 3000 rows, 1e-9 of a spread of 1e-2).
   */
  private static void assertNearFit(Dataset data, Standardization s) {
    Standardization fit = Standardization.fit(data);
    for (int j = 0; j < data.features(); j++) {
      double bound = 1e-12 * (Math.abs(fit.mean(j)) + fit.scale(j));
      assertEquals(fit.mean(j), s.mean(j), bound, "fit's mean " + j);
      assertEquals(fit.scale(j), s.scale(j), bound, "fit's scale " + j);
    }
  }

  @Test
  void theShiftIsTheFirstRowsMeanInFloat32AndSkipsWeightZero() {
    double[][] x = {{1}, {100}, {3}};
    Dataset data = Dataset.of(x, new double[] {0, 0, 0}).withWeights(new double[] {1, 0, 1});
    assertEquals(2.0, Moments.shiftOf(data)[0], 0.0);
    double[][] many = new double[Moments.SHIFT_ROWS + 10][1];
    for (int i = 0; i < many.length; i++) {
      many[i][0] = i < Moments.SHIFT_ROWS ? 0.1 : 1e6;
    }
    double[] shift = Moments.shiftOf(Dataset.of(many, new double[many.length]));
    assertEquals((double) 0.1f, shift[0], 0.0, "only the first rows, rounded to float32");
    assertThrows(IllegalArgumentException.class, () -> new Moments(new double[] {0}, 0,
        new double[Moments.size(1)]).standardization());
  }

  /**
   * The normal equations standardized from their own moments: on the reference's (host)
   * moments, with and without weights, the loss and gradient of random parameters match the
   * reference backend in the same standardized space; without standardization, in the raw
   * features' centred space (means subtracted, scale 1).
   */
  @Test
  void normalEquationsStandardizedFromTheirMomentsMatchTheReference() {
    for (boolean weighted : new boolean[] {false, true}) {
      for (Dataset data : new Dataset[] {largeMeans(2000, weighted, 33),
          MomentsFixtures.generated(2000, 6, weighted, 34)}) {
        Columns three = Columns.of(Loss.LINEAR, 3);
        GramBackend gram = Backends.normalEquations(BackendKind.REFERENCE, data, true, three,
            null);
        Standardization s = gram.standardization();
        assertNearFit(data, s);
        assertAgrees(data, s, three, gram, 35);
        GramBackend raw = Backends.normalEquations(BackendKind.REFERENCE, data, false, three,
            null);
        // Raw features run centred: the same means, every scale 1, and the same agreement.
        Standardization c = raw.standardization();
        for (int j = 0; j < data.features(); j++) {
          assertEquals(1.0, c.scale(j), 0.0);
          assertEquals(s.mean(j), c.mean(j), 0.0);
        }
        assertAgrees(data, c, three, raw, 36);
      }
    }
  }

  public static void assertAgrees(Dataset data, Standardization s, Columns columns, GramBackend gram,
      long seed) {
    int p = data.features() + 1;
    ReferenceBackend ref = new ReferenceBackend(data, s, columns);
    for (int trial = 0; trial < 3; trial++) {
      double[] w = MomentsFixtures.random(p * columns.count(), seed + trial, trial == 0 ? 0
          : 3.0 / trial);
      BatchedEvaluation e = ref.evaluateColumns(w, Batch.all(data.rows()));
      BatchedEvaluation g = gram.evaluateColumns(w, Batch.all(data.rows()));
      for (int q = 0; q < columns.groups(); q++) {
        double rel = Math.abs(g.loss()[q] - e.loss()[q]) / Math.abs(e.loss()[q]);
        assertTrue(rel <= GramBackendTest.REL, "loss of group " + q + ": " + g.loss()[q]
            + " vs reference " + e.loss()[q] + " (relative " + rel + ")");
      }
      for (int k = 0; k < columns.count(); k++) {
        double[] ge = e.column(k);
        double[] gg = g.column(k);
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < p; j++) {
          diff += (ge[j] - gg[j]) * (ge[j] - gg[j]);
          norm += ge[j] * ge[j];
        }
        assertTrue(Math.sqrt(diff / norm) <= GramBackendTest.REL, "gradient of column " + k);
      }
    }
  }
}
