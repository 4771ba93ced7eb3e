package io.descent.spark;

import io.descent.gradient.BatchedEvaluation;
import java.io.Serializable;

/**
 * The sums one evaluation combines across partitions: per group the weighted loss sum {@code
 * sum_i s_ig l_ig} and the weight sum {@code sum_i s_ig}, per column the gradient sum. Each
 * figure is kept as an unevaluated sum of two doubles (Knuth's TwoSum), so the combined sums
 * hardly depend on the order in which {@code treeAggregate} meets the partitions.
 */
final class PartialSums implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Loss sums, then weight sums, then the gradient: high parts. */
  final double[] high;
  /** The rounding errors of {@link #high}. */
  final double[] low;
  final int groups;

  PartialSums(int groups, int gradientLength) {
    this.groups = groups;
    this.high = new double[2 * groups + gradientLength];
    this.low = new double[high.length];
  }

  /** Adds one partition's evaluation (its means times its weights). */
  PartialSums add(BatchedEvaluation e, int classes) {
    int p = e.parameters();
    for (int g = 0; g < groups; g++) {
      double w = e.weight()[g];
      if (w == 0) {
        continue;
      }
      add(g, e.loss()[g] * w, 0);
      add(groups + g, w, 0);
      for (int k = g * classes; k < (g + 1) * classes; k++) {
        for (int j = 0; j < p; j++) {
          add(2 * groups + k * p + j, e.gradient()[k * p + j] * w, 0);
        }
      }
    }
    return this;
  }

  /** Adds another partial sum into this one. */
  PartialSums merge(PartialSums other) {
    for (int i = 0; i < high.length; i++) {
      add(i, other.high[i], other.low[i]);
    }
    return this;
  }

  private void add(int i, double value, double error) {
    double a = high[i];
    double s = a + value;
    double bb = s - a;
    double err = (a - (s - bb)) + (value - bb);
    high[i] = s;
    low[i] += err + error;
  }

  private double get(int i) {
    return high[i] + low[i];
  }

  /** The combined evaluation: every group's weighted means. */
  BatchedEvaluation evaluation(int classes) {
    int columns = groups * classes;
    double[] gradient = new double[high.length - 2 * groups];
    int p = gradient.length / columns;
    double[] loss = new double[groups];
    double[] weight = new double[groups];
    for (int g = 0; g < groups; g++) {
      weight[g] = get(groups + g);
      if (weight[g] == 0) {
        continue;
      }
      loss[g] = get(g) / weight[g];
      for (int k = g * classes; k < (g + 1) * classes; k++) {
        for (int j = 0; j < p; j++) {
          gradient[k * p + j] = get(2 * groups + k * p + j) / weight[g];
        }
      }
    }
    return new BatchedEvaluation(loss, gradient, weight, columns);
  }
}
