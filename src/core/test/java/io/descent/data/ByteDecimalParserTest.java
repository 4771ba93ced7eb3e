package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The byte parser gives the status and the bits of {@link DecimalParser} (hence of the JDK) for
 * random decimals of every length and for the inputs where rounding is hard.
 */
class ByteDecimalParserTest {
  /** Decimals where rounding is hard: near float midpoints, range ends, many digits. */
  static List<String> edgeInputs(SplittableRandom r, int count) {
    List<String> inputs = new ArrayList<>(List.of("0", "-0", "+0", "0.0", ".0", "0.", "-.5",
        "00000.000", "1", "-1", "16777216", "16777217", "16777218", "3.4028235e38",
        "3.4028236e38", "3.40282357e38", "3.4028235677973366e38", "1e39", "-1e39", "1.4e-45",
        "7e-46", "7.1e-46", "1e-46", "-1e-400", "1.17549435e-38", "1.1754942e-38",
        "123456789012345678", "1234567890123456789", "0.000000000000000000001",
        "9999999999999999999999.5", "1.000000059604644775390625", "1.00000005960464477539062",
        "1.00000005960464477539063", "2.5e-22", "1e22", "1e23", "1e-22", "1e-23", "12345678e-10",
        "1e", "e5", "1e+", "--1", "1..2", "1.2.3", "", "   ", " 1.5 ", "\t-2\t", "nan", "Infinity",
        "0x10", "1.5f", "1,5", "+", "-", ".", "1e10000000000000", "1e-10000000000000",
        "0e999999", "5E-3"));
    for (int i = 0; i < count; i++) {
      // The decimal midway between two adjacent floats, and a hair either side of it.
      float f = Float.intBitsToFloat(r.nextInt(0x00800000, 0x7f7fffff));
      BigDecimal a = new BigDecimal(f);
      BigDecimal b = new BigDecimal(Math.nextUp(f));
      BigDecimal mid = a.add(b).divide(BigDecimal.valueOf(2));
      BigDecimal hair = b.subtract(a).movePointLeft(r.nextInt(5, 40));
      inputs.add(mid.toString());
      inputs.add(mid.add(hair).toString());
      inputs.add(mid.subtract(hair).toString());
      inputs.add(mid.round(new java.math.MathContext(r.nextInt(1, 25))).toString());
    }
    return inputs;
  }

  /** A random decimal: sign, 1 to 25 digits, a point anywhere, an exponent sometimes. */
  static String randomDecimal(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int sign = r.nextInt(4);
    if (sign == 0) {
      sb.append('-');
    } else if (sign == 1) {
      sb.append('+');
    }
    int digits = r.nextInt(1, 26);
    int point = r.nextInt(-1, digits + 1);
    for (int i = 0; i < digits; i++) {
      if (i == point) {
        sb.append('.');
      }
      sb.append((char) ('0' + (i == 0 && r.nextBoolean() ? 0 : r.nextInt(10))));
    }
    if (r.nextInt(4) == 0) {
      sb.append(r.nextBoolean() ? 'e' : 'E').append(r.nextInt(-60, 60));
    }
    return sb.toString();
  }

  private static void check(String s) {
    char[] chars = s.toCharArray();
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    DecimalParser exact = new DecimalParser();
    ByteDecimalParser fast = new ByteDecimalParser();
    int want = exact.parseFloat(chars, 0, chars.length);
    int got = fast.parseFloat(bytes, 0, bytes.length);
    assertEquals(want == DecimalParser.NOT_FINITE ? DecimalParser.NOT_A_NUMBER : want, got,
        "status of float " + s);
    if (want == DecimalParser.OK) {
      assertEquals(Float.floatToRawIntBits(exact.floatValue()),
          Float.floatToRawIntBits(fast.floatValue()), "float of " + s);
      assertEquals(Float.floatToRawIntBits(Float.parseFloat(s.strip())),
          Float.floatToRawIntBits(fast.floatValue()), "JDK float of " + s);
    }
    want = exact.parseDouble(chars, 0, chars.length);
    got = fast.parseDouble(bytes, 0, bytes.length);
    assertEquals(want == DecimalParser.NOT_FINITE ? DecimalParser.NOT_A_NUMBER : want, got,
        "status of double " + s);
    if (want == DecimalParser.OK) {
      assertEquals(Double.doubleToRawLongBits(exact.doubleValue()),
          Double.doubleToRawLongBits(fast.doubleValue()), "double of " + s);
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s.strip())),
          Double.doubleToRawLongBits(fast.doubleValue()), "JDK double of " + s);
    }
  }

  @Test
  void edgeInputsGiveTheExactParsersResults() {
    for (String s : edgeInputs(new SplittableRandom(14), 3000)) {
      check(s);
    }
  }

  @Test
  void randomDecimalsGiveTheExactParsersResults() {
    SplittableRandom r = new SplittableRandom(2026);
    for (int i = 0; i < 100_000; i++) {
      check(randomDecimal(r));
    }
  }

  @Test
  void aFieldInsideLongerBytesIsParsedAlone() {
    byte[] line = "12.5,-3e2,7".getBytes(StandardCharsets.US_ASCII);
    ByteDecimalParser p = new ByteDecimalParser();
    assertEquals(DecimalParser.OK, p.parseFloat(line, 5, 9));
    assertEquals(-300f, p.floatValue());
    assertEquals(DecimalParser.OK, p.parseDouble(line, 0, 4));
    assertEquals(12.5, p.doubleValue());
    assertEquals(DecimalParser.NOT_A_NUMBER, p.parseFloat(line, 0, 5));
  }
}
