package io.descent.data;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Per-feature centring and scaling, {@code z_j = (x_j - mean_j) / scale_j}.
 *
 * <p>{@link #fit} uses the population standard deviation (ddof 0), weighted when the data has
 * row weights, and a constant column gets scale 1 so that it is never divided by zero (its z is
 * then 0 everywhere). These are the conventions of {@code datasets/reference.json}.
 */
public record Standardization(double[] mean, double[] scale) {
  /** Checks the two arrays match and every scale is positive and finite. */
  public Standardization {
    if (mean.length != scale.length) {
      throw new IllegalArgumentException("mean and scale lengths differ: " + mean.length + " vs "
          + scale.length);
    }
    for (int j = 0; j < scale.length; j++) {
      if (!Double.isFinite(mean[j])) {
        throw new IllegalArgumentException("feature " + j + ": mean must be finite, got "
            + mean[j] + " (from data, one of the feature's values is not finite)");
      }
      if (!(scale[j] > 0) || !Double.isFinite(scale[j])) {
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

  /**
   * This standardization's means with every scale 1: the space a fit of the raw features runs
   * in (their means subtracted, as scikit-learn fits an intercept), whose weights are the raw
   * ones.
   */
  public Standardization withUnitScales() {
    double[] ones = new double[mean.length];
    Arrays.fill(ones, 1.0);
    return new Standardization(mean, ones);
  }

  /**
   * Mean and population standard deviation of each column, computed in float64 in two passes.
   * When the data has row weights ({@link Dataset#weights()}) they are weighted: {@code mean =
   * sum s_i x_i / sum s_i}, {@code var = sum s_i (x_i - mean)^2 / sum s_i} (see {@link
   * #fitWeighted}), so that an integer weight counts a row as that many copies of it.
   *
   * <p>Without weights, a {@link DatasetCache} keeps the result beside its copy of the rows,
   * and a rerun from the copy reads it instead of the two passes (a 1M x 64 {@code train} from
   * the copy spent 0.13 to 0.19 s of its 1.6 to 1.8 s on them).
   */
  public static Standardization fit(Dataset data) {
    if (data.weights() != null) {
      return fitWeighted(data, data.weights());
    }
    int n = data.rows();
    int d = data.features();
    if (n == 0) {
      double[] scale = new double[d];
      Arrays.fill(scale, 1.0);
      return new Standardization(new double[d], scale);
    }
    Standardization known = data.knownStandardization();
    if (known != null) {
      return known;
    }
    Standardization s = byColumns(data, n, d, null, n);
    data.computedStandardization(s);
    return s;
  }

  /**
   * The weighted mean and weighted population standard deviation of each column, in float64 in
   * two passes: {@code mean = sum s_i x_i / sum s_i}, {@code var = sum s_i (x_i - mean)^2 / sum
   * s_i}. Rows of weight 0 take no part; a column constant on the other rows gets scale 1. These
   * are the conventions of the weighted entries of {@code datasets/reference.json}.
   *
   * @param weights one finite, non-negative weight per row, not all zero (the data's own weights
   *     are not used)
   * @throws IllegalArgumentException when the weights do not fit those rules or the data
   */
  public static Standardization fitWeighted(Dataset data, double[] weights) {
    int n = data.rows();
    int d = data.features();
    if (weights.length != n) {
      throw new IllegalArgumentException("the data has " + n + " rows but " + weights.length
          + " weights were given");
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double s = weights[i];
      if (!(s >= 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException("weights[" + i + "] is " + s + " (row " + i + ")"
            + ": weights must be finite and >= 0");
      }
      total += s;
    }
    if (!(total > 0)) {
      throw new IllegalArgumentException("every row's weight is 0");
    }
    return byColumns(data, n, d, weights, total);
  }

  /**
   * Rows times features from which {@link #fit} sums ranges of columns on several threads,
   * {@value}: each column's sums still run over the rows in order, so the result has the same
   * bits on any number of threads. On 1M x 64 values (a 2-core AMD EPYC) a compiled fit took
   * 0.037 to 0.061 s on two threads against 0.051 to 0.099 s on one; a JVM's first call runs
   * mostly before the JIT has compiled the loops, 0.067 to 0.089 s either way.
   */
  static final long PARALLEL_VALUES = 1L << 22;

  /**
   * Values per block (whole rows) that a task copies from features kept off the heap before
   * summing them: 1024 rows of 64 features, 256 KiB, within a core's second-level cache.
   */
  static final int OFF_HEAP_BLOCK_VALUES = 1 << 16;

  /**
   * The two passes of {@link #fit} and {@link #fitWeighted} (weights null: every row weighs 1),
   * over ranges of columns in parallel where the data has at least {@link #PARALLEL_VALUES}
   * values. Features off the heap are read in blocks of rows, each summed in row order as the
   * heap array is, so both give the same bits.
   */
  private static Standardization byColumns(Dataset data, int n, int d, double[] weights,
      double total) {
    if (d == 0) {
      return new Standardization(new double[0], new double[0]); // an intercept-only model
    }
    double[] mean = new double[d];
    double[] ss = new double[d];
    float[] heap = data.offHeapRows().isPresent() ? null : data.x();
    int blockRows = Math.max(1, OFF_HEAP_BLOCK_VALUES / Math.max(1, d));
    int parts = (long) n * d < PARALLEL_VALUES ? 1
        : Math.min(d, Runtime.getRuntime().availableProcessors());
    IntStream.range(0, parts).parallel().forEach(p -> {
      int from = (int) ((long) d * p / parts);
      int to = (int) ((long) d * (p + 1) / parts);
      // Sums in arrays of the task's own: two tasks writing beside each other in one array
      // would share its cache lines on every row.
      double[] m = new double[to - from];
      double[] q = new double[to - from];
      float[] block = heap != null ? null : new float[blockRows * d];
      inRowOrder(data, heap, block, (x, first, count) ->
          sums(x, first, count, d, weights, from, m));
      for (int j = 0; j < m.length; j++) {
        m[j] /= total;
      }
      inRowOrder(data, heap, block, (x, first, count) ->
          squaredDeviations(x, first, count, d, weights, from, m, q));
      System.arraycopy(m, 0, mean, from, m.length);
      System.arraycopy(q, 0, ss, from, q.length);
    });
    return of(mean, ss, total);
  }

  /** Rows {@code first .. first + count - 1}, which {@code x} holds from its row 0. */
  @FunctionalInterface
  private interface Rows {
    void take(float[] x, int first, int count);
  }

  /**
   * Gives {@code rows} every row in order: the heap array at once, or (heap null) the rows off
   * the heap copied block after block into {@code block}.
   */
  private static void inRowOrder(Dataset data, float[] heap, float[] block, Rows rows) {
    int n = data.rows();
    if (heap != null) {
      rows.take(heap, 0, n);
      return;
    }
    int step = Math.max(1, block.length / Math.max(1, data.features()));
    for (int first = 0; first < n; first += step) {
      int count = Math.min(step, n - first);
      data.copyRows(first, count, block, 0);
      rows.take(block, first, count);
    }
  }

  /**
   * Per column {@code from + j}: {@code sum_i s_i x_ij} into {@code sum[j]}, with {@code s_i = 1}
   * without weights (a product by 1 is exact, so the sums are those of the plain values), over
   * rows {@code first .. first + count - 1}, which {@code x} holds from its row 0.
   */
  private static void sums(float[] x, int first, int count, int d, double[] weights, int from,
      double[] sum) {
    int width = sum.length;
    for (int i = 0; i < count; i++) {
      double s = weights == null ? 1 : weights[first + i];
      if (s == 0) {
        continue;
      }
      int base = i * d + from;
      for (int j = 0; j < width; j++) {
        sum[j] += s * x[base + j];
      }
    }
  }

  /**
   * Per column {@code from + j}: {@code sum_i s_i (x_ij - mean[j])^2} into {@code ss[j]}, rows as
   * {@link #sums}.
   */
  private static void squaredDeviations(float[] x, int first, int count, int d,
      double[] weights, int from, double[] mean, double[] ss) {
    int width = ss.length;
    for (int i = 0; i < count; i++) {
      double s = weights == null ? 1 : weights[first + i];
      if (s == 0) {
        continue;
      }
      int base = i * d + from;
      for (int j = 0; j < width; j++) {
        double c = x[base + j] - mean[j];
        ss[j] += s * c * c;
      }
    }
  }

  /**
   * From statistics gathered elsewhere (for example combined over the partitions of a
   * distributed dataset): the (weighted) means, the (weighted) sums of squared deviations from
   * those means and the total weight. Applies the same rules as {@link #fit}: population standard
   * deviation {@code sqrt(ss_j / total)}, and scale 1 for a column constant up to rounding.
   *
   * @param mean the per-column (weighted) means
   * @param squaredDeviations per column, {@code sum_i s_i (x_ij - mean_j)^2}
   * @param totalWeight {@code sum_i s_i} (the row count when unweighted), finite and &gt; 0
   * @throws IllegalArgumentException when the lengths differ or a figure is not finite
   */
  public static Standardization fromMoments(double[] mean, double[] squaredDeviations,
      double totalWeight) {
    if (mean.length != squaredDeviations.length) {
      throw new IllegalArgumentException("mean and squared deviations lengths differ: "
          + mean.length + " vs " + squaredDeviations.length);
    }
    if (!(totalWeight > 0) || !Double.isFinite(totalWeight)) {
      throw new IllegalArgumentException("the total weight must be finite and > 0, got "
          + totalWeight);
    }
    return of(mean, squaredDeviations, totalWeight);
  }

  /** From the means and the (weighted) sums of squared deviations over a total weight. */
  private static Standardization of(double[] mean, double[] ss, double total) {
    double[] scale = new double[mean.length];
    for (int j = 0; j < mean.length; j++) {
      scale[j] = scaleOf(Math.sqrt(ss[j] / total), mean[j]);
    }
    return new Standardization(mean, scale);
  }

  /**
   * The smallest standard deviation a column is scaled by, {@value}: its inverse squared (1e300,
   * as the normal equations scale the features' products) stays within float64's range.
   * Float32 features never spread this little unless constant (their smallest spread, values 0
   * and the smallest subnormal, is about 7e-46), so in practice only a column constant up to
   * rounding ({@link #CONSTANT_SHARE}) gets scale 1. The float32 kernels fold 1 / s into their
   * weights only within 2^60 and upload standardized rows beyond. A floor of 1e-30 once treated
   * a feature of spread 1e-31 as constant, without a word: its weight stayed near 0 where
   * scikit-learn's {@code StandardScaler} scales it.
   */
  public static final double MIN_SCALE = 1e-150;
  /**
   * A column whose standard deviation is at most this share of its mean's magnitude, {@value},
   * is constant up to rounding.
   */
  public static final double CONSTANT_SHARE = 1e-12;

  /**
   * A column's scale from its standard deviation {@code sd} and mean: {@code sd}, or 1 for a
   * column constant up to rounding ({@code sd <= } {@link #CONSTANT_SHARE} {@code |mean|}) or
   * below {@link #MIN_SCALE}. The test is relative to the column's own values: a column of
   * spread 1e-12 around 0 is a feature like any other (an absolute floor of 1e-12 once treated
   * it as constant and dropped it, while scikit-learn scales it).
   */
  public static double scaleOf(double sd, double mean) {
    return sd > CONSTANT_SHARE * Math.abs(mean) && sd >= MIN_SCALE ? sd : 1.0;
  }

  /**
   * The share of a feature's standard deviation above which float32's step near its mean
   * makes a notice ({@link #coarseFeatures}), {@value}: the rounding then moves its variance,
   * and a fit's coefficients, by about 1e-5 relative or more.
   */
  public static final double COARSE_SHARE = 0.01;

  /**
   * The features whose float32 values, the data every backend reads, step near their mean by
   * more than {@link #COARSE_SHARE} of their standard deviation (values near 1e7 spread over 10
   * step by 1): one line each, naming the feature, its step and its spread. Constant features
   * (scale 1, see {@link #scaleOf}) are left out.
   */
  public List<String> coarseFeatures(List<String> names) {
    List<String> lines = new java.util.ArrayList<>();
    for (int j = 0; j < mean.length; j++) {
      double step = Math.ulp((float) Math.abs(mean[j]));
      if (scale[j] != 1.0 && step > COARSE_SHARE * scale[j]) {
        lines.add(String.format(java.util.Locale.ROOT, "feature \"%s\": its values, near %.4g,"
            + " are float32 in steps of %.3g, %.0f%% of their standard deviation (%.3g): the"
            + " fit is that of the rounded values; subtract an offset from the column (its"
            + " first value, say) to fit its own digits", names.get(j), mean[j], step,
            100 * step / scale[j], scale[j]));
      }
    }
    return lines;
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

  /**
   * A new array of the inverse scales {@code 1 / scale_j}: the backends form {@code z = (x -
   * mean) * (1 / scale)} with these factors, so that every backend standardizes a value to the
   * same float64 number.
   */
  public double[] inverseScales() {
    double[] inverse = new double[scale.length];
    for (int j = 0; j < scale.length; j++) {
      inverse[j] = 1.0 / scale[j];
    }
    return inverse;
  }

  /** The mean of feature j. */
  public double mean(int j) {
    return mean[j];
  }

  /** The scale of feature j. */
  public double scale(int j) {
    return scale[j];
  }

  /**
   * True when every scale is 1: the raw features, as they are ({@link #identity}) or less their
   * means ({@link #withUnitScales}, how a fit without standardization runs), not standardized.
   */
  public boolean hasUnitScales() {
    for (double s : scale) {
      if (s != 1) {
        return false;
      }
    }
    return true;
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
