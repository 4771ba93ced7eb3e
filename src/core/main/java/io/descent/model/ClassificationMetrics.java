package io.descent.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How well a logistic model's probabilities and classes match 0/1 targets.
 *
 * @param rows number of rows
 * @param positives number of rows whose target is 1
 * @param meanLogLoss {@code (1/n) sum [log(1 + e^{m_i}) - y_i m_i]}, from the margins (no
 *     clipping needed, exact even where the probability rounds to 0 or 1)
 * @param accuracy the fraction of rows whose class at threshold 0.5 ({@code m > 0}) is the target
 * @param rocAuc the area under the ROC curve: the probability that a random positive row scores
 *     above a random negative one, ties counting one half; NaN when only one class is present
 * @param confusion the decisions at the threshold behind {@code accuracy}, or null when not
 *     kept
 */
public record ClassificationMetrics(int rows, int positives, double meanLogLoss, double accuracy,
    double rocAuc, ConfusionMatrix confusion) implements ModelMetrics {

  /** The figures without a confusion matrix. */
  public ClassificationMetrics(int rows, int positives, double meanLogLoss, double accuracy,
      double rocAuc) {
    this(rows, positives, meanLogLoss, accuracy, rocAuc, null);
  }

  /**
   * {@code mean_log_loss}, {@code accuracy}, {@code roc_auc}; with a confusion matrix also
   * {@code precision_0}, {@code recall_0}, {@code f1_0}, {@code support_0} and the same for class
   * 1.
   */
  @Override
  public Map<String, Double> values() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mean_log_loss", meanLogLoss);
    m.put("accuracy", accuracy);
    m.put("roc_auc", rocAuc);
    if (confusion != null) {
      for (int c = 0; c <= 1; c++) {
        m.put("precision_" + c, confusion.precision(c));
        m.put("recall_" + c, confusion.recall(c));
        m.put("f1_" + c, confusion.f1(c));
        m.put("support_" + c, (double) confusion.support(c));
      }
    }
    return m;
  }

  /** For people: {@code log loss 0.2402073 accuracy 0.9181 roc auc 0.9692262 (4601 rows, 1813 positive)}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "log loss %.7g accuracy %.4f roc auc %.7g (%d rows, %d positive)", meanLogLoss, accuracy,
        rocAuc, rows, positives);
  }
}
