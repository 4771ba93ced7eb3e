package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The branch-free error term against Neumaier's branch and against exact arithmetic. */
class CompensatedSumTest {
  private static double neumaier(double a, double b) {
    double t = a + b;
    return Math.abs(a) >= Math.abs(b) ? (a - t) + b : (b - t) + a;
  }

  private static double random(SplittableRandom r) {
    // Any sign, exponents from subnormal to 2^400, and now and then an exact small integer.
    if (r.nextInt(8) == 0) {
      return r.nextInt(-1000, 1000);
    }
    double m = r.nextDouble(1, 2) * (r.nextBoolean() ? 1 : -1);
    return Math.scalb(m, r.nextInt(-1074, 400));
  }

  @Test
  void lostIsNeumaiersTermBitForBitAndExact() {
    SplittableRandom r = new SplittableRandom(7);
    for (int k = 0; k < 200_000; k++) {
      double a = random(r);
      double b = r.nextInt(4) == 0 ? a * r.nextDouble(-2, 2) : random(r);
      double lost = CompensatedSum.lost(a, b);
      assertEquals(Double.doubleToLongBits(neumaier(a, b)), Double.doubleToLongBits(lost),
          a + " + " + b);
      BigDecimal exact = new BigDecimal(a).add(new BigDecimal(b));
      assertEquals(0, exact.compareTo(new BigDecimal(a + b).add(new BigDecimal(lost))),
          a + " + " + b);
    }
  }

  @Test
  void aLongSumKeepsWhatPlainAdditionLoses() {
    double[] sums = new double[1];
    double[] lost = new double[1];
    CompensatedSum.add(sums, lost, 0, 1e16);
    for (int k = 0; k < 1000; k++) {
      CompensatedSum.add(sums, lost, 0, 1.0);
    }
    CompensatedSum.add(sums, lost, 0, -1e16);
    assertEquals(1000.0, sums[0] + lost[0]);
  }
}
