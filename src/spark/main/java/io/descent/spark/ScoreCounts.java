package io.descent.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The weighted positives and negatives at each distinct score of one model on one fold, scores
 * in descending order: what MLlib's {@code BinaryClassificationMetrics} builds with {@code
 * combineByKey} and {@code sortByKey(ascending = false)} before it draws a curve. A row counts as
 * positive when its label is above 0.5, as there.
 */
final class ScoreCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Distinct scores, descending ({@link Double#compare} order, reversed). */
  final double[] scores;
  final double[] positives;
  final double[] negatives;

  ScoreCounts(double[] scores, double[] positives, double[] negatives) {
    this.scores = scores;
    this.positives = positives;
    this.negatives = negatives;
  }

  /** No scores. */
  static ScoreCounts empty() {
    return new ScoreCounts(new double[0], new double[0], new double[0]);
  }

  /**
   * The counts of {@code n} scored rows.
   *
   * @param positive whether row j's label is above 0.5
   * @param weights row j's weight, or null for 1
   */
  static ScoreCounts of(double[] scores, boolean[] positive, double[] weights, int n) {
    double[] sorted = Arrays.copyOf(scores, n);
    Arrays.sort(sorted);
    int distinct = 0;
    for (int j = 0; j < n; j++) {
      if (distinct == 0 || Double.compare(sorted[j], sorted[distinct - 1]) != 0) {
        sorted[distinct++] = sorted[j];
      }
    }
    double[] pos = new double[distinct];
    double[] neg = new double[distinct];
    for (int j = 0; j < n; j++) {
      int at = Arrays.binarySearch(sorted, 0, distinct, scores[j]);
      double w = weights == null ? 1 : weights[j];
      if (positive[j]) {
        pos[at] += w;
      } else {
        neg[at] += w;
      }
    }
    double[] desc = new double[distinct];
    double[] p = new double[distinct];
    double[] q = new double[distinct];
    for (int j = 0; j < distinct; j++) {
      desc[j] = sorted[distinct - 1 - j];
      p[j] = pos[distinct - 1 - j];
      q[j] = neg[distinct - 1 - j];
    }
    return new ScoreCounts(desc, p, q);
  }

  /** Both counts as one: the scores of either, the counts of equal scores summed. */
  static ScoreCounts merge(ScoreCounts a, ScoreCounts b) {
    int n = a.scores.length;
    int m = b.scores.length;
    double[] s = new double[n + m];
    double[] p = new double[n + m];
    double[] q = new double[n + m];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < n || j < m) {
      int c = i == n ? -1 : j == m ? 1 : Double.compare(a.scores[i], b.scores[j]);
      if (c > 0) {
        s[k] = a.scores[i];
        p[k] = a.positives[i];
        q[k++] = a.negatives[i++];
      } else if (c < 0) {
        s[k] = b.scores[j];
        p[k] = b.positives[j];
        q[k++] = b.negatives[j++];
      } else {
        s[k] = a.scores[i];
        p[k] = a.positives[i] + b.positives[j];
        q[k++] = a.negatives[i++] + b.negatives[j++];
      }
    }
    return k == n + m ? new ScoreCounts(s, p, q)
        : new ScoreCounts(Arrays.copyOf(s, k), Arrays.copyOf(p, k), Arrays.copyOf(q, k));
  }

  /**
   * The area under the ROC curve ({@code pr} false) or the precision-recall curve, as MLlib's
   * {@code BinaryClassificationMetrics(scores, numBins)} computes it when its sorted scores are
   * in one partition: with {@code numBins} > 0 and at least {@code 2 x numBins} distinct scores,
   * consecutive runs of {@code distinct / numBins} of them are one point; the curve's points are
   * the cumulative counts; ROC runs from (0, 0) to (1, 1), PR starts at (0, the first point's
   * precision); the area is the sum of trapezoids. NaN for no rows on a PR curve (MLlib fails).
   */
  double area(int numBins, boolean pr) {
    int n = scores.length;
    long grouping = numBins == 0 ? 1 : n / numBins;
    int group = grouping < 2 ? 1 : (int) Math.min(grouping, Integer.MAX_VALUE);
    int points = (n + group - 1) / group;
    double[] tp = new double[points];
    double[] fp = new double[points];
    double cumP = 0;
    double cumN = 0;
    for (int g = 0; g < points; g++) {
      double chunkP = 0;
      double chunkN = 0;
      for (int j = g * group; j < Math.min(n, (g + 1) * group); j++) {
        chunkP += positives[j];
        chunkN += negatives[j];
      }
      cumP += chunkP;
      cumN += chunkN;
      tp[g] = cumP;
      fp[g] = cumN;
    }
    double allP = cumP;
    double allN = cumN;
    if (pr) {
      if (points == 0) {
        return Double.NaN;
      }
      double x = 0;
      double y = precision(tp[0], fp[0]);
      double area = 0;
      for (int g = 0; g < points; g++) {
        double x2 = allP == 0 ? 0 : tp[g] / allP;
        double y2 = precision(tp[g], fp[g]);
        area += trapezoid(x, y, x2, y2);
        x = x2;
        y = y2;
      }
      return area;
    }
    double x = 0;
    double y = 0;
    double area = 0;
    for (int g = 0; g < points; g++) {
      double x2 = allN == 0 ? 0 : fp[g] / allN;
      double y2 = allP == 0 ? 0 : tp[g] / allP;
      area += trapezoid(x, y, x2, y2);
      x = x2;
      y = y2;
    }
    return area + trapezoid(x, y, 1, 1);
  }

  private static double precision(double tp, double fp) {
    double predicted = tp + fp;
    return predicted == 0 ? 1 : tp / predicted;
  }

  private static double trapezoid(double x1, double y1, double x2, double y2) {
    return (x2 - x1) * (y2 + y1) / 2.0;
  }
}
