package io.descent.optim;

/**
 * The last few correction pairs {@code s = x_{k+1} - x_k}, {@code y = g_{k+1} - g_k} of a
 * quasi-Newton method and the two-loop recursion over them (Nocedal &amp; Wright, Algorithm 7.4,
 * with {@code H0 = (s'y / y'y) I} from the newest pair). A pair is stored only when {@code s'y >
 * }{@value Lbfgs#CURVATURE_EPSILON}{@code ||s|| ||y||}. Used by {@link Lbfgs} and {@link OwlQn}.
 */
final class CurvaturePairs {
  private final int memory;
  private final double[][] s;
  private final double[][] y;
  private final double[] rho;
  private final double[] alpha;
  private int count;
  private int newest = -1;

  CurvaturePairs(int memory) {
    this.memory = memory;
    this.s = new double[memory][];
    this.y = new double[memory][];
    this.rho = new double[memory];
    this.alpha = new double[memory];
  }

  int count() {
    return count;
  }

  void clear() {
    count = 0;
  }

  /** {@code -H v} by the two-loop recursion; needs {@link #count()} &gt; 0. */
  double[] direction(double[] v) {
    double[] q = v.clone();
    int slot = newest;
    for (int k = 0; k < count; k++) {
      alpha[slot] = rho[slot] * Vectors.dot(s[slot], q);
      axpy(-alpha[slot], y[slot], q);
      slot = (slot - 1 + memory) % memory;
    }
    double gamma = 1.0 / (rho[newest] * Vectors.dot(y[newest], y[newest]));
    for (int i = 0; i < q.length; i++) {
      q[i] *= gamma;
    }
    slot = (newest - count + 1 + memory) % memory;
    for (int k = 0; k < count; k++) {
      double beta = rho[slot] * Vectors.dot(y[slot], q);
      axpy(alpha[slot] - beta, s[slot], q);
      slot = (slot + 1) % memory;
    }
    for (int i = 0; i < q.length; i++) {
      q[i] = -q[i];
    }
    return q;
  }

  /** Stores the pair from one point to the next (their x and gradients) when it is curved. */
  void remember(Point from, Point to) {
    int n = from.x().length;
    double[] sk = new double[n];
    double[] yk = new double[n];
    for (int i = 0; i < n; i++) {
      sk[i] = to.x()[i] - from.x()[i];
      yk[i] = to.gradient()[i] - from.gradient()[i];
    }
    double sy = Vectors.dot(sk, yk);
    if (!(sy > Lbfgs.CURVATURE_EPSILON * Vectors.norm(sk) * Vectors.norm(yk))
        || !Double.isFinite(sy)) {
      return;
    }
    newest = (newest + 1) % memory;
    s[newest] = sk;
    y[newest] = yk;
    rho[newest] = 1.0 / sy;
    count = Math.min(count + 1, memory);
  }

  private static void axpy(double a, double[] x, double[] target) {
    for (int i = 0; i < target.length; i++) {
      target[i] += a * x[i];
    }
  }
}
