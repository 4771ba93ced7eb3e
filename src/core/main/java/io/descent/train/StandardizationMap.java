package io.descent.train;

import io.descent.data.Standardization;

/**
 * The exact affine map between two standardizations of the same features: a model's parameters
 * in its own standardized space (mean {@code mu_g}, scale {@code s_g}, say a fold's training
 * rows) and the space a backend evaluates in (mean {@code mu_b}, scale {@code s_b}, say all rows).
 *
 * <p>Since {@code z_g = z_b (s_b / s_g) + (mu_b - mu_g) / s_g}, feature by feature, the margin
 * {@code b_g + w_g . z_g} equals {@code b_b + w_b . z_b} with
 *
 * <pre>
 *   w_b,j = w_g,j a_j,   a_j = s_b,j / s_g,j
 *   b_b   = b_g + sum_j w_g,j c_j,   c_j = (mu_b,j - mu_g,j) / s_g,j
 * </pre>
 *
 * and by the chain rule a gradient computed in the backend's space comes back as
 * {@code dJ/db_g = dJ/db_b}, {@code dJ/dw_g,j = a_j dJ/dw_b,j + c_j dJ/db_b}. So one backend
 * standardized once serves models each standardized on their own rows, and each model's penalty
 * stays on its own standardized weights. Parameters are {@code (d + 1) x C} column-major (C
 * columns of {@code (b, w)}), each column mapped alike.
 */
public final class StandardizationMap {
  private final double[] a;
  private final double[] c;
  private final boolean identity;

  /**
   * The map from {@code own} space to {@code base} space.
   *
   * @throws IllegalArgumentException when the two have different numbers of features
   */
  public StandardizationMap(Standardization own, Standardization base) {
    int d = own.features();
    if (base.features() != d) {
      throw new IllegalArgumentException("standardizations of " + d + " and " + base.features()
          + " features");
    }
    a = new double[d];
    c = new double[d];
    boolean same = true;
    for (int j = 0; j < d; j++) {
      a[j] = base.scale(j) / own.scale(j);
      c[j] = (base.mean(j) - own.mean(j)) / own.scale(j);
      same &= a[j] == 1 && c[j] == 0;
    }
    identity = same;
  }

  /** Features d. */
  public int features() {
    return a.length;
  }

  /** True when the two standardizations are equal, so both maps copy. */
  public boolean isIdentity() {
    return identity;
  }

  /**
   * Parameters in the base space, written to {@code out} from {@code offset}.
   *
   * @param own {@code (d + 1) x C} parameters in the own space, column-major
   */
  public void toBase(double[] own, double[] out, int offset) {
    int p = a.length + 1;
    checkColumns(own.length);
    for (int o = 0; o < own.length; o += p) {
      double b = own[o];
      for (int j = 0; j < a.length; j++) {
        double w = own[o + 1 + j];
        b += w * c[j];
        out[offset + o + 1 + j] = w * a[j];
      }
      out[offset + o] = b;
    }
  }

  /** Parameters in the base space, as a new array. */
  public double[] toBase(double[] own) {
    double[] out = new double[own.length];
    toBase(own, out, 0);
    return out;
  }

  /**
   * A gradient in the own space from one in the base space: {@code length} entries of
   * {@code base} from {@code offset} ({@code (d + 1) x C}, column-major).
   */
  public double[] gradientToOwn(double[] base, int offset, int length) {
    int p = a.length + 1;
    checkColumns(length);
    double[] g = new double[length];
    for (int o = 0; o < length; o += p) {
      double gb = base[offset + o];
      g[o] = gb;
      for (int j = 0; j < a.length; j++) {
        g[o + 1 + j] = a[j] * base[offset + o + 1 + j] + c[j] * gb;
      }
    }
    return g;
  }

  private void checkColumns(int length) {
    if (length == 0 || length % (a.length + 1) != 0) {
      throw new IllegalArgumentException(length + " parameters are not columns of d + 1 = "
          + (a.length + 1));
    }
  }
}
