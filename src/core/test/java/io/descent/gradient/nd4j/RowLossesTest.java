package io.descent.gradient.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.loss.Loss;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RowLosses} against the reference's own formulas ({@link Loss#value} and
 * {@link Loss#residual}, through the JDK's exp and log1p), over margins from 1e-12 to beyond
 * the 745 clamp, binary and fractional targets.
 */
class RowLossesTest {
  /** The relative error allowed where the formula is well conditioned (documented 1e-12). */
  private static final double RELATIVE = 1e-12;

  /** Margins of every scale and sign, targets binary or (one in three) fractional. */
  private static double[][] cases(int n, long seed) {
    Random r = new Random(seed);
    double[] m = new double[n];
    double[] y = new double[n];
    for (int k = 0; k < n; k++) {
      double magnitude = switch (k % 4) {
        case 0 -> Math.pow(10, -12 + 15 * r.nextDouble());
        case 1 -> 800 * r.nextDouble();
        default -> 8 * r.nextDouble();
      };
      m[k] = r.nextBoolean() ? magnitude : -magnitude;
      y[k] = k % 3 == 0 ? r.nextDouble() : r.nextInt(2);
    }
    return new double[][] {m, y};
  }

  private static double[][] logistic(double[] m, double[] y) {
    int n = m.length;
    double[] r = new double[n];
    double[] l = new double[n];
    RowLosses.logistic(m, y, n, r, l, new double[n], new double[n]);
    return new double[][] {r, l};
  }

  @Test
  void logisticAgreesWithTheReferenceFormulas() {
    double[][] c = cases(200_000, 141);
    double[] m = c[0];
    double[] y = c[1];
    double[][] out = logistic(m, y);
    int checked = 0;
    for (int k = 0; k < m.length; k++) {
      String at = "m = " + m[k] + ", y = " + y[k];
      double loss = Loss.LOGISTIC.value(m[k], y[k]);
      double residual = Loss.LOGISTIC.residual(m[k], y[k]);
      // Every loss term is >= 0 with nothing cancelling: relative, down to subnormal results.
      assertEquals(loss, out[1][k], RELATIVE * Math.abs(loss) + 1e-300, at);
      if (y[k] == 0 || y[k] == 1) {
        // Binary targets: the residual is formed without cancellation, so relative too.
        assertEquals(residual, out[0][k], RELATIVE * Math.abs(residual) + 1e-300, at);
        checked++;
      } else {
        // sigmoid(m) - y may cancel for a fractional y: absolute, on terms of at most 1.
        assertEquals(residual, out[0][k], RELATIVE, at);
      }
    }
    assertTrue(checked > 100_000);
  }

  @Test
  void logisticKeepsTheTinyTermsOfConfidentRows() {
    // Right and confident: the residual and the loss are both about e^-|m|, not 0.
    double[] m = {30, -30, 700, -700, 0, Double.MIN_VALUE, -Double.MIN_VALUE};
    double[] y = {1, 0, 1, 0, 1, 1, 0};
    double[][] out = logistic(m, y);
    for (int k = 0; k < m.length; k++) {
      double loss = Loss.LOGISTIC.value(m[k], y[k]);
      double residual = Loss.LOGISTIC.residual(m[k], y[k]);
      assertEquals(loss, out[1][k], RELATIVE * loss, "loss at m = " + m[k]);
      assertEquals(residual, out[0][k], RELATIVE * Math.abs(residual), "residual at m = " + m[k]);
    }
    assertEquals(-Math.exp(-30), out[0][0], 1e-12 * Math.exp(-30));
    assertEquals(Math.exp(-700), out[1][3], 1e-12 * Math.exp(-700));
    // Beyond the clamp the terms are at most the smallest subnormal: absolutely right.
    double[][] far = logistic(new double[] {1e6, -1e6, 800}, new double[] {1, 0, 0});
    assertEquals(0.0, far[0][0], Double.MIN_VALUE);
    assertEquals(0.0, far[1][1], Double.MIN_VALUE);
    assertEquals(800.0, far[1][2], 0.0);
    assertEquals(1.0, far[0][2], 0.0);
  }

  /**
   * Each row's result does not depend on its neighbours or on where in the array it sits: a row
   * alone gives the same bits as in a block of 1003 (vector body or scalar tail, whichever code
   * the JIT runs each in).
   */
  @Test
  void eachRowIsIndependentOfTheBlock() {
    double[][] c = cases(1003, 142);
    double[][] whole = logistic(c[0], c[1]);
    for (int k = 0; k < 1003; k += 7) {
      double[][] one = logistic(new double[] {c[0][k]}, new double[] {c[1][k]});
      assertEquals(Double.doubleToRawLongBits(whole[0][k]),
          Double.doubleToRawLongBits(one[0][0]), "residual " + k);
      assertEquals(Double.doubleToRawLongBits(whole[1][k]),
          Double.doubleToRawLongBits(one[1][0]), "loss " + k);
    }
  }
}
