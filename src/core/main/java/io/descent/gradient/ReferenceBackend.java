package io.descent.gradient;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;

/**
 * The oracle: loss and gradient in float64 with Neumaier-compensated sums over the rows, on the
 * same float32 data the fast backends see. Standardization is applied on the fly, so the data is
 * never copied. Treat its results as exact; its own correctness is checked against central finite
 * differences.
 */
public final class ReferenceBackend implements GradientBackend {
  private final Dataset data;
  private final Loss loss;
  private final double[] mean;
  private final double[] invScale;

  /**
   * @param data the dataset, not copied
   * @param standardization applied to each feature before the margin is formed
   * @param loss the per-row loss
   */
  public ReferenceBackend(Dataset data, Standardization standardization, Loss loss) {
    if (standardization.features() != data.features()) {
      throw new IllegalArgumentException("standardization has " + standardization.features()
          + " features, data has " + data.features());
    }
    this.data = data;
    this.loss = loss;
    this.mean = standardization.mean();
    double[] scale = standardization.scale();
    this.invScale = new double[scale.length];
    for (int j = 0; j < scale.length; j++) {
      invScale[j] = 1.0 / scale[j];
    }
  }

  @Override
  public BackendInfo info() {
    return new BackendInfo(BackendKind.REFERENCE, "Java (host CPU)", "float64", "-");
  }

  @Override
  public int rows() {
    return data.rows();
  }

  @Override
  public int features() {
    return data.features();
  }

  /** Treated as exact. */
  @Override
  public double tolerance() {
    return 0;
  }

  @Override
  public Evaluation evaluate(double[] theta, Batch batch) {
    return evaluate(theta, batch, null).evaluation();
  }

  /**
   * The exact evaluation together with the scales a fast backend's rounding errors are judged
   * against. A float32 backend rounds each margin {@code m_i} by about {@code u M_i}, where
   * {@code M_i = |b| + sum_j |w_j z_ij| + |y_i|} and u is the unit roundoff; that moves the
   * residual by {@code L''(m_i) u M_i} and the loss by {@code |r_i| u M_i}, on top of the
   * rounding of the terms themselves. So the scales are
   *
   * <ul>
   *   <li>gradient, entry j: {@code (1/|B|) sum_i (|r_i| + L''(m_i) M_i) |z_ij|} ({@code z_i0 =
   *       1} for the intercept);
   *   <li>loss: {@code (1/|B|) sum_i (L_i + |r_i| M_i)}.
   * </ul>
   *
   * <p>Each row's two terms are floored at {@code Float.MIN_NORMAL}: below it float32 numbers are
   * subnormal and keep only an absolute precision.
   *
   * <p>Error analysis bounds a backend's error by a small multiple of u times these, whatever
   * the summation order and however small the result itself: near an optimum the gradient tends
   * to 0, and for a single well-fitted row the residual and loss do, while the scales do not.
   *
   * @param theta the parameters
   * @param batch the rows
   */
  public Scaled evaluateScaled(double[] theta, Batch batch) {
    return evaluate(theta, batch, new double[theta.length]);
  }

  /** An exact evaluation with the error scales of {@link #evaluateScaled}. */
  public record Scaled(Evaluation evaluation, double lossScale, double[] gradientScale) {}

  private Scaled evaluate(double[] theta, Batch batch, double[] magnitude) {
    int d = data.features();
    if (theta.length != d + 1) {
      throw new IllegalArgumentException("theta must have " + (d + 1) + " entries, got "
          + theta.length);
    }
    if (batch.to() > data.rows() && batch.contiguous()) {
      throw new IllegalArgumentException("batch ends at " + batch.to() + " but data has "
          + data.rows() + " rows");
    }
    float[] x = data.x();
    double[] y = data.y();
    double[] z = new double[d];
    // Neumaier sums: s holds the running sum, c the lost low-order parts.
    double[] gs = new double[d + 1];
    double[] gc = new double[d + 1];
    double ls = 0;
    double lc = 0;
    double lossScale = 0;
    int size = batch.size();
    for (int k = 0; k < size; k++) {
      int i = batch.row(k);
      int base = i * d;
      double m = theta[0];
      for (int j = 0; j < d; j++) {
        z[j] = (x[base + j] - mean[j]) * invScale[j];
        m += theta[j + 1] * z[j];
      }
      double li = loss.value(m, y[i]);
      double t = ls + li;
      lc += Math.abs(ls) >= Math.abs(li) ? (ls - t) + li : (li - t) + ls;
      ls = t;
      double r = loss.residual(m, y[i]);
      add(gs, gc, 0, r);
      for (int j = 0; j < d; j++) {
        add(gs, gc, j + 1, r * z[j]);
      }
      if (magnitude != null) {
        double mm = Math.abs(theta[0]) + Math.abs(y[i]);
        for (int j = 0; j < d; j++) {
          mm += Math.abs(theta[j + 1] * z[j]);
        }
        double ar = Math.abs(r);
        // Floored at float32's smallest normal number, below which float32 keeps only an
        // absolute precision (subnormals are 1.4e-45 apart: a residual of e^-97 has 3 digits).
        double term = Math.max(ar + loss.curvature(m) * mm, Float.MIN_NORMAL);
        lossScale += Math.max(li + ar * mm, Float.MIN_NORMAL);
        magnitude[0] += term;
        for (int j = 0; j < d; j++) {
          magnitude[j + 1] += term * Math.abs(z[j]);
        }
      }
    }
    if (magnitude != null) {
      for (int j = 0; j <= d; j++) {
        magnitude[j] /= size;
      }
      lossScale /= size;
    }
    double[] g = new double[d + 1];
    for (int j = 0; j <= d; j++) {
      g[j] = (gs[j] + gc[j]) / size;
    }
    return new Scaled(new Evaluation((ls + lc) / size, g), lossScale, magnitude);
  }

  private static void add(double[] s, double[] c, int j, double v) {
    double t = s[j] + v;
    c[j] += Math.abs(s[j]) >= Math.abs(v) ? (s[j] - t) + v : (v - t) + s[j];
    s[j] = t;
  }

  @Override
  public void close() {
    // Nothing native to release.
  }
}
