package io.descent.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How well a multinomial model's probabilities and classes match a class target.
 *
 * @param rows number of rows
 * @param meanLogLoss the multiclass log loss {@code (1/n) sum_i [logsumexp_k(m_ik) - m_{i,y_i}]},
 *     from the margins (exact even where a probability rounds to 0)
 * @param accuracy the fraction of rows whose likeliest class is their own
 * @param confusion the decisions behind {@code accuracy}
 */
public record MulticlassMetrics(int rows, double meanLogLoss, double accuracy,
    MulticlassConfusion confusion) implements ModelMetrics {

  /**
   * {@code mean_log_loss}, {@code accuracy}, then for each class k (its index)
   * {@code precision_k}, {@code recall_k}, {@code f1_k} and {@code support_k}.
   */
  @Override
  public Map<String, Double> values() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mean_log_loss", meanLogLoss);
    m.put("accuracy", accuracy);
    for (int c = 0; c < confusion.classes(); c++) {
      m.put("precision_" + c, confusion.precision(c));
      m.put("recall_" + c, confusion.recall(c));
      m.put("f1_" + c, confusion.f1(c));
      m.put("support_" + c, (double) confusion.support(c));
    }
    return m;
  }

  /** For people: {@code log loss 0.1532649 accuracy 0.9600 (150 rows, 3 classes)}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "log loss %.7g accuracy %.4f (%d rows, %d classes)",
        meanLogLoss, accuracy, rows, confusion.classes());
  }
}
