package io.descent.spark;

import java.util.Set;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.stat.MultivariateOnlineSummarizer;

/**
 * MLlib's {@code RegressionEvaluator} (rmse, mse, r2, mae, var; {@code throughOrigin}, {@code
 * weightCol}) for every fold's models at once: each (fold, model) gathers the weighted summary of
 * (label, label - prediction, prediction) that MLlib's {@code RegressionMetrics} gathers, and the
 * metric is computed from it with RegressionMetrics' formulas.
 */
final class RegressionScoring extends FoldScoring {
  private static final long serialVersionUID = 1L;

  private static final Set<String> METRICS = Set.of("rmse", "mse", "r2", "mae", "var");

  private final String metricName;
  private final boolean throughOrigin;

  RegressionScoring(String labelCol, String weightCol, String metricName,
      boolean throughOrigin) {
    super(labelCol, weightCol);
    this.metricName = metricName;
    this.throughOrigin = throughOrigin;
  }

  /** True for the evaluator's metrics computed here (all of MLlib 4.0's). */
  static boolean handles(String metricName) {
    return METRICS.contains(metricName);
  }

  @Override
  Gatherer gatherer(int models) {
    MultivariateOnlineSummarizer[] parts = new MultivariateOnlineSummarizer[models];
    for (int i = 0; i < models; i++) {
      parts[i] = new MultivariateOnlineSummarizer();
    }
    return new Gatherer() {
      @Override
      public void add(int i, Model<?> model, Vector x, double label, double weight) {
        double prediction = ((DescentLinearRegressionModel) model).predict(x);
        parts[i].add(Vectors.dense(label, label - prediction, prediction), weight);
      }

      @Override
      public Object part(int i) {
        return parts[i];
      }
    };
  }

  @Override
  Object empty() {
    return new MultivariateOnlineSummarizer();
  }

  @Override
  Object merge(Object a, Object b) {
    return ((MultivariateOnlineSummarizer) a).merge((MultivariateOnlineSummarizer) b);
  }

  @Override
  double metric(Object part) {
    MultivariateOnlineSummarizer s = (MultivariateOnlineSummarizer) part;
    if (s.count() == 0) {
      return Double.NaN;
    }
    double w = s.weightSum();
    double ssErr = Math.pow(s.normL2().apply(1), 2);
    return switch (metricName) {
      case "rmse" -> Math.sqrt(ssErr / w);
      case "mse" -> ssErr / w;
      case "mae" -> s.normL1().apply(1) / w;
      case "r2" -> throughOrigin ? 1 - ssErr / Math.pow(s.normL2().apply(0), 2)
          : 1 - ssErr / (s.variance().apply(0) * (w - 1));
      case "var" -> {
        double yMean = s.mean().apply(0);
        double ssReg = Math.pow(s.normL2().apply(2), 2) + Math.pow(yMean, 2) * w
            - 2 * yMean * s.mean().apply(2) * w;
        yield ssReg / w;
      }
      default -> throw new IllegalStateException("metric " + metricName);
    };
  }
}
