package io.descent.data;

import java.nio.charset.StandardCharsets;

/**
 * {@link DecimalParser} on bytes: parses a decimal straight from the bytes of a file (the
 * parallel reader's hot loop), with the same grammar and bit for bit the same float32 and float64
 * values, hence the values of {@link Float#parseFloat} and {@link Double#parseDouble}.
 *
 * <p>The digits are collected as DecimalParser collects them (at most 18 significant digits in a
 * long, the rest noted as truncated, the power of ten saturated), and the value is found the same
 * way: one exact IEEE operation when the digits and the power of ten are exact in the type
 * (Clinger's fast path), for a float the rounding of a nearby double when that double is provably
 * on the same side of every point halfway between two floats, and otherwise the JDK's exact
 * parser on the same text. So every value is correctly rounded; only how fast it is found
 * depends on the digits.
 *
 * <p>It reports failure without its reason ({@link DecimalParser#NOT_A_NUMBER} covers NaN and
 * the infinities too): the reader re-reads a failing field with the exact path, whose message
 * names the reason.
 *
 * <p>For one thread at a time.
 */
final class ByteDecimalParser {
  private int start;
  private int end;
  private boolean negative;
  private long mantissa;
  private int exponent;
  private boolean truncated;

  private float floatValue;
  private double doubleValue;

  /** The value of the last successful {@link #parseFloat}. */
  float floatValue() {
    return floatValue;
  }

  /** The value of the last successful {@link #parseDouble}. */
  double doubleValue() {
    return doubleValue;
  }

  /**
   * Parses {@code s[from, to)} as a float; returns {@link DecimalParser#OK} or a failure
   * ({@link DecimalParser#EMPTY}, {@link DecimalParser#NOT_A_NUMBER}, {@link
   * DecimalParser#OUT_OF_RANGE}).
   */
  int parseFloat(byte[] s, int from, int to) {
    int status = scan(s, from, to);
    if (status != DecimalParser.OK) {
      return status;
    }
    float v;
    if (mantissa == 0) {
      v = 0f;
    } else if (!truncated && DecimalParser.isExactFloat(mantissa, exponent)) {
      v = DecimalParser.exactFloat(mantissa, exponent);
    } else if (exponent >= -22 && exponent <= 22
        && !DecimalParser.nearFloatMidpoint(DecimalParser.viaDouble(mantissa, exponent))) {
      v = (float) DecimalParser.viaDouble(mantissa, exponent);
    } else {
      v = Math.abs(Float.parseFloat(text(s)));
    }
    if (Float.isInfinite(v)) {
      return DecimalParser.OUT_OF_RANGE;
    }
    floatValue = negative ? -v : v;
    return DecimalParser.OK;
  }

  /** As {@link #parseFloat}, for a double. */
  int parseDouble(byte[] s, int from, int to) {
    int status = scan(s, from, to);
    if (status != DecimalParser.OK) {
      return status;
    }
    double v;
    if (mantissa == 0) {
      v = 0.0;
    } else if (!truncated && DecimalParser.isExactDouble(mantissa, exponent)) {
      v = DecimalParser.exactDouble(mantissa, exponent);
    } else {
      v = Math.abs(Double.parseDouble(text(s)));
      if (Double.isInfinite(v)) {
        return DecimalParser.OUT_OF_RANGE;
      }
    }
    doubleValue = negative ? -v : v;
    return DecimalParser.OK;
  }

  /** The trimmed number as text, for the JDK (the scan has checked it is ASCII). */
  private String text(byte[] s) {
    return new String(s, start, end - start, StandardCharsets.ISO_8859_1);
  }

  /** {@link DecimalParser}'s scan, on bytes. */
  private int scan(byte[] s, int from, int to) {
    int i = from;
    int e = to;
    while (i < e && (s[i] == ' ' || s[i] == '\t')) {
      i++;
    }
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t')) {
      e--;
    }
    if (i == e) {
      return DecimalParser.EMPTY;
    }
    start = i;
    end = e;
    negative = false;
    if (s[i] == '+' || s[i] == '-') {
      negative = s[i] == '-';
      i++;
    }
    long m = 0;
    int digits = 0;
    int exp = 0;
    boolean any = false;
    boolean cut = false;
    int d;
    while (i < e && (d = s[i] - '0') >= 0 && d <= 9) {
      i++;
      any = true;
      if (digits < 18) {
        if (m != 0 || d != 0) {
          m = m * 10 + d;
          digits++;
        }
      } else {
        cut |= d != 0;
        exp++;
      }
    }
    if (i < e && s[i] == '.') {
      i++;
      while (i < e && (d = s[i] - '0') >= 0 && d <= 9) {
        i++;
        any = true;
        if (digits < 18) {
          if (m != 0 || d != 0) {
            m = m * 10 + d;
            digits++;
          }
          exp--;
        } else {
          cut |= d != 0;
        }
      }
    }
    if (!any) {
      return DecimalParser.NOT_A_NUMBER;
    }
    if (i < e && (s[i] == 'e' || s[i] == 'E')) {
      i++;
      boolean expNegative = false;
      if (i < e && (s[i] == '+' || s[i] == '-')) {
        expNegative = s[i] == '-';
        i++;
      }
      if (i == e || s[i] < '0' || s[i] > '9') {
        return DecimalParser.NOT_A_NUMBER;
      }
      long x = 0;
      while (i < e && s[i] >= '0' && s[i] <= '9') {
        x = Math.min(x * 10 + (s[i++] - '0'), DecimalParser.MAX_EXPONENT);
      }
      exp = (int) Math.max(-Integer.MAX_VALUE,
          Math.min(Integer.MAX_VALUE, exp + (expNegative ? -x : x)));
    }
    if (i != e) {
      return DecimalParser.NOT_A_NUMBER;
    }
    mantissa = m;
    exponent = exp;
    truncated = cut;
    return DecimalParser.OK;
  }
}
