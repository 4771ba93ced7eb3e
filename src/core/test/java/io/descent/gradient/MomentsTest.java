package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/** The host oracle of the moments: exact sums, folds adding up, the shift, the layout. */
class MomentsTest {
  @Test
  void theOracleIsTheExactSumRoundedOnce() {
    Dataset data = MomentsFixtures.generated(700, 3, true, 21);
    Moments m = MomentsFixtures.reference(data, null)[0];
    double[] shift = m.shift();
    int d = data.features();
    MathContext mc = MathContext.DECIMAL128;
    for (int j = 0; j < d + 2; j++) {
      for (int k = j; k < d + 2; k++) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < data.rows(); i++) {
          BigDecimal aj = augmented(data, i, j, shift, m.targetShift());
          BigDecimal ak = augmented(data, i, k, shift, m.targetShift());
          sum = sum.add(new BigDecimal(data.weight(i)).multiply(aj).multiply(ak), mc);
        }
        double exact = sum.doubleValue();
        // The terms are rounded products of rounded differences: a few ulps of the scale.
        double scale = Math.sqrt(Math.abs(m.get(j, j) * m.get(k, k)));
        assertEquals(exact, m.get(j, k), 1e-14 * scale, "M[" + j + "][" + k + "]");
      }
    }
  }

  private static BigDecimal augmented(Dataset data, int i, int j, double[] shift, double cy) {
    int d = data.features();
    if (j == 0) {
      return BigDecimal.ONE;
    }
    if (j <= d) {
      return new BigDecimal(data.x()[i * d + j - 1]).subtract(new BigDecimal(shift[j - 1]));
    }
    return new BigDecimal(data.y()[i]).subtract(new BigDecimal(cy));
  }

  @Test
  void foldsAddUpToTheWholeAndAConstantColumnIsExactlyZero() {
    Dataset data = MomentsFixtures.generated(999, 4, true, 22);
    int[] rowFold = new int[data.rows()];
    for (int i = 0; i < rowFold.length; i++) {
      rowFold[i] = (i * 7) % 3;
    }
    Moments whole = MomentsFixtures.reference(data, null)[0];
    Moments[] folds = MomentsFixtures.reference(data, rowFold);
    assertEquals(3, folds.length);
    MomentsFixtures.assertMomentsClose(whole, folds[0].plus(folds[1]).plus(folds[2]), 1e-14,
        "sum of folds");
    assertEquals(sumOfWeights(data), whole.weight(), 1e-12 * whole.weight());
    // Unweighted, the mean of a constant column is the constant: its moments are exactly 0.
    Dataset unweighted = MomentsFixtures.generated(999, 4, false, 22);
    Moments m = MomentsFixtures.reference(unweighted, null)[0];
    int last = unweighted.features();
    for (int k = 0; k < last + 2; k++) {
      assertEquals(0.0, m.get(last, k), 0.0, "constant column, entry " + k);
    }
  }

  private static double sumOfWeights(Dataset data) {
    double s = 0;
    for (int i = 0; i < data.rows(); i++) {
      s += data.weight(i);
    }
    return s;
  }

  @Test
  void packedLayoutAndShiftChecks() {
    assertEquals(3, Moments.size(0));
    assertEquals(6, Moments.size(1));
    assertEquals(0, Moments.index(1, 0, 0));
    assertEquals(2, Moments.index(1, 0, 2));
    assertEquals(4, Moments.index(1, 2, 1));
    assertEquals(5, Moments.index(1, 2, 2));
    Moments a = new Moments(new double[] {1}, 0, new double[6]);
    Moments b = new Moments(new double[] {2}, 0, new double[6]);
    assertThrows(IllegalArgumentException.class, () -> a.plus(b));
    assertThrows(IllegalArgumentException.class,
        () -> new Moments(new double[] {1}, 0, new double[5]));
  }
}
