package io.descent.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;

/**
 * MLlib's {@code MulticlassClassificationEvaluator} for every fold's models at once: each
 * (fold, model) gathers its weighted confusion counts ((label, prediction) to weight) and, for
 * logLoss, the weighted loss of the probability of the row's label; the metric is then
 * computed as MLlib's {@code MulticlassMetrics} computes it from the same counts. The
 * prediction and probability are the model's own ({@code raw2prediction}, {@code
 * raw2probabilityInPlace} of {@code predictRaw}), as its {@code transform} writes them.
 */
final class MulticlassScoring extends FoldScoring {
  private static final long serialVersionUID = 1L;

  /** The metric that reads the probability column. */
  static final String LOG_LOSS = "logLoss";

  private static final Set<String> METRICS = Set.of("f1", "accuracy", "weightedPrecision",
      "weightedRecall", "weightedTruePositiveRate", "weightedFalsePositiveRate",
      "weightedFMeasure", "truePositiveRateByLabel", "falsePositiveRateByLabel",
      "precisionByLabel", "recallByLabel", "fMeasureByLabel", "hammingLoss", LOG_LOSS);

  private final String metricName;
  private final double beta;
  private final double metricLabel;
  private final double eps;

  MulticlassScoring(String labelCol, String weightCol, String metricName, double beta,
      double metricLabel, double eps) {
    super(labelCol, weightCol);
    this.metricName = metricName;
    this.beta = beta;
    this.metricLabel = metricLabel;
    this.eps = eps;
  }

  /** True for the evaluator's metrics computed here (all of MLlib 4.0's). */
  static boolean handles(String metricName) {
    return METRICS.contains(metricName);
  }

  /** One (label, prediction) cell of a confusion matrix. */
  record Cell(double label, double prediction) implements Serializable {}

  /** The weighted confusion counts of one model on one fold, and its weighted log loss. */
  static final class Confusion implements Serializable {
    private static final long serialVersionUID = 1L;
    final Map<Cell, double[]> cells = new HashMap<>();
    double lossSum;
    double weightSum;

    Confusion merge(Confusion other) {
      other.cells.forEach((cell, w) -> cells.computeIfAbsent(cell, c -> new double[1])[0] += w[0]);
      lossSum += other.lossSum;
      weightSum += other.weightSum;
      return this;
    }
  }

  @Override
  Gatherer gatherer(int models) {
    boolean logLoss = metricName.equals(LOG_LOSS);
    double loss1 = -Math.log(eps);
    double loss2 = -Math.log1p(-eps);
    Confusion[] parts = new Confusion[models];
    for (int i = 0; i < models; i++) {
      parts[i] = new Confusion();
    }
    return new Gatherer() {
      @Override
      public void add(int i, Model<?> model, Vector x, double label, double weight) {
        DescentLogisticRegressionModel lr = (DescentLogisticRegressionModel) model;
        Vector raw = lr.predictRaw(x);
        double prediction = lr.raw2prediction(raw);
        Confusion c = parts[i];
        c.cells.computeIfAbsent(new Cell(label, prediction), k -> new double[1])[0] += weight;
        if (logLoss) {
          if (label != (int) label || label < 0) {
            throw new IllegalArgumentException("Invalid label " + label);
          }
          double p = lr.raw2probabilityInPlace(raw.copy()).apply((int) label);
          double loss = p < eps ? loss1 : p > 1 - eps ? loss2 : -Math.log(p);
          c.lossSum += loss * weight;
          c.weightSum += weight;
        }
      }

      @Override
      public Object part(int i) {
        return parts[i];
      }
    };
  }

  @Override
  Object empty() {
    return new Confusion();
  }

  @Override
  Object merge(Object a, Object b) {
    return ((Confusion) a).merge((Confusion) b);
  }

  @Override
  double metric(Object part) {
    Confusion c = (Confusion) part;
    if (metricName.equals(LOG_LOSS)) {
      return c.lossSum / c.weightSum;
    }
    Map<Double, Double> labelCount = new HashMap<>();
    Map<Double, Double> tp = new HashMap<>();
    Map<Double, Double> fp = new HashMap<>();
    double all = 0;
    double wrong = 0;
    for (Map.Entry<Cell, double[]> e : c.cells.entrySet()) {
      double label = e.getKey().label();
      double prediction = e.getKey().prediction();
      double w = e.getValue()[0];
      labelCount.merge(label, w, Double::sum);
      tp.merge(label, label == prediction ? w : 0, Double::sum);
      fp.merge(prediction, label != prediction ? w : 0, Double::sum);
      all += w;
      wrong += label != prediction ? w : 0;
    }
    double total = 0;
    for (double w : labelCount.values()) {
      total += w;
    }
    double n = total;
    return switch (metricName) {
      case "f1" -> weighted(labelCount, n, l -> fMeasure(tp, fp, labelCount, l, 1));
      case "accuracy" -> tp.values().stream().mapToDouble(Double::doubleValue).sum() / n;
      case "weightedPrecision" -> weighted(labelCount, n, l -> precision(tp, fp, l));
      case "weightedRecall", "weightedTruePositiveRate" ->
          weighted(labelCount, n, l -> recall(tp, labelCount, l));
      case "weightedFalsePositiveRate" ->
          weighted(labelCount, n, l -> falsePositiveRate(fp, labelCount, n, l));
      case "weightedFMeasure" -> weighted(labelCount, n, l -> fMeasure(tp, fp, labelCount, l,
          beta));
      case "truePositiveRateByLabel", "recallByLabel" -> recall(tp, labelCount, metricLabel);
      case "falsePositiveRateByLabel" -> falsePositiveRate(fp, labelCount, n, metricLabel);
      case "precisionByLabel" -> precision(tp, fp, metricLabel);
      case "fMeasureByLabel" -> fMeasure(tp, fp, labelCount, metricLabel, beta);
      case "hammingLoss" -> wrong / all;
      default -> throw new IllegalStateException("metric " + metricName);
    };
  }

  private static double weighted(Map<Double, Double> labelCount, double n,
      java.util.function.DoubleUnaryOperator byLabel) {
    double sum = 0;
    for (Map.Entry<Double, Double> e : labelCount.entrySet()) {
      sum += byLabel.applyAsDouble(e.getKey()) * e.getValue() / n;
    }
    return sum;
  }

  private static double get(Map<Double, Double> byLabel, double label) {
    Double v = byLabel.get(label);
    if (v == null) {
      throw new NoSuchElementException("key not found: " + label);
    }
    return v;
  }

  private static double precision(Map<Double, Double> tp, Map<Double, Double> fp, double l) {
    double t = get(tp, l);
    double f = fp.getOrDefault(l, 0.0);
    return t + f == 0 ? 0 : t / (t + f);
  }

  private static double recall(Map<Double, Double> tp, Map<Double, Double> labelCount,
      double l) {
    return get(tp, l) / get(labelCount, l);
  }

  private static double falsePositiveRate(Map<Double, Double> fp,
      Map<Double, Double> labelCount, double n, double l) {
    return fp.getOrDefault(l, 0.0) / (n - get(labelCount, l));
  }

  private static double fMeasure(Map<Double, Double> tp, Map<Double, Double> fp,
      Map<Double, Double> labelCount, double l, double beta) {
    double p = precision(tp, fp, l);
    double r = recall(tp, labelCount, l);
    double b2 = beta * beta;
    return p + r == 0 ? 0 : (1 + b2) * p * r / (b2 * p + r);
  }
}
