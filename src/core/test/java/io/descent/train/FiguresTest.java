package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Figures} writes what {@code String.format(Locale.ROOT, ...)} writes. */
class FiguresTest {
  private static void same(double v) {
    for (int p = 0; p <= 4; p++) {
      assertEquals(String.format(Locale.ROOT, "%." + p + "e", v), Figures.scientific(v, p),
          "%." + p + "e of " + v);
    }
    for (int p = 1; p <= 4; p++) {
      assertEquals(String.format(Locale.ROOT, "%." + p + "g", v), Figures.general(v, p),
          "%." + p + "g of " + v);
    }
  }

  @Test
  void matchesTheFormatter() {
    double[] edges = {0.0, -0.0, 1, -1, 0.5, 9.9995e-5, 1e-4, 9.9994e-5, 0.99995, 999.5, 999.4,
        9.9995, 99.995, 1e-8, 1e-6, 5.75e-9, 1.0005e-8, 1.2345e300, 4.9e-324, Double.MAX_VALUE,
        Double.MIN_NORMAL, 123456789, 1e7, 9999999.5, 0.001, 0.00123456, 1e21, 1e-300,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2.5e-5, 0.000125};
    for (double v : edges) {
      same(v);
      same(-v);
    }
    Random r = new Random(5);
    for (int k = 0; k < 4000; k++) {
      double v = Math.pow(10, r.nextDouble() * 40 - 20) * (r.nextBoolean() ? 1 : -1);
      same(v);
      // Values near half-way cases of the shown digits.
      same(Math.round(v * 1e4) / 1e4 + 5e-5);
      same(Double.longBitsToDouble(r.nextLong()));
    }
  }
}
