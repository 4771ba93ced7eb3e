package io.descent.optim;

/** The few dense-vector operations the optimizers need, in plain loops (d is small). */
final class Vectors {
  private Vectors() {}

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  /** {@code x + alpha * d} in a new array. */
  static double[] step(double[] x, double alpha, double[] d) {
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      r[i] = x[i] + alpha * d[i];
    }
    return r;
  }

  static double[] negate(double[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = -a[i];
    }
    return r;
  }

  static boolean allFinite(double[] a) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** Evaluates f at x and checks the answer has the right shape. */
  static Point evaluate(DifferentiableFunction f, double[] x) {
    Point p = f.evaluate(x);
    if (p == null) {
      throw new IllegalStateException("the function returned no point");
    }
    if (p.x().length != x.length) {
      throw new IllegalStateException("the function returned a point with " + p.x().length
          + " entries for an argument with " + x.length);
    }
    return p;
  }

  /** Checks a starting point: non-empty, finite, with a finite value and gradient. */
  static Point start(DifferentiableFunction f, double[] x0) {
    java.util.Objects.requireNonNull(f, "f");
    java.util.Objects.requireNonNull(x0, "x0");
    if (x0.length == 0) {
      throw new IllegalArgumentException("x0 must have at least one entry");
    }
    if (!allFinite(x0)) {
      throw new IllegalArgumentException("x0 must be finite, got " + java.util.Arrays.toString(x0));
    }
    Point p = evaluate(f, x0.clone());
    if (!Double.isFinite(p.value()) || !allFinite(p.gradient())) {
      throw new IllegalArgumentException("the objective or its gradient is not finite at the"
          + " starting point (value " + p.value() + ")");
    }
    return p;
  }
}
