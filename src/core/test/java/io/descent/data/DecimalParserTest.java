package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The parser against the JDK: same values on valid input, stricter grammar. */
class DecimalParserTest {
  private final DecimalParser parser = new DecimalParser();

  private int parseFloat(String s) {
    return parser.parseFloat(s.toCharArray(), 0, s.length());
  }

  private int parseDouble(String s) {
    return parser.parseDouble(s.toCharArray(), 0, s.length());
  }

  private void assertSameAsJdk(String s) {
    assertSameAsJdk(s, s);
  }

  /** The same, with a shorter label for the failure message. */
  private void assertSameAsJdk(String s, String label) {
    float f = Float.parseFloat(s);
    double d = Double.parseDouble(s);
    int fs = parseFloat(s);
    if (Float.isInfinite(f)) {
      assertEquals(DecimalParser.OUT_OF_RANGE, fs, label);
    } else {
      assertEquals(DecimalParser.OK, fs, label);
      assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(parser.floatValue()), label);
    }
    int ds = parseDouble(s);
    if (Double.isInfinite(d)) {
      assertEquals(DecimalParser.OUT_OF_RANGE, ds, label);
    } else {
      assertEquals(DecimalParser.OK, ds, label);
      assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(parser.doubleValue()),
          label);
    }
  }

  /** A random decimal: 1 to 20 digits, a point anywhere or nowhere, maybe an exponent. */
  private static String randomDecimal(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int sign = r.nextInt(3);
    sb.append(sign == 0 ? "-" : sign == 1 ? "+" : "");
    int digits = 1 + r.nextInt(r.nextBoolean() ? 8 : 20);
    int point = r.nextInt(digits + 2) - 1;
    for (int k = 0; k < digits; k++) {
      if (k == point) {
        sb.append('.');
      }
      sb.append((char) ('0' + r.nextInt(10)));
    }
    if (point == digits) {
      sb.append('.');
    }
    if (r.nextInt(3) == 0) {
      sb.append(r.nextBoolean() ? 'e' : 'E').append(r.nextBoolean() ? "-" : "")
          .append(r.nextInt(r.nextBoolean() ? 12 : 400));
    }
    return sb.toString();
  }

  @Test
  void randomDecimalsMatchTheJdk() {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 100_000; i++) {
      assertSameAsJdk(randomDecimal(r));
    }
  }

  @Test
  void shortestReprsOfRandomFloatsAndDoublesRoundTrip() {
    SplittableRandom r = new SplittableRandom(12);
    for (int i = 0; i < 100_000; i++) {
      float f = Float.intBitsToFloat(r.nextInt());
      if (Float.isFinite(f)) {
        assertSameAsJdk(Float.toString(f));
      }
      double d = Double.longBitsToDouble(r.nextLong());
      if (Double.isFinite(d)) {
        assertSameAsJdk(Double.toString(d));
      }
      assertSameAsJdk(Double.toString(r.nextDouble() * 1000));
    }
  }

  @Test
  void decimalsAtAndNearHalfwayBetweenFloats() {
    // Long decimals are rounded to float through a double; next to a halfway point that could
    // round twice, so these must take the exact path.
    SplittableRandom r = new SplittableRandom(13);
    for (int i = 0; i < 5_000; i++) {
      float f = Float.intBitsToFloat(r.nextInt(0x00800000, 0x7f7fffff));
      java.math.BigDecimal half = new java.math.BigDecimal(f)
          .add(new java.math.BigDecimal(Math.nextUp(f))).divide(java.math.BigDecimal.valueOf(2));
      java.math.BigDecimal tiny = half.ulp().multiply(java.math.BigDecimal.TEN);
      for (java.math.BigDecimal m : new java.math.BigDecimal[] {half, half.add(tiny),
          half.subtract(tiny)}) {
        assertSameAsJdk(m.toString());
        for (int digits = 9; digits <= 20; digits++) {
          assertSameAsJdk(m.round(new java.math.MathContext(digits)).toString());
        }
      }
      assertSameAsJdk(Double.toString(half.doubleValue()));
    }
  }

  @Test
  void edgesOfTheRanges() {
    for (String s : new String[] {"3.4028235e38", "3.4028236e38", "3.40282356e38",
        "3.40282357e38", "1.4e-45", "7e-46", "1e-46", "1.7976931348623157e308", "1.8e308",
        "4.9e-324", "2e-324", "16777216", "16777217", "9007199254740993", "1e22", "1e23",
        "0.000000000000000000000000000000001", "1" + "0".repeat(40), "0e999999", "-0.0"}) {
      assertSameAsJdk(s);
      assertSameAsJdk("-" + s.replace("-", ""));
    }
  }

  @Test
  void aLargeExponentOffsetByAsManyZerosIsExact() {
    // A written exponent beyond a million once saturated before the digits' own shift was added,
    // so 0.(1000005 zeros)1e1000010 read as 1e-6 instead of 1e4.
    String zeros = "0".repeat(1_000_005);
    for (String s : new String[] {"0." + zeros + "1e1000010", "1" + zeros + "e-1000010",
        "0." + zeros + "1e1000005", "1" + zeros + "e-1000000", "0." + zeros + "1e99999999999",
        "1" + zeros + "e-99999999999"}) {
      assertSameAsJdk(s, s.substring(0, 5) + "..." + s.substring(s.length() - 15));
    }
  }

  @Test
  void spacesAroundAreAllowed() {
    assertEquals(DecimalParser.OK, parseFloat(" \t1.5  "));
    assertEquals(1.5f, parser.floatValue());
  }

  @Test
  void whatTheJdkAcceptsButWeDoNot() {
    for (String s : new String[] {"0x10", "0x1p3", "1.5f", "1.5d", "2F", "1,5", "1e", "1e+",
        ".", "-", "+", "1..2", "1 2", "--1", "+-1", "e5", "1e5.5", "abc", "١٢"}) {
      assertEquals(DecimalParser.NOT_A_NUMBER, parseFloat(s), s);
      assertEquals(DecimalParser.NOT_A_NUMBER, parseDouble(s), s);
    }
    for (String s : new String[] {"NaN", "nan", "-NaN", "Infinity", "-Infinity", "+inf", "INF"}) {
      assertEquals(DecimalParser.NOT_FINITE, parseFloat(s), s);
      assertEquals(DecimalParser.NOT_FINITE, parseDouble(s), s);
    }
    assertEquals(DecimalParser.EMPTY, parseFloat(""));
    assertEquals(DecimalParser.EMPTY, parseFloat("  \t "));
  }
}
