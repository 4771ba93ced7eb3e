package io.descent.optim;

import java.util.Random;

/**
 * {@code f(x) = c + (1/2) (x - x*)' A (x - x*)} with A symmetric positive definite, eigenvalues
 * log-spaced from 1/kappa to 1, and eigenvectors either the axes (diagonal) or a seeded random
 * rotation. The gradient is formed from {@code x - x*}, so it stays exact near the minimizer.
 */
final class Quadratic implements DifferentiableFunction {
  final double[][] a;
  final double[] minimizer;
  final double offset;
  final double kappa;
  final boolean rotated;

  private Quadratic(double[][] a, double[] minimizer, double offset, double kappa,
      boolean rotated) {
    this.a = a;
    this.minimizer = minimizer;
    this.offset = offset;
    this.kappa = kappa;
    this.rotated = rotated;
  }

  /** Eigenvectors along the axes. */
  static Quadratic diagonal(int n, double kappa, long seed) {
    return build(n, kappa, seed, 0, false);
  }

  /** Eigenvectors of a random rotation. */
  static Quadratic rotated(int n, double kappa, long seed) {
    return build(n, kappa, seed, 0, true);
  }

  /** A copy whose minimum value is c instead of 0 (so values have a rounding floor). */
  Quadratic withOffset(double c) {
    return new Quadratic(a, minimizer, c, kappa, rotated);
  }

  private static Quadratic build(int n, double kappa, long seed, double offset, boolean rotate) {
    Random rnd = new Random(seed);
    double[] lambda = new double[n];
    for (int i = 0; i < n; i++) {
      // Shuffle the spectrum over the axes so that no coordinate order is special.
      lambda[i] = Math.pow(kappa, -(double) i / (n - 1));
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      double t = lambda[i];
      lambda[i] = lambda[j];
      lambda[j] = t;
    }
    double[][] q = rotate ? randomOrthogonal(n, rnd) : identity(n);
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += q[i][k] * lambda[k] * q[j][k];
        }
        a[i][j] = s;
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double m = 0.5 * (a[i][j] + a[j][i]);
        a[i][j] = m;
        a[j][i] = m;
      }
    }
    double[] xs = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = 1 + rnd.nextGaussian();
    }
    return new Quadratic(a, xs, offset, kappa, rotate);
  }

  private static double[][] identity(int n) {
    double[][] q = new double[n][n];
    for (int i = 0; i < n; i++) {
      q[i][i] = 1;
    }
    return q;
  }

  /** Modified Gram-Schmidt on a Gaussian matrix (columns). */
  private static double[][] randomOrthogonal(int n, Random rnd) {
    double[][] c = new double[n][n];
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < n; i++) {
        c[k][i] = rnd.nextGaussian();
      }
    }
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < k; j++) {
        double p = Vectors.dot(c[k], c[j]);
        for (int i = 0; i < n; i++) {
          c[k][i] -= p * c[j][i];
        }
      }
      double norm = Vectors.norm(c[k]);
      for (int i = 0; i < n; i++) {
        c[k][i] /= norm;
      }
    }
    double[][] q = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        q[i][k] = c[k][i];
      }
    }
    return q;
  }

  int dimension() {
    return minimizer.length;
  }

  double[] gradient(double[] x) {
    int n = x.length;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = x[i] - minimizer[i];
    }
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < n; j++) {
        s += a[i][j] * r[j];
      }
      g[i] = s;
    }
    return g;
  }

  @Override
  public Point evaluate(double[] x) {
    double[] g = gradient(x);
    double q = 0;
    for (int i = 0; i < x.length; i++) {
      q += (x[i] - minimizer[i]) * g[i];
    }
    return new Point(x, offset + 0.5 * q, g);
  }

  /** {@code ||x - x*|| / ||x*||}. */
  double relativeError(double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double e = x[i] - minimizer[i];
      s += e * e;
    }
    return Math.sqrt(s) / Vectors.norm(minimizer);
  }

  @Override
  public String toString() {
    return (rotated ? "rotated" : "diagonal") + " quadratic, n=" + minimizer.length + ", kappa="
        + kappa + (offset != 0 ? ", offset=" + offset : "");
  }
}
