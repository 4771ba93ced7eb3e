package io.descent.gradient.nd4j;

/**
 * The per-row host work of a logistic ND4J evaluation, the losses and residuals of a block of
 * rows from their margins, written as short straight loops over arrays that HotSpot's C2 compiler
 * vectorizes (SuperWord: it unrolls and packs loops whose bodies are small and branch-free).
 *
 * <p>Why. The two GEMVs of a chunk stream its features at memory speed, but a logistic row also
 * needs an exponential and a logarithm; through {@link Math#exp} and {@link Math#log} (scalar
 * calls) and with branches on the signs of m and {@code y - 1/2} that a random label makes
 * unpredictable, that took about 30 ns a row on one core, more than the row's share of the
 * GEMVs, and held a logistic evaluation at a third of the host's read bandwidth. Here the
 * exponential and the logarithm are polynomials, the sign choices are arithmetic, and the work is
 * cut into loops short enough to be unrolled and vectorized: about 6 ns a row, every step plain
 * IEEE arithmetic ({@link Math#fma}, min, max, division), so the result is bit-identical in the
 * interpreter, in compiled scalar code and in vector code, on every platform.
 *
 * <h2>Logistic</h2>
 *
 * With {@code a = min(|m|, 745)} (beyond 745, {@code e^-a} is below the smallest double):
 *
 * <ul>
 *   <li>{@code e = e^-a} as {@code (e^{-a/2^11})^(2^11)}: a degree-13 Taylor polynomial on
 *       {@code [-0.364, 0]} (truncation below 1e-17) then 11 squarings, which multiply the
 *       polynomial's rounding error by 2^11: relative error below 1e-12 where e is a normal
 *       double (measured 3e-13; a subnormal e keeps its tiny absolute error);
 *   <li>{@code q = e / (1 + e)}, that is {@code sigmoid(-|m|)}, without cancellation;
 *   <li>{@code h = [m >= 0]} as {@code min(1, max(0, m 2^1023 2^1023))}: exactly 1 for every
 *       positive m (even the smallest subnormal), 0 for every negative one (at m = 0 both
 *       branches agree);
 *   <li>the residual {@code sigmoid(m) - y = (h - y) + (1 - 2h) q}: for m >= 0 it is
 *       {@code (1 - y) - sigmoid(-m)}, for m < 0 {@code sigmoid(m) - y}, so a well-classified
 *       row's tiny residual keeps its relative accuracy;
 *   <li>the loss {@code log(1 + e^m) - y m = (h - y) m + log1p(e)} (the linear part formed
 *       without cancellation), with {@code log1p(e) = 2 atanh(s)}, {@code s = e / (2 + e)} in
 *       {@code [0, 1/3]}, by its odd series to the 23rd power (truncation below 2e-13 relative),
 *       accurate for tiny e as well.
 * </ul>
 *
 * So every residual and loss is within about 1e-12 relative of the exactly rounded one (where
 * the formula itself is well conditioned), far inside the float32 rounding (6e-8) the residual
 * then gets: the backend's {@link Nd4jBackend#tolerance()} does not change.
 */
final class RowLosses {
  /** {@code 2^1023}: a positive m times it twice is at least 1 (or infinite). */
  private static final double HUGE = 0x1p1023;

  /** Above this |m|, {@code e^-|m|} rounds to 0 or the smallest subnormal anyway. */
  static final double MAX_ABS_MARGIN = 745;

  /** Squarings after the polynomial: the argument is divided by 2^{@value}. */
  static final int SQUARINGS = 11;

  /** {@code -1 / 2^SQUARINGS}. */
  private static final double REDUCE = -1.0 / (1 << SQUARINGS);

  private RowLosses() {}

  /**
   * The logistic residuals {@code sigmoid(m_k) - y_k} and losses
   * {@code log(1 + e^{m_k}) - y_k m_k} of rows {@code 0..n-1}.
   *
   * @param m the margins, intercept included
   * @param y the targets, in [0, 1]
   * @param n the rows
   * @param r receives the residuals
   * @param l receives the losses
   * @param e scratch of at least n doubles
   * @param t scratch of at least n doubles
   */
  static void logistic(double[] m, double[] y, int n, double[] r, double[] l, double[] e,
      double[] t) {
    // Each loop is kept small enough for C2 to unroll it, which SuperWord needs to vectorize.
    for (int k = 0; k < n; k++) {
      e[k] = Math.min(Math.abs(m[k]), MAX_ABS_MARGIN) * REDUCE;
    }
    for (int k = 0; k < n; k++) {
      e[k] = expSmall(e[k]);
    }
    for (int k = 0; k < n; k++) {
      e[k] = square11(e[k]);
    }
    for (int k = 0; k < n; k++) {
      double v = e[k];
      double q = v / (1.0 + v);
      double h = Math.min(1.0, Math.max(0.0, m[k] * HUGE * HUGE));
      double hy = h - y[k];
      t[k] = hy;
      r[k] = Math.fma(1.0 - 2.0 * h, q, hy);
    }
    for (int k = 0; k < n; k++) {
      l[k] = Math.fma(t[k], m[k], log1pSmall(e[k]));
    }
  }

  /** {@code e^x} for x in {@code [-0.364, 0]}: Taylor to degree 13, by Horner. */
  private static double expSmall(double x) {
    double p = 1.0 / 6227020800.0;
    p = Math.fma(p, x, 1.0 / 479001600.0);
    p = Math.fma(p, x, 1.0 / 39916800.0);
    p = Math.fma(p, x, 1.0 / 3628800.0);
    p = Math.fma(p, x, 1.0 / 362880.0);
    p = Math.fma(p, x, 1.0 / 40320.0);
    p = Math.fma(p, x, 1.0 / 5040.0);
    p = Math.fma(p, x, 1.0 / 720.0);
    p = Math.fma(p, x, 1.0 / 120.0);
    p = Math.fma(p, x, 1.0 / 24.0);
    p = Math.fma(p, x, 1.0 / 6.0);
    p = Math.fma(p, x, 0.5);
    p = Math.fma(p, x, 1.0);
    return Math.fma(p, x, 1.0);
  }

  /** {@code v^(2^11)}. */
  private static double square11(double v) {
    v *= v;
    v *= v;
    v *= v;
    v *= v;
    v *= v;
    v *= v;
    v *= v;
    v *= v;
    v *= v;
    v *= v;
    return v * v;
  }

  /**
   * {@code log(1 + x)} for x in {@code [0, 1]}: {@code 2 s (1 + s^2/3 + ... + s^22/23)} with
   * {@code s = x / (2 + x)}.
   */
  private static double log1pSmall(double x) {
    double s = x / (2.0 + x);
    double w = s * s;
    double c = 1.0 / 23;
    c = Math.fma(c, w, 1.0 / 21);
    c = Math.fma(c, w, 1.0 / 19);
    c = Math.fma(c, w, 1.0 / 17);
    c = Math.fma(c, w, 1.0 / 15);
    c = Math.fma(c, w, 1.0 / 13);
    c = Math.fma(c, w, 1.0 / 11);
    c = Math.fma(c, w, 1.0 / 9);
    c = Math.fma(c, w, 1.0 / 7);
    c = Math.fma(c, w, 1.0 / 5);
    c = Math.fma(c, w, 1.0 / 3);
    c = Math.fma(c, w, 1.0);
    return 2.0 * s * c;
  }
}
