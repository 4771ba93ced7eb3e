package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CompensatedSumTest {
  /** Neumaier's term, the formula {@link CompensatedSum#lost} had before it lost its branch. */
  private static double neumaier(double a, double b) {
    double t = a + b;
    return Math.abs(a) >= Math.abs(b) ? (a - t) + b : (b - t) + a;
  }

  @Test
  void theBranchFreeLostTermIsNeumaiersToTheBit() {
    Random r = new Random(7);
    double[] special = {0.0, -0.0, 1.0, -1.0, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MIN_NORMAL, 1e-300, 1e300, -1e300, Math.ulp(1.0), 1 + Math.ulp(1.0), 3.0,
        0.1, 1e16, -1e16, 2.5e-10};
    for (double a : special) {
      for (double b : special) {
        check(a, b);
      }
    }
    for (int i = 0; i < 1_000_000; i++) {
      double a = r.nextGaussian() * Math.scalb(1.0, r.nextInt(120) - 60);
      double b = r.nextGaussian() * Math.scalb(1.0, r.nextInt(120) - 60);
      check(a, b);
      check(b, a);
      check(a, -a + Math.ulp(a) * r.nextInt(5));
    }
  }

  @Test
  void arraysOfSumsAreTheSameAsWithNeumaiersTerm() {
    Random r = new Random(11);
    double[] s = new double[4];
    double[] c = new double[4];
    double[] s2 = new double[4];
    double[] c2 = new double[4];
    for (int i = 0; i < 100_000; i++) {
      int j = i % 4;
      double v = r.nextGaussian() * Math.scalb(1.0, r.nextInt(80) - 40);
      CompensatedSum.add(s, c, j, v);
      c2[j] += neumaier(s2[j], v);
      s2[j] += v;
    }
    for (int j = 0; j < 4; j++) {
      assertEquals(Double.doubleToRawLongBits(s2[j]), Double.doubleToRawLongBits(s[j]));
      assertEquals(Double.doubleToRawLongBits(c2[j]), Double.doubleToRawLongBits(c[j]));
    }
  }

  private static void check(double a, double b) {
    double expected = neumaier(a, b);
    double actual = CompensatedSum.lost(a, b);
    // Equal as numbers (a zero's sign is irrelevant once added to a sum's compensation).
    assertEquals(expected, actual, 0.0, () -> "lost(" + a + ", " + b + ")");
  }
}
