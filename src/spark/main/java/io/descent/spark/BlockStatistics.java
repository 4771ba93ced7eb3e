package io.descent.spark;

import io.descent.data.Standardization;
import java.io.Serializable;

/**
 * What one distributed pass learns about the cached rows: rows, total weight, the weighted mean
 * and sum of squared deviations of every feature (each block's in two exact passes over its
 * own rows, combined across blocks by Chan et al.'s pairwise update), the label's too, and the
 * label range. Rows of weight 0 take no part in the moments, as in {@link
 * Standardization#fitWeighted}.
 */
final class BlockStatistics implements Serializable {
  private static final long serialVersionUID = 1L;

  long rows;
  double total;
  double[] mean;
  double[] deviations;
  /** The sum of the squared weights (for the label's unbiased weighted variance). */
  double squares;
  double labelMean;
  double labelDeviations;
  double minLabel = Double.POSITIVE_INFINITY;
  /** The smallest row weight above 0 (of the rows counted). */
  double minWeight = Double.POSITIVE_INFINITY;
  double maxLabel = Double.NEGATIVE_INFINITY;
  boolean integralLabels = true;
  int features = -1;
  /**
   * The weight of each label 0, 1, .. of the rows that weigh more than 0 (a class's total), for
   * integral labels from 0 up to {@link #MAX_TRACKED_LABEL}; null where a label falls outside
   * them (the fit refuses such labels, or takes the label for a number).
   */
  double[] labelWeights = new double[0];

  /** The largest label whose weight {@link #labelWeights} keeps: {@value}. */
  static final int MAX_TRACKED_LABEL = 1 << 16;

  /** No rows. */
  static BlockStatistics empty() {
    return new BlockStatistics();
  }

  /** One block's statistics. */
  static BlockStatistics of(RowBlock b) {
    return of(b, -1);
  }

  /**
   * One block's statistics over the rows whose fold is not {@code excluded} (a fold's training
   * rows); -1 (or a block without folds) for all rows. The label range is always all rows'.
   */
  static BlockStatistics of(RowBlock b, int excluded) {
    BlockStatistics s = new BlockStatistics();
    int d = b.features;
    s.features = d;
    s.rows = b.rows;
    s.mean = new double[d];
    s.deviations = new double[d];
    for (int i = 0; i < b.rows; i++) {
      double y = b.y[i];
      s.minLabel = Math.min(s.minLabel, y);
      s.maxLabel = Math.max(s.maxLabel, y);
      s.integralLabels &= y == Math.rint(y);
      double w = weight(b, i, excluded);
      if (w == 0) {
        continue;
      }
      s.minWeight = Math.min(s.minWeight, w);
      s.addLabelWeight(y, w);
      s.total += w;
      s.squares += w * w;
      s.labelMean += w * y;
      for (int j = 0; j < d; j++) {
        s.mean[j] += w * b.x[i * d + j];
      }
    }
    if (s.total > 0) {
      s.labelMean /= s.total;
      for (int j = 0; j < d; j++) {
        s.mean[j] /= s.total;
      }
      for (int i = 0; i < b.rows; i++) {
        double w = weight(b, i, excluded);
        if (w == 0) {
          continue;
        }
        double cy = b.y[i] - s.labelMean;
        s.labelDeviations += w * cy * cy;
        for (int j = 0; j < d; j++) {
          double c = b.x[i * d + j] - s.mean[j];
          s.deviations[j] += w * c * c;
        }
      }
    }
    return s;
  }

  /** Adds weight {@code w} to label {@code y}'s total, or stops keeping totals. */
  private void addLabelWeight(double y, double w) {
    if (labelWeights == null) {
      return;
    }
    if (!(y >= 0 && y <= MAX_TRACKED_LABEL && y == Math.rint(y))) {
      labelWeights = null;
      return;
    }
    int label = (int) y;
    if (label >= labelWeights.length) {
      labelWeights = java.util.Arrays.copyOf(labelWeights, label + 1);
    }
    labelWeights[label] += w;
  }

  /** The labels among 0 .. classes - 1 that no row of weight above 0 holds, in order. */
  java.util.List<Integer> labelsWithoutWeight(int classes) {
    java.util.List<Integer> missing = new java.util.ArrayList<>();
    if (labelWeights == null) {
      return missing;
    }
    for (int c = 0; c < classes; c++) {
      if (c >= labelWeights.length || !(labelWeights[c] > 0)) {
        missing.add(c);
      }
    }
    return missing;
  }

  private static double weight(RowBlock b, int i, int excluded) {
    if (excluded >= 0 && b.folds != null && b.folds[i] == excluded) {
      return 0;
    }
    return b.weights == null ? 1 : b.weights[i];
  }

  /** Both blocks' statistics together (either may be empty); a new object. */
  static BlockStatistics merge(BlockStatistics a, BlockStatistics b) {
    if (a.features < 0) {
      return b;
    }
    if (b.features < 0) {
      return a;
    }
    if (a.features != b.features) {
      throw new IllegalArgumentException("feature vectors of different sizes: " + a.features
          + " and " + b.features);
    }
    BlockStatistics s = new BlockStatistics();
    s.features = a.features;
    s.rows = a.rows + b.rows;
    s.minLabel = Math.min(a.minLabel, b.minLabel);
    s.maxLabel = Math.max(a.maxLabel, b.maxLabel);
    s.integralLabels = a.integralLabels && b.integralLabels;
    s.total = a.total + b.total;
    s.minWeight = Math.min(a.minWeight, b.minWeight);
    if (a.labelWeights == null || b.labelWeights == null) {
      s.labelWeights = null;
    } else {
      s.labelWeights = java.util.Arrays.copyOf(a.labelWeights,
          Math.max(a.labelWeights.length, b.labelWeights.length));
      for (int c = 0; c < b.labelWeights.length; c++) {
        s.labelWeights[c] += b.labelWeights[c];
      }
    }
    s.squares = a.squares + b.squares;
    if (a.total == 0 || b.total == 0) {
      BlockStatistics only = a.total == 0 ? b : a;
      s.labelMean = only.labelMean;
      s.labelDeviations = only.labelDeviations;
    } else {
      double delta = b.labelMean - a.labelMean;
      s.labelMean = a.labelMean + delta * (b.total / s.total);
      s.labelDeviations = a.labelDeviations + b.labelDeviations
          + delta * delta * (a.total * b.total / s.total);
    }
    s.mean = new double[s.features];
    s.deviations = new double[s.features];
    for (int j = 0; j < s.features; j++) {
      if (a.total == 0 || b.total == 0) {
        BlockStatistics only = a.total == 0 ? b : a;
        s.mean[j] = only.mean[j];
        s.deviations[j] = only.deviations[j];
        continue;
      }
      double delta = b.mean[j] - a.mean[j];
      s.mean[j] = a.mean[j] + delta * (b.total / s.total);
      s.deviations[j] = a.deviations[j] + b.deviations[j]
          + delta * delta * (a.total * b.total / s.total);
    }
    return s;
  }

  /**
   * The standardization these moments give ({@link Standardization#fromMoments}).
   *
   * @throws IllegalArgumentException when every row weighs 0
   */
  Standardization standardization() {
    if (!(total > 0)) {
      throw new IllegalArgumentException("every row's weight is 0");
    }
    return Standardization.fromMoments(mean, deviations, total);
  }

  /**
   * The scale MLlib's {@code LinearRegression} divides the label by before it penalizes: the
   * label's weighted standard deviation, the sample one ({@code sample}: the unbiased weighted
   * variance, sum w (y - mean)^2 / (W - sum w^2 / W), as MLlib's summarizer gives it to its
   * L-BFGS solver) or the population one (sum w (y - mean)^2 / W, as its normal-equations
   * solver computes it); or |mean| for a constant label; 1 where both are 0 (a label of zeros,
   * whose fit is 0 whatever the penalty).
   */
  double labelScale(boolean sample) {
    double denominator = sample ? sampleWeight() : total;
    double std = denominator > 0 ? Math.sqrt(labelDeviations / denominator) : 0;
    if (std > 0) {
      return std;
    }
    return labelMean != 0 ? Math.abs(labelMean) : 1;
  }

  /**
   * The ratio of the features' sample variance to their population variance, the same for every
   * feature: W / (W - sum w^2 / W) (n / (n - 1) unweighted); 1 where the sample variance is not
   * defined (one row, or all the weight on one).
   */
  double sampleVarianceRatio() {
    double denominator = sampleWeight();
    return denominator > 0 ? total / denominator : 1;
  }

  /** The unbiased weighted variance's denominator: W - sum w^2 / W (n - 1 unweighted). */
  private double sampleWeight() {
    return total - squares / total;
  }
}
