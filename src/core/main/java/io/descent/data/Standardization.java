package io.descent.data;

import java.util.Arrays;

/**
 * Per-feature centring and scaling, {@code z_j = (x_j - mean_j) / scale_j}.
 *
 * <p>{@link #fit} uses the population standard deviation (ddof 0), and a constant column gets
 * scale 1 so that it is never divided by zero (its z is then 0 everywhere). These are the
 * conventions of {@code datasets/reference.json}.
 */
public record Standardization(double[] mean, double[] scale) {
  /** Checks the two arrays match and every scale is positive and finite. */
  public Standardization {
    if (mean.length != scale.length) {
      throw new IllegalArgumentException("mean and scale lengths differ: " + mean.length + " vs "
          + scale.length);
    }
    for (int j = 0; j < scale.length; j++) {
      if (!(scale[j] > 0) || !Double.isFinite(scale[j]) || !Double.isFinite(mean[j])) {
        throw new IllegalArgumentException("feature " + j + ": scale must be finite and > 0, got "
            + scale[j] + " (mean " + mean[j] + ")");
      }
    }
    mean = mean.clone();
    scale = scale.clone();
  }

  /** No change: mean 0, scale 1 (for {@code --no-standardize}). */
  public static Standardization identity(int features) {
    double[] ones = new double[features];
    Arrays.fill(ones, 1.0);
    return new Standardization(new double[features], ones);
  }

  /** Mean and population standard deviation of each column, computed in float64 in two passes. */
  public static Standardization fit(Dataset data) {
    int n = data.rows();
    int d = data.features();
    float[] x = data.x();
    double[] mean = new double[d];
    double[] scale = new double[d];
    if (n == 0) {
      Arrays.fill(scale, 1.0);
      return new Standardization(mean, scale);
    }
    for (int i = 0; i < n; i++) {
      int base = i * d;
      for (int j = 0; j < d; j++) {
        mean[j] += x[base + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[] ss = new double[d];
    for (int i = 0; i < n; i++) {
      int base = i * d;
      for (int j = 0; j < d; j++) {
        double c = x[base + j] - mean[j];
        ss[j] += c * c;
      }
    }
    for (int j = 0; j < d; j++) {
      double sd = Math.sqrt(ss[j] / n);
      // A column constant up to rounding is treated as constant.
      scale[j] = sd > 1e-12 * Math.max(1.0, Math.abs(mean[j])) ? sd : 1.0;
    }
    return new Standardization(mean, scale);
  }

  /** Number of features. */
  public int features() {
    return mean.length;
  }

  /** A copy of the means (the record accessor shares the array). */
  @Override
  public double[] mean() {
    return mean.clone();
  }

  /** A copy of the scales. */
  @Override
  public double[] scale() {
    return scale.clone();
  }

  /** The mean of feature j. */
  public double mean(int j) {
    return mean[j];
  }

  /** The scale of feature j. */
  public double scale(int j) {
    return scale[j];
  }

  /** True when this is the identity (mean 0, scale 1). */
  public boolean isIdentity() {
    for (int j = 0; j < mean.length; j++) {
      if (mean[j] != 0 || scale[j] != 1) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardization s && Arrays.equals(mean, s.mean)
        && Arrays.equals(scale, s.scale);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "Standardization[mean=" + Arrays.toString(mean) + ", scale=" + Arrays.toString(scale)
        + "]";
  }
}
