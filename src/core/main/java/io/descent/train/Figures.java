package io.descent.train;

/**
 * {@code %.Ne} and {@code %.Ng} of a double, as {@link String#format} writes them with {@link
 * java.util.Locale#ROOT}, without a {@link java.util.Formatter}: the same digits (the shortest
 * decimal that {@link Double#toString} gives, rounded half up to the precision, as the
 * formatter's {@code FormattedFloatingDecimal} rounds them) and the same layout.
 *
 * <p>Why: a fit's stop message carries its figures, and in a fresh JVM each {@code
 * String.format} of them costs about half a millisecond (the formatter's code runs
 * interpreted): a 50-penalty linear path spent about 30 ms of its 0.25 s fit formatting the
 * messages of its converged fits (100,000 x 64 on a 2-core EPYC, alternating runs).
 */
final class Figures {
  private Figures() {}

  /** {@code String.format(Locale.ROOT, "%.<decimals>e", v)}. */
  static String scientific(double v, int decimals) {
    if (!Double.isFinite(v)) {
      return special(v);
    }
    StringBuilder s = new StringBuilder();
    if (v < 0 || (v == 0 && 1 / v < 0)) {
      s.append('-');
    }
    Digits d = Digits.of(Math.abs(v), decimals + 1);
    appendScientific(s, d, decimals);
    return s.toString();
  }

  /** {@code String.format(Locale.ROOT, "%.<precision>g", v)}, precision at least 1. */
  static String general(double v, int precision) {
    if (!Double.isFinite(v)) {
      return special(v);
    }
    int prec = Math.max(1, precision);
    StringBuilder s = new StringBuilder();
    if (v < 0 || (v == 0 && 1 / v < 0)) {
      s.append('-');
    }
    if (v == 0) {
      s.append('0');
      if (prec > 1) {
        s.append('.').append("0".repeat(prec - 1));
      }
      return s.toString();
    }
    Digits d = Digits.of(Math.abs(v), prec);
    if (d.exponent >= -4 && d.exponent < prec) {
      // Fixed: prec significant digits, prec - 1 - exponent of them after the point.
      if (d.exponent >= 0) {
        s.append(d.digits, 0, d.exponent + 1);
        if (d.exponent + 1 < prec) {
          s.append('.').append(d.digits, d.exponent + 1, prec);
        }
      } else {
        s.append("0.").append("0".repeat(-d.exponent - 1)).append(d.digits, 0, prec);
      }
    } else {
      appendScientific(s, d, prec - 1);
    }
    return s.toString();
  }

  private static void appendScientific(StringBuilder s, Digits d, int decimals) {
    s.append(d.digits.charAt(0));
    if (decimals > 0) {
      s.append('.').append(d.digits, 1, decimals + 1);
    }
    int x = d.exponent;
    s.append('e').append(x < 0 ? '-' : '+');
    int a = Math.abs(x);
    if (a < 10) {
      s.append('0');
    }
    s.append(a);
  }

  private static String special(double v) {
    return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  }

  /** n significant digits of a value and its decimal exponent: {@code d.ddd x 10^exponent}. */
  private record Digits(String digits, int exponent) {
    /** The shortest decimal of {@code v >= 0}, rounded half up to n digits (zero: n zeros). */
    static Digits of(double v, int n) {
      if (v == 0) {
        return new Digits("0".repeat(n), 0);
      }
      String t = Double.toString(v);
      int e = t.indexOf('E');
      int exp = e < 0 ? 0 : Integer.parseInt(t.substring(e + 1));
      String mantissa = e < 0 ? t : t.substring(0, e);
      int point = mantissa.indexOf('.');
      String all = point < 0 ? mantissa : mantissa.substring(0, point)
          + mantissa.substring(point + 1);
      int pointAt = point < 0 ? mantissa.length() : point;
      int lead = 0;
      while (lead < all.length() - 1 && all.charAt(lead) == '0') {
        lead++;
      }
      all = all.substring(lead);
      int x = pointAt - lead - 1 + exp;
      char[] digits = new char[n];
      java.util.Arrays.fill(digits, '0');
      for (int k = 0; k < n && k < all.length(); k++) {
        digits[k] = all.charAt(k);
      }
      if (all.length() > n && all.charAt(n) >= '5') {
        int k = n - 1;
        while (k >= 0 && digits[k] == '9') {
          digits[k] = '0';
          k--;
        }
        if (k >= 0) {
          digits[k]++;
        } else {
          digits[0] = '1';
          x++;
        }
      }
      return new Digits(new String(digits), x);
    }
  }
}
