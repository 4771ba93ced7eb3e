package io.descent.data;

/**
 * Parses decimal numbers from a character range with the results of {@link Float#parseFloat} and
 * {@link Double#parseDouble}, but a stricter grammar and without a string per value on the
 * common path.
 *
 * <p>Accepted: optional spaces or tabs around {@code [+-]? (digits [. digits?] | . digits)
 * ([eE] [+-]? digits)?}. Rejected, although Java accepts them: hexadecimal ({@code 0x10}), the
 * words NaN and Infinity, and type suffixes ({@code 1.5f}).
 *
 * <p>Why it is fast and still exact: when the significant digits form an integer m that the
 * target type holds exactly and the power of ten is also exact in that type (m &lt;= 2^24 and
 * |e| &lt;= 10 for float, m &lt; 2^53 and |e| &lt;= 22 for double), {@code m * 10^e} or
 * {@code m / 10^-e} is one IEEE operation on exact operands, hence correctly rounded: the same
 * value the JDK computes (Clinger's fast path). A float with more digits is rounded from a nearby
 * double unless that double is close to a point halfway between two floats (see {@link
 * #nearFloatMidpoint}). Other inputs go to the JDK.
 */
final class DecimalParser {
  /** Parsed: the value is in {@link #floatValue()} or {@link #doubleValue()}. */
  static final int OK = 0;
  /** Nothing but spaces. */
  static final int EMPTY = 1;
  /** Not a decimal number. */
  static final int NOT_A_NUMBER = 2;
  /** NaN or an infinity, spelled out. */
  static final int NOT_FINITE = 3;
  /** A valid number beyond the type's range: it would round to infinity. */
  static final int OUT_OF_RANGE = 4;

  /** Where a written exponent saturates: more than any number of digits a field can hold. */
  static final long MAX_EXPONENT = 10_000_000_000L;

  private static final float[] FLOAT_POW10 = {
    1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f
  };
  private static final double[] DOUBLE_POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  // The last scan: trimmed bounds, sign, up to 18 significant digits (a long cannot overflow)
  // and the power of ten.
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

  /** Parses {@code s[from, to)} as a float; returns {@link #OK} or the reason it is not one. */
  int parseFloat(char[] s, int from, int to) {
    int status = scan(s, from, to);
    if (status != OK) {
      return status;
    }
    float v;
    if (mantissa == 0) {
      v = 0f;
    } else if (!truncated && isExactFloat(mantissa, exponent)) {
      v = exactFloat(mantissa, exponent);
    } else if (exponent >= -22 && exponent <= 22 && !nearFloatMidpoint(viaDouble())) {
      v = (float) viaDouble();
    } else {
      v = Math.abs(Float.parseFloat(new String(s, start, end - start)));
    }
    if (Float.isInfinite(v)) {
      return OUT_OF_RANGE;
    }
    floatValue = negative ? -v : v;
    return OK;
  }

  /**
   * The digits as a double: at most two roundings ({@code (double) mantissa}, then the exact power
   * of ten), so within 2.2 units in the last place of the exact decimal (truncated digits beyond
   * the 18th add under 0.1 more).
   */
  private double viaDouble() {
    return viaDouble(mantissa, exponent);
  }

  /** As {@link #viaDouble()} for these digits, where {@code |exponent| <= 22}. */
  static double viaDouble(long mantissa, int exponent) {
    return exponent >= 0 ? (double) mantissa * DOUBLE_POW10[exponent]
        : (double) mantissa / DOUBLE_POW10[-exponent];
  }

  /**
   * Whether rounding {@code d} to float might differ from rounding the exact decimal: when d is
   * within 8 units in its last place of a point halfway between two floats, or in the float
   * subnormal range where floats have fewer bits. Elsewhere the decimal and d lie strictly on the
   * same side of every halfway point, so {@code (float) d} is the correctly rounded float (the
   * answer to long decimals such as pandas' 17-digit output, which otherwise need the JDK's slow
   * path).
   */
  static boolean nearFloatMidpoint(double d) {
    long bits = Double.doubleToRawLongBits(d);
    int biasedExponent = (int) (bits >>> 52) & 0x7ff;
    // A double has 29 more fraction bits than a float; halfway is 1 followed by 28 zeros.
    long low = bits & ((1L << 29) - 1);
    return biasedExponent < 1023 - 126 || Math.abs(low - (1L << 28)) <= 8;
  }

  /** Parses {@code s[from, to)} as a double; returns {@link #OK} or the reason it is not one. */
  int parseDouble(char[] s, int from, int to) {
    int status = scan(s, from, to);
    if (status != OK) {
      return status;
    }
    double v;
    if (mantissa == 0) {
      v = 0.0;
    } else if (!truncated && isExactDouble(mantissa, exponent)) {
      v = exactDouble(mantissa, exponent);
    } else {
      v = Math.abs(Double.parseDouble(new String(s, start, end - start)));
      if (Double.isInfinite(v)) {
        return OUT_OF_RANGE;
      }
    }
    doubleValue = negative ? -v : v;
    return OK;
  }

  /**
   * Whether {@code mantissa * 10^exponent} is one correctly rounded float operation (Clinger's
   * fast path): the mantissa and the power of ten are both exact floats.
   */
  static boolean isExactFloat(long mantissa, int exponent) {
    return mantissa >= 0 && mantissa <= (1L << 24) && exponent >= -10 && exponent <= 10;
  }

  /** {@code mantissa * 10^exponent} correctly rounded, where {@link #isExactFloat} holds. */
  static float exactFloat(long mantissa, int exponent) {
    return exponent >= 0 ? mantissa * FLOAT_POW10[exponent] : mantissa / FLOAT_POW10[-exponent];
  }

  /** As {@link #isExactFloat}, for double: {@code mantissa < 2^53} and {@code |exponent| <= 22}. */
  static boolean isExactDouble(long mantissa, int exponent) {
    return mantissa >= 0 && mantissa < (1L << 53) && exponent >= -22 && exponent <= 22;
  }

  /** {@code mantissa * 10^exponent} correctly rounded, where {@link #isExactDouble} holds. */
  static double exactDouble(long mantissa, int exponent) {
    return exponent >= 0 ? mantissa * DOUBLE_POW10[exponent] : mantissa / DOUBLE_POW10[-exponent];
  }

  /** Checks the grammar and collects sign, digits and exponent. */
  private int scan(char[] s, int from, int to) {
    int i = from;
    int e = to;
    while (i < e && (s[i] == ' ' || s[i] == '\t')) {
      i++;
    }
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t')) {
      e--;
    }
    if (i == e) {
      return EMPTY;
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
    truncated = false;
    while (i < e && s[i] >= '0' && s[i] <= '9') {
      any = true;
      int d = s[i++] - '0';
      if (digits < 18) {
        if (m != 0 || d != 0) {
          m = m * 10 + d;
          digits++;
        }
      } else {
        truncated |= d != 0;
        exp++;
      }
    }
    if (i < e && s[i] == '.') {
      i++;
      while (i < e && s[i] >= '0' && s[i] <= '9') {
        any = true;
        int d = s[i++] - '0';
        if (digits < 18) {
          if (m != 0 || d != 0) {
            m = m * 10 + d;
            digits++;
          }
          exp--;
        } else {
          truncated |= d != 0;
        }
      }
    }
    if (!any) {
      return notANumber(s, start, end);
    }
    if (i < e && (s[i] == 'e' || s[i] == 'E')) {
      i++;
      boolean expNegative = false;
      if (i < e && (s[i] == '+' || s[i] == '-')) {
        expNegative = s[i] == '-';
        i++;
      }
      if (i == e || s[i] < '0' || s[i] > '9') {
        return NOT_A_NUMBER;
      }
      long x = 0;
      while (i < e && s[i] >= '0' && s[i] <= '9') {
        // Saturate above any shift the digits can make (a field has under 2^31 of them), so that
        // a saturated exponent still dominates the sum: the decimal then over- or underflows, or
        // (with as many zeros as the exponent is large) the JDK path finds its value.
        x = Math.min(x * 10 + (s[i++] - '0'), MAX_EXPONENT);
      }
      exp = (int) Math.max(-Integer.MAX_VALUE,
          Math.min(Integer.MAX_VALUE, exp + (expNegative ? -x : x)));
    }
    if (i != e) {
      return notANumber(s, start, end);
    }
    mantissa = m;
    exponent = exp;
    return OK;
  }

  private static int notANumber(char[] s, int from, int to) {
    int i = from;
    if (i < to && (s[i] == '+' || s[i] == '-')) {
      i++;
    }
    String word = new String(s, i, to - i);
    return word.equalsIgnoreCase("nan") || word.equalsIgnoreCase("inf")
        || word.equalsIgnoreCase("infinity") ? NOT_FINITE : NOT_A_NUMBER;
  }
}
