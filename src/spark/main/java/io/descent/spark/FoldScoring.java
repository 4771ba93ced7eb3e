package io.descent.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DatasetUtils$;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.Tuple2;

/**
 * Every fold's models scored by one of MLlib's own evaluators in ONE Spark job over the rows of
 * all folds: each row is scored by the models of its fold, each (fold, model) gathers what the
 * evaluator's metric needs (the weighted counts of each distinct score for a ROC or PR curve, a
 * confusion matrix, a regression summary) per partition, the partitions' parts are merged by
 * key, and the metric is computed from the merged part exactly as MLlib's {@code
 * BinaryClassificationMetrics}, {@code MulticlassMetrics} or {@code RegressionMetrics} computes
 * it. MLlib's {@code CrossValidator} instead runs the evaluator on each model's transformed
 * validation rows: several jobs (a sort among them) per fold and model.
 *
 * <p>What differs from MLlib's own evaluation: only the order of floating-point sums, and, for a
 * down-sampled curve ({@code numBins} > 0 and at least {@code 2 x numBins} distinct scores), where
 * the bins of the last points start: MLlib groups consecutive points within each partition of
 * its sorted scores, and draws those partitions' bounds from a sample seeded with the RDD's id
 * (so its own value moves slightly between runs); here the points are grouped along the whole
 * curve, as MLlib does when the scores are in one partition.
 */
abstract class FoldScoring implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The evaluator's label column, cast to double. */
  private final String labelCol;
  /** The evaluator's weight column; None for weight 1. */
  private final String weightCol;

  FoldScoring(String labelCol, String weightCol) {
    this.labelCol = labelCol;
    this.weightCol = weightCol;
  }

  /**
   * The scoring for {@code evaluator} on models like {@code model}, or null when the evaluator
   * is not one of MLlib's handled here or does not read the columns the model writes (then the
   * evaluator runs on each model's transformed rows).
   *
   * @param columns the rows' schema: a model's output column already among them is left to MLlib
   */
  static FoldScoring of(Evaluator evaluator, Model<?> model, StructType columns) {
    if (model instanceof DescentLogisticRegressionModel lr) {
      if (evaluator instanceof BinaryClassificationEvaluator e) {
        if (lr.numClasses() != 2) {
          // MLlib's evaluator fails so on a multinomial model's raw predictions (its areas of
          // scores that are no binary classifier's were reported, and a "best" model chosen).
          throw new IllegalArgumentException("requirement failed: rawPredictionCol vectors must"
              + " have length=2, but got " + lr.numClasses());
        }
        return !writes(lr, lr.rawPredictionCol(), e.getRawPredictionCol(), columns) ? null
            : new BinaryScoring(e.getLabelCol(), weightOf(e, e.weightCol()), e.getNumBins(),
                e.getMetricName());
      }
      if (evaluator instanceof MulticlassClassificationEvaluator e) {
        boolean logLoss = e.getMetricName().equals(MulticlassScoring.LOG_LOSS);
        return !writes(lr, lr.predictionCol(), e.getPredictionCol(), columns)
            || !writes(lr, lr.rawPredictionCol(), lr.getRawPredictionCol(), columns)
            || logLoss && !writes(lr, lr.probabilityCol(), e.getProbabilityCol(), columns)
            || !MulticlassScoring.handles(e.getMetricName()) ? null
            : new MulticlassScoring(e.getLabelCol(), weightOf(e, e.weightCol()),
                e.getMetricName(), e.getBeta(), e.getMetricLabel(), e.getEps());
      }
    }
    if (model instanceof DescentLinearRegressionModel lin
        && evaluator instanceof RegressionEvaluator e) {
      return !writes(lin, lin.predictionCol(), e.getPredictionCol(), columns)
          || !RegressionScoring.handles(e.getMetricName()) ? null
          : new RegressionScoring(e.getLabelCol(), weightOf(e, e.weightCol()),
              e.getMetricName(), e.getThroughOrigin());
    }
    return null;
  }

  /** True when the model writes {@code column} (a new one) as its {@code param}. */
  private static boolean writes(Model<?> model, Param<String> param, String column,
      StructType columns) {
    String written = model.getOrDefault(param);
    return !written.isEmpty() && written.equals(column)
        && !List.of(columns.fieldNames()).contains(written);
  }

  private static String weightOf(Evaluator evaluator, Param<String> weightCol) {
    Option<String> w = evaluator.get(weightCol);
    return w.isDefined() && !w.get().isEmpty() ? w.get() : null;
  }

  /**
   * The metric of every fold's every model: {@code [fold][model]}.
   *
   * @param rows the rows of all folds (cached: read once here)
   * @param foldCol their fold, 0..folds-1
   * @param models each fold's models, all of the same kind, in the same order
   */
  final double[][] score(Dataset<Row> rows, String foldCol, int folds,
      List<? extends List<? extends Model<?>>> models) {
    String features = ((PredictionModel<?, ?>) models.get(0).get(0)).getFeaturesCol();
    Column weight = DatasetUtils$.MODULE$.checkNonNegativeWeights(Option.apply(weightCol));
    JavaRDD<Row> selected = rows.select(functions.col(features),
        functions.col(labelCol).cast("double"), weight.cast("double"),
        functions.col(foldCol).cast("int")).javaRDD();
    int count = models.get(0).size();
    List<List<Model<?>>> byFold = new ArrayList<>();
    for (List<? extends Model<?>> fold : models) {
      byFold.add(new ArrayList<>(fold));
    }
    Map<Integer, Double> metrics = selected
        .mapPartitionsToPair(it -> parts(it, byFold, folds, count).iterator())
        .reduceByKey(this::merge, Math.max(1, selected.getNumPartitions()))
        .mapValues(this::metric)
        .collectAsMap();
    double[][] out = new double[folds][count];
    for (int f = 0; f < folds; f++) {
      for (int i = 0; i < count; i++) {
        Double m = metrics.get(f * count + i);
        out[f][i] = m != null ? m : metric(empty());
      }
    }
    return out;
  }

  /** One partition's rows: (fold x count + model, its part) for every fold and model. */
  private List<Tuple2<Integer, Object>> parts(Iterator<Row> rows, List<List<Model<?>>> models,
      int folds, int count) {
    Gatherer[] gatherers = new Gatherer[folds];
    for (int f = 0; f < folds; f++) {
      gatherers[f] = gatherer(count);
    }
    while (rows.hasNext()) {
      Row row = rows.next();
      int fold = row.getInt(3);
      if (fold < 0 || fold >= folds) {
        continue;
      }
      Vector x = (Vector) row.get(0);
      double label = row.getDouble(1);
      double weight = row.getDouble(2);
      List<Model<?>> foldModels = models.get(fold);
      Gatherer g = gatherers[fold];
      g.row(label, weight);
      for (int i = 0; i < count; i++) {
        g.add(i, foldModels.get(i), x, label, weight);
      }
    }
    List<Tuple2<Integer, Object>> out = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      for (int i = 0; i < count; i++) {
        out.add(new Tuple2<>(f * count + i, gatherers[f].part(i)));
      }
    }
    return out;
  }

  /** What a partition gathers for one fold's models. */
  interface Gatherer {
    /** A row of the fold, before its models' {@link #add}s. */
    default void row(double label, double weight) {}

    /** The row scored by model {@code i}. */
    void add(int i, Model<?> model, Vector x, double label, double weight);

    /** Model {@code i}'s part, once every row is in. */
    Object part(int i);
  }

  abstract Gatherer gatherer(int models);

  /** The part of no rows. */
  abstract Object empty();

  /** Two parts as one (either may be changed and returned). */
  abstract Object merge(Object a, Object b);

  /** The evaluator's metric of a (fold, model)'s merged part. */
  abstract double metric(Object part);
}
