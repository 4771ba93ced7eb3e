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
    return evaluate(theta, batch, null);
  }

  /**
   * Like {@link #evaluate(double[], Batch)}, and also fills {@code magnitude} with
   * {@code (1/|B|) sum_i |r_i| |z_ij|} per entry (|r_i| for the intercept): the scale of the
   * summed terms, which bounds the rounding error any summation order can make. Near an optimum
   * the gradient tends to 0 while this scale does not, so errors are judged against it there.
   */
  public Evaluation evaluate(double[] theta, Batch batch, double[] magnitude) {
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
        double ar = Math.abs(r);
        magnitude[0] += ar;
        for (int j = 0; j < d; j++) {
          magnitude[j + 1] += ar * Math.abs(z[j]);
        }
      }
    }
    if (magnitude != null) {
      for (int j = 0; j <= d; j++) {
        magnitude[j] /= size;
      }
    }
    double[] g = new double[d + 1];
    for (int j = 0; j <= d; j++) {
      g[j] = (gs[j] + gc[j]) / size;
    }
    return new Evaluation((ls + lc) / size, g);
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
