package io.descent.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table of numeric features and one target, as read from a CSV file.
 *
 * <p>Features are float32 in one row-major array ({@code x[i * features + j]}), which is the layout
 * every gradient backend consumes without conversion. The target is float64 so that regression
 * targets keep all their digits on the host; backends that need float32 convert it themselves.
 *
 * <p>A dataset is immutable by convention: {@link #x()} and {@link #y()} return the backing arrays
 * without copying (a 1M x 64 table is 256 MB), and callers must not modify them.
 */
public final class Dataset {
  private final String source;
  private final List<String> featureNames;
  private final String targetName;
  private final float[] x;
  private final double[] y;
  private final int rows;
  private final int features;
  private final BinaryLabels labels;

  /**
   * @param source where the data came from (a file name), used in messages
   * @param featureNames one name per feature column
   * @param targetName the target column's name, or null when the data was read without a target
   *     (for prediction); y is then all NaN
   * @param x row-major features, {@code rows * featureNames.size()} values
   * @param y one target per row
   * @param labels for a binary target, which original labels map to 0 and 1; null for regression
   */
  public Dataset(String source, List<String> featureNames, String targetName, float[] x, double[] y,
      BinaryLabels labels) {
    this.source = Objects.requireNonNull(source, "source");
    this.featureNames = List.copyOf(featureNames);
    this.targetName = targetName;
    this.x = Objects.requireNonNull(x, "x");
    this.y = Objects.requireNonNull(y, "y");
    this.rows = y.length;
    this.features = this.featureNames.size();
    this.labels = labels;
    if ((long) rows * features != x.length) {
      throw new IllegalArgumentException("x must hold rows * features = " + rows + " * " + features
          + " values, got " + x.length);
    }
  }

  /** Where the data came from (a file name), for messages. */
  public String source() {
    return source;
  }

  /** Number of rows n. */
  public int rows() {
    return rows;
  }

  /** Number of features d (the target excluded). */
  public int features() {
    return features;
  }

  /** Feature names in column order. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** The target column's name, or null when the data was read without one. */
  public String targetName() {
    return targetName;
  }

  /** The row-major float32 features, not copied: do not modify. */
  public float[] x() {
    return x;
  }

  /** The targets, not copied: do not modify. */
  public double[] y() {
    return y;
  }

  /** Feature {@code j} of row {@code i}. */
  public float get(int i, int j) {
    return x[i * features + j];
  }

  /** For a binary target, the original labels behind 0 and 1. */
  public Optional<BinaryLabels> labels() {
    return Optional.ofNullable(labels);
  }

  /** A copy holding only the given rows, in the given order. */
  public Dataset rows(int[] indices) {
    float[] sx = new float[Math.multiplyExact(indices.length, features)];
    double[] sy = new double[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= rows) {
        throw new IndexOutOfBoundsException("row " + i + " is outside 0.." + (rows - 1));
      }
      System.arraycopy(x, i * features, sx, k * features, features);
      sy[k] = y[i];
    }
    return new Dataset(source, featureNames, targetName, sx, sy, labels);
  }

  @Override
  public String toString() {
    return "Dataset[" + source + ", " + rows + " rows x " + features + " features, target "
        + targetName + "]";
  }
}
