package io.descent.model;

import java.util.List;
import java.util.Locale;

/**
 * The counts of a binary classifier's decisions at one probability threshold, and the per-class
 * precision, recall, F1 and support derived from them, as scikit-learn's
 * {@code classification_report} and Spark's {@code BinaryClassificationMetrics} give them.
 *
 * @param threshold the probability of class 1 at or below which a row is called 0
 * @param trueNegatives rows of class 0 called 0
 * @param falsePositives rows of class 0 called 1
 * @param falseNegatives rows of class 1 called 0
 * @param truePositives rows of class 1 called 1
 */
public record ConfusionMatrix(double threshold, long trueNegatives, long falsePositives,
    long falseNegatives, long truePositives) {

  /** Rows whose true class is {@code cls}. */
  public long support(int cls) {
    return cls == 1 ? truePositives + falseNegatives : trueNegatives + falsePositives;
  }

  /** Rows called {@code cls}. */
  public long predicted(int cls) {
    return cls == 1 ? truePositives + falsePositives : trueNegatives + falseNegatives;
  }

  private long correct(int cls) {
    return cls == 1 ? truePositives : trueNegatives;
  }

  /** Of the rows called {@code cls}, the share that are; NaN when none was called so. */
  public double precision(int cls) {
    return ratio(correct(cls), predicted(cls));
  }

  /** Of the rows of class {@code cls}, the share called so; NaN when there are none. */
  public double recall(int cls) {
    return ratio(correct(cls), support(cls));
  }

  /** The harmonic mean of precision and recall; NaN when either is. */
  public double f1(int cls) {
    double p = precision(cls);
    double r = recall(cls);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** The share of all rows called correctly. */
  public double accuracy() {
    return ratio(trueNegatives + truePositives, support(0) + support(1));
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /**
   * The matrix and the per-class table, for people; {@code negative} and {@code positive} are
   * the classes' original labels.
   */
  public String report(String negative, String positive) {
    String[] names = {negative.equals("0") ? "0" : "0 (" + negative + ")",
        positive.equals("1") ? "1" : "1 (" + positive + ")"};
    int w = Math.max(12, Math.max(names[0].length(), names[1].length()) + 2);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "confusion matrix at threshold %s (rows: true class,"
        + " columns: predicted):%n", threshold));
    s.append(String.format(Locale.ROOT, "%-" + w + "s %12s %12s%n", "", "predicted 0",
        "predicted 1"));
    s.append(String.format(Locale.ROOT, "%-" + w + "s %12d %12d%n", names[0], trueNegatives,
        falsePositives));
    s.append(String.format(Locale.ROOT, "%-" + w + "s %12d %12d%n", names[1], falseNegatives,
        truePositives));
    s.append(String.format(Locale.ROOT, "%-" + w + "s %10s %10s %10s %10s%n", "class",
        "precision", "recall", "f1-score", "support"));
    for (int c = 0; c <= 1; c++) {
      s.append(String.format(Locale.ROOT, "%-" + w + "s %10.4f %10.4f %10.4f %10d%n", names[c],
          precision(c), recall(c), f1(c), support(c)));
    }
    for (Average a : List.of(macroAverage(), weightedAverage())) {
      s.append(String.format(Locale.ROOT, "%-" + w + "s %10.4f %10.4f %10.4f %10d%n",
          a.name(), a.precision(), a.recall(), a.f1(), a.support()));
    }
    return s.toString();
  }

  /** The per-class figures' plain mean over the two classes ("macro avg"). */
  public Average macroAverage() {
    return new Average("macro avg", (precision(0) + precision(1)) / 2,
        (recall(0) + recall(1)) / 2, (f1(0) + f1(1)) / 2, support(0) + support(1));
  }

  /** The per-class figures' mean weighted by each class's support ("weighted avg"). */
  public Average weightedAverage() {
    return new Average("weighted avg", weighted(precision(0), precision(1)),
        weighted(recall(0), recall(1)), weighted(f1(0), f1(1)), support(0) + support(1));
  }

  private double weighted(double a, double b) {
    double n = support(0) + support(1);
    return (a * support(0) + b * support(1)) / n;
  }

  /**
   * An average of the per-class figures, as the last rows of scikit-learn's
   * {@code classification_report}.
   *
   * @param name "macro avg" or "weighted avg"
   * @param precision the averaged precision; NaN when a class's is
   * @param recall the averaged recall; NaN when a class's is
   * @param f1 the averaged F1; NaN when a class's is
   * @param support all rows
   */
  public record Average(String name, double precision, double recall, double f1, long support) {}
}
