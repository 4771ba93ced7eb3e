package io.descent.model;

import java.util.Map;

/** The metrics of a model on a dataset: {@link RegressionMetrics}, {@link ClassificationMetrics} or
 * {@link MulticlassMetrics}. */
public sealed interface ModelMetrics permits RegressionMetrics, ClassificationMetrics,
    MulticlassMetrics {
  /** Number of rows the metrics were computed over. */
  int rows();

  /**
   * The metrics by the names {@code datasets/reference.json} uses ({@code mse}, {@code rmse},
   * {@code r2}; {@code mean_log_loss}, {@code accuracy}, {@code roc_auc}), in that order, at full
   * precision: for machine-readable output.
   */
  Map<String, Double> values();
}
