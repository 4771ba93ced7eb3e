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

  /**
   * Of the rows called {@code cls}, the share that are; 0 when none was called so but the class
   * has rows, NaN when neither (see {@link ClassFigures}).
   */
  public double precision(int cls) {
    return ClassFigures.precision(correct(cls), predicted(cls), support(cls));
  }

  /**
   * Of the rows of class {@code cls}, the share called so; 0 when there are none but some were
   * called so, NaN when neither.
   */
  public double recall(int cls) {
    return ClassFigures.recall(correct(cls), predicted(cls), support(cls));
  }

  /** The harmonic mean of precision and recall; 0 when both are 0, NaN when either is NaN. */
  public double f1(int cls) {
    return ClassFigures.f1(precision(cls), recall(cls));
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

  /**
   * The per-class figures' plain mean over the classes among the true or the predicted ones
   * ("macro avg", as scikit-learn's {@code classification_report}).
   */
  public Average macroAverage() {
    return ClassFigures.average("macro avg", false, counts(this::correct), counts(this::predicted),
        counts(this::support));
  }

  /** The per-class figures' mean weighted by each class's support ("weighted avg"). */
  public Average weightedAverage() {
    return ClassFigures.average("weighted avg", true, counts(this::correct),
        counts(this::predicted), counts(this::support));
  }

  private static long[] counts(java.util.function.IntToLongFunction count) {
    return new long[] {count.applyAsLong(0), count.applyAsLong(1)};
  }

  /**
   * An average of the per-class figures, as the last rows of scikit-learn's
   * {@code classification_report}.
   *
   * @param name "macro avg" or "weighted avg"
   * @param precision the averaged precision; NaN when no class occurs
   * @param recall the averaged recall; NaN when no class occurs
   * @param f1 the averaged F1; NaN when no class occurs
   * @param support all rows
   */
  public record Average(String name, double precision, double recall, double f1, long support) {}
}
