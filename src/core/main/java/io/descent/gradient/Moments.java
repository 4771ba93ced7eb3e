package io.descent.gradient;

import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import java.util.Arrays;

/**
 * The weighted second moments of a set of rows, all that the squared-error loss needs: for the
 * augmented rows {@code a_i = [1, x_i - c, y_i - c_y]} (p = d + 2 entries) and the rows' weights
 * {@code s_i}, the symmetric matrix {@code M = sum_i s_i a_i a_i'}, kept as its upper triangle,
 * row by row. So {@code M[0][0] = S = sum s_i}, {@code M[0][1 + j] = sum s_i (x_ij - c_j)},
 * {@code M[1 + j][1 + k] = sum s_i (x_ij - c_j)(x_ik - c_k)}, the last row and column hold the
 * target's sums, and {@code M[d + 1][d + 1] = sum s_i (y_i - c_y)^2}.
 *
 * <p>The moments are of the raw features, before any standardization, about a <b>shift</b>
 * {@code (c, c_y)} that is part of the record: every backend takes its standardization's means
 * and the rows' weighted mean target ({@link #targetShift(Dataset)}). Shifting is exact algebra
 * (any other centre or scale is a small correction, see {@code GramBackend}) and it keeps the
 * sums from cancelling: the moments of a column whose mean is large against its spread (a year
 * column) would otherwise lose as many digits as the ratio has, and the shift makes the moments
 * of a constant column exactly 0.
 *
 * <p>{@link #of} computes them on the host in float64 with Neumaier sums: the oracle the
 * backends' moments are tested against.
 *
 * @param shift {@code c}, one per feature
 * @param targetShift {@code c_y}
 * @param packed the upper triangle of M, row by row: {@code p (p + 1) / 2} values
 */
public record Moments(double[] shift, double targetShift, double[] packed) {
  /** Checks that the triangle fits the shift's features. */
  public Moments {
    if (packed.length != size(shift.length)) {
      throw new IllegalArgumentException("moments of " + shift.length + " features need "
          + size(shift.length) + " values, got " + packed.length);
    }
    shift = shift.clone();
    packed = packed.clone();
  }

  /** The values of the upper triangle of M for d features, {@code (d + 2)(d + 3) / 2}. */
  public static int size(int features) {
    long p = features + 2L;
    long size = p * (p + 1) / 2;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(features + " features have too many moments");
    }
    return (int) size;
  }

  /** Where {@code M[j][k]} (j <= k, both in 0..d+1) is in {@link #packed()} for d features. */
  public static int index(int features, int j, int k) {
    if (j > k) {
      int t = j;
      j = k;
      k = t;
    }
    int p = features + 2;
    return j * p - j * (j - 1) / 2 + (k - j);
  }

  /** The number of features, d. */
  public int features() {
    return shift.length;
  }

  /** A copy of the shift {@code c} of the features. */
  @Override
  public double[] shift() {
    return shift.clone();
  }

  /** A copy of the packed triangle. */
  @Override
  public double[] packed() {
    return packed.clone();
  }

  /** {@code M[j][k]}, either order. */
  public double get(int j, int k) {
    return packed[index(shift.length, j, k)];
  }

  /** {@code S = sum_i s_i}, the total weight. */
  public double weight() {
    return packed[0];
  }

  /**
   * The moments of both sets of rows together (about the same shift).
   *
   * @throws IllegalArgumentException when the shifts differ
   */
  public Moments plus(Moments other) {
    requireSameShift(other);
    double[] sum = packed.clone();
    for (int t = 0; t < sum.length; t++) {
      sum[t] += other.packed[t];
    }
    return new Moments(shift, targetShift, sum);
  }

  private void requireSameShift(Moments other) {
    if (!Arrays.equals(shift, other.shift) || targetShift != other.targetShift) {
      throw new IllegalArgumentException("moments about different shifts do not add");
    }
  }

  /** The rows whose values make {@link #shiftOf}'s shift: the first {@value}. */
  public static final int SHIFT_ROWS = 1024;

  /**
   * The centre a backend takes its moments about: its standardization's means, or, where they
   * are all 0 (the raw features, {@link io.descent.data.Standardization#identity}), {@link
   * #shiftOf}: about 0 a column of 1e8 +- 3 summed squares of 1e16 whose spread, 3 in 1e16,
   * float64 barely holds, and a raw linear fit stopped near the constant model ({@code
   * GramBackend} evaluates moments about any centre).
   */
  public static double[] centreFor(double[] mean, Dataset data) {
    for (double m : mean) {
      if (m != 0) {
        return mean;
      }
    }
    return shiftOf(data);
  }

  /**
   * A shift for the moments that needs no pass over the data: per feature, the mean of the
   * first {@link #SHIFT_ROWS} rows of weight above 0 (every row when there are fewer), rounded
   * to float32. Moments about it keep their digits as moments about the exact mean would (a
   * column whose mean is 1e4 and spread 1e-2 sums values of the spread's size, not of the
   * mean's), so the standardization follows from them ({@link #standardization()}) without
   * the separate pass over the rows that {@link Standardization#fit} makes. Rounded to float32 so
   * that a column constant over those rows is shifted by exactly its value, and {@code x - c} of
   * two float32 values is exact in float64 unless their exponents are far apart.
   */
  public static double[] shiftOf(Dataset data) {
    int d = data.features();
    float[] row = new float[d];
    double[] sum = new double[d];
    int taken = 0;
    for (int i = 0; i < data.rows() && taken < SHIFT_ROWS; i++) {
      if (data.weight(i) == 0) {
        continue;
      }
      data.copyRows(i, 1, row, 0);
      for (int j = 0; j < d; j++) {
        sum[j] += row[j];
      }
      taken++;
    }
    double[] shift = new double[d];
    for (int j = 0; j < d; j++) {
      shift[j] = taken == 0 ? 0 : (float) (sum[j] / taken);
    }
    return shift;
  }

  /**
   * The standardization these moments imply, as {@link Standardization#fit} computes it from
   * the rows they sum (the weighted means and population standard deviations, scale 1 for a
   * constant column): {@code mean_j = c_j + m_j} and {@code sum_i s_i (x_ij - mean_j)^2 =
   * M[1+j][1+j] - S m_j^2}, with {@code m_j = M[0][1+j] / S} the mean's offset from the shift.
   * The subtraction loses about {@code 2 log10(1 + |m_j| / sd_j)} digits, none to speak of when
   * the shift is near the mean ({@link #shiftOf}); a column constant about the shift has every
   * sum exactly 0 and gets scale 1.
   *
   * @throws IllegalArgumentException when the moments weigh nothing
   */
  public Standardization standardization() {
    int d = shift.length;
    double total = weight();
    if (!(total > 0) || !Double.isFinite(total)) {
      throw new IllegalArgumentException("moments of total weight " + total
          + " have no standardization");
    }
    double[] mean = new double[d];
    double[] ss = new double[d];
    for (int j = 0; j < d; j++) {
      double offset = get(0, 1 + j) / total;
      mean[j] = shift[j] + offset;
      ss[j] = Math.max(0, get(1 + j, 1 + j) - offset * get(0, 1 + j));
    }
    return Standardization.fromMoments(mean, ss, total);
  }

  /**
   * The weighted mean of the targets, {@code sum s_i y_i / sum s_i} over all rows (0 when no
   * row weighs anything): the target shift every backend takes.
   */
  public static double targetShift(Dataset data) {
    double[] y = data.y();
    CompensatedSum sy = new CompensatedSum();
    CompensatedSum s = new CompensatedSum();
    for (int i = 0; i < y.length; i++) {
      double w = data.weight(i);
      sy.add(w * y[i]);
      s.add(w);
    }
    return s.value() > 0 ? sy.value() / s.value() : 0;
  }

  /**
   * The largest fold of the rows plus one (1 without folds): how many fold moments a source
   * returns.
   */
  public static int folds(int[] rowFold) {
    int folds = 1;
    if (rowFold != null) {
      for (int f : rowFold) {
        folds = Math.max(folds, f + 1);
      }
    }
    return folds;
  }

  /**
   * The oracle: the moments of the rows whose fold is {@code fold} (every row when
   * {@code rowFold} is null) about the shift, in float64 with Neumaier sums.
   *
   * @param data the rows, weighted by their weights
   * @param shift c, one per feature
   * @param targetShift c_y
   * @param rowFold every row's fold, or null
   * @param fold the fold to sum (ignored without folds)
   */
  public static Moments of(Dataset data, double[] shift, double targetShift, int[] rowFold,
      int fold) {
    int d = data.features();
    if (shift.length != d) {
      throw new IllegalArgumentException("a shift of " + shift.length + " values for " + d
          + " features");
    }
    int p = d + 2;
    float[] row = new float[d];
    double[] y = data.y();
    double[] sums = new double[size(d)];
    double[] lost = new double[sums.length];
    double[] a = new double[p];
    a[0] = 1;
    for (int i = 0; i < data.rows(); i++) {
      if (rowFold != null && rowFold[i] != fold) {
        continue;
      }
      double s = data.weight(i);
      if (s == 0) {
        continue;
      }
      data.copyRows(i, 1, row, 0);
      for (int j = 0; j < d; j++) {
        a[j + 1] = row[j] - shift[j];
      }
      a[d + 1] = y[i] - targetShift;
      int t = 0;
      for (int j = 0; j < p; j++) {
        double sa = s * a[j];
        for (int k = j; k < p; k++) {
          CompensatedSum.add(sums, lost, t++, sa * a[k]);
        }
      }
    }
    for (int t = 0; t < sums.length; t++) {
      sums[t] += lost[t];
    }
    return new Moments(shift, targetShift, sums);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Moments m && Arrays.equals(shift, m.shift)
        && Double.compare(targetShift, m.targetShift) == 0 && Arrays.equals(packed, m.packed);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(shift) + Double.hashCode(targetShift))
        + Arrays.hashCode(packed);
  }

  @Override
  public String toString() {
    return "Moments[" + shift.length + " features, weight " + weight() + "]";
  }
}
