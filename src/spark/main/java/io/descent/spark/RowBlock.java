package io.descent.spark;

import io.descent.data.Dataset;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * The rows of one partition as a fit caches them: float32 features, row-major ({@code rows x
 * features}), the label and the row weight of each row. Sparse feature vectors are densified
 * here (every zero stored), so a block takes {@code 4 d} bytes a row whatever the sparsity.
 */
final class RowBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  final int rows;
  final int features;
  final float[] x;
  final double[] y;
  /** One weight per row, or null when the fit has no weight column. */
  final double[] weights;
  /** Each row's cross-validation fold (0..k-1), or null when the fit has no folds. */
  final int[] folds;

  private RowBlock(int rows, int features, float[] x, double[] y, double[] weights,
      int[] folds) {
    this.rows = rows;
    this.features = features;
    this.x = x;
    this.y = y;
    this.weights = weights;
    this.folds = folds;
  }

  /** The block of a partition whose rows are (features vector, label, [weight]). */
  static Iterator<RowBlock> of(Iterator<Row> input, boolean weighted) {
    return of(input, weighted, false);
  }

  /**
   * The block of a partition whose rows are (features vector, label, [weight]).
   *
   * @param weighted whether each row has a third field, its weight
   * @param folded whether each row has a last field, its fold (an int, 0..k-1)
   * @throws IllegalArgumentException for a feature vector of another size than the first, a
   *     value that is not finite or too large for float32, or a weight that is negative or not
   *     finite
   */
  static Iterator<RowBlock> of(Iterator<Row> input, boolean weighted, boolean folded) {
    int d = -1;
    float[] x = new float[0];
    double[] y = new double[16];
    double[] w = weighted ? new double[16] : null;
    int[] f = folded ? new int[16] : null;
    int foldField = weighted ? 3 : 2;
    int n = 0;
    while (input.hasNext()) {
      Row row = input.next();
      Vector v = (Vector) row.get(0);
      if (v == null) {
        throw new IllegalArgumentException("a row has no feature vector (null)");
      }
      if (d < 0) {
        d = v.size();
        x = new float[16 * Math.max(d, 1)];
      } else if (v.size() != d) {
        throw new IllegalArgumentException("feature vectors of different sizes: " + d + " and "
            + v.size());
      }
      if (n == y.length) {
        y = Arrays.copyOf(y, 2 * n);
        if (w != null) {
          w = Arrays.copyOf(w, 2 * n);
        }
        if (f != null) {
          f = Arrays.copyOf(f, 2 * n);
        }
      }
      if ((long) (n + 1) * d > x.length) {
        long grown = Math.max(2L * x.length, (long) (n + 1) * d);
        if (grown > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("a partition of more than " + n + " rows of " + d
              + " features does not fit one block: use more partitions");
        }
        x = Arrays.copyOf(x, (int) grown);
      }
      int base = n * d;
      if (v instanceof SparseVector s) {
        int[] idx = s.indices();
        double[] val = s.values();
        for (int k = 0; k < idx.length; k++) {
          x[base + idx[k]] = toFloat(val[k]);
        }
      } else {
        double[] val = ((DenseVector) v).values();
        for (int j = 0; j < d; j++) {
          x[base + j] = toFloat(val[j]);
        }
      }
      if (row.isNullAt(1)) {
        throw new IllegalArgumentException("a row has no label (null)");
      }
      y[n] = row.getDouble(1);
      if (!Double.isFinite(y[n])) {
        throw new IllegalArgumentException("a label is not finite: " + y[n]);
      }
      if (w != null) {
        double s = row.isNullAt(2) ? Double.NaN : row.getDouble(2);
        if (!(s >= 0) || !Double.isFinite(s)) {
          throw new IllegalArgumentException("a row weight is " + s
              + ": weights must be finite and >= 0");
        }
        w[n] = s;
      }
      if (f != null) {
        f[n] = row.getInt(foldField);
      }
      n++;
    }
    if (n == 0) {
      return List.<RowBlock>of().iterator();
    }
    return List.of(new RowBlock(n, d, Arrays.copyOf(x, n * d), Arrays.copyOf(y, n),
        w == null ? null : Arrays.copyOf(w, n), f == null ? null : Arrays.copyOf(f, n)))
        .iterator();
  }

  private static float toFloat(double v) {
    float f = (float) v;
    if (!Float.isFinite(f)) {
      throw new IllegalArgumentException("a feature value is " + v
          + ": features must be finite and within float32's range");
    }
    return f;
  }

  /** This block as a core dataset (arrays shared), with its weights. */
  Dataset dataset() {
    Dataset data = Dataset.of(x, rows, y);
    return weights == null ? data : data.withWeights(weights);
  }
}
