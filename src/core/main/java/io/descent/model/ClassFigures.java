package io.descent.model;

/**
 * Per-class precision, recall and F1 and their averages from a classifier's counts, with
 * scikit-learn's {@code classification_report} rules for the undefined cases (its
 * {@code zero_division=0}): a class that occurs (among the true or the predicted classes) but was
 * never predicted has precision 0, one that was predicted but has no rows recall 0, and F1 is 0
 * where precision and recall are; a class that neither occurs nor is predicted has NaN figures
 * and is left out of the averages, as scikit-learn leaves it out of its report.
 */
final class ClassFigures {
  private ClassFigures() {}

  /** Whether a class is among the true or the predicted classes. */
  static boolean occurs(long predicted, long support) {
    return predicted > 0 || support > 0;
  }

  static double precision(long correct, long predicted, long support) {
    if (predicted > 0) {
      return (double) correct / predicted;
    }
    return support > 0 ? 0 : Double.NaN;
  }

  static double recall(long correct, long predicted, long support) {
    if (support > 0) {
      return (double) correct / support;
    }
    return predicted > 0 ? 0 : Double.NaN;
  }

  static double f1(double precision, double recall) {
    if (Double.isNaN(precision) || Double.isNaN(recall)) {
      return Double.NaN;
    }
    return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
  }

  /**
   * "macro avg" (the plain mean over the classes that occur) or "weighted avg" (the mean weighted
   * by each class's rows) of the classes' figures.
   */
  static ConfusionMatrix.Average average(String name, boolean weighted, long[] correct,
      long[] predicted, long[] support) {
    double p = 0;
    double r = 0;
    double f = 0;
    double n = 0;
    long rows = 0;
    for (int c = 0; c < correct.length; c++) {
      rows += support[c];
      if (!occurs(predicted[c], support[c])) {
        continue;
      }
      double w = weighted ? support[c] : 1;
      double pc = precision(correct[c], predicted[c], support[c]);
      double rc = recall(correct[c], predicted[c], support[c]);
      p += w * pc;
      r += w * rc;
      f += w * f1(pc, rc);
      n += w;
    }
    return n == 0 ? new ConfusionMatrix.Average(name, Double.NaN, Double.NaN, Double.NaN, rows)
        : new ConfusionMatrix.Average(name, p / n, r / n, f / n, rows);
  }
}
