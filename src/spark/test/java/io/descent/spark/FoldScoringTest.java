package io.descent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple3;

/**
 * FoldScoring (every fold's models scored in one job) against MLlib's own evaluators run on each
 * model's transformed validation rows, as MLlib's CrossValidator runs them: the same metric for
 * every fold and model, for binary, multiclass and regression evaluators, with and without
 * weights. The models are real fits; each fold gets its own models.
 */
class FoldScoringTest {
  /** Float sums in another order: a few ulps. */
  private static final double EXACT = 1e-12;
  private static final int FOLDS = 3;
  private static SparkSession spark;
  private static org.apache.spark.sql.Dataset<Row> cancer;
  private static org.apache.spark.sql.Dataset<Row> iris;
  private static org.apache.spark.sql.Dataset<Row> diabetes;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
    cancer = folded(SparkTests.frame(spark, SparkTests.load("breast_cancer_wisconsin_original",
        "full"), 2));
    iris = folded(SparkTests.frame(spark, SparkTests.load("iris", "full"), 2));
    diabetes = folded(SparkTests.frame(spark, SparkTests.load("diabetes", "full"), 2));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The rows with folds (seed 7) and a weight column w in [0.25, 2.25). */
  private static org.apache.spark.sql.Dataset<Row> folded(org.apache.spark.sql.Dataset<Row> rows) {
    return KFolds.assign(rows, FOLDS, 7, "fold")
        .withColumn("w", functions.rand(3).multiply(2).plus(0.25)).cache();
  }

  /** Each fold's models: fitted on the other folds' rows, one per regParam. */
  private static List<List<Model<?>>> logistic(org.apache.spark.sql.Dataset<Row> rows,
      double... regParams) {
    List<List<Model<?>>> models = new ArrayList<>();
    for (int f = 0; f < FOLDS; f++) {
      List<Model<?>> fold = new ArrayList<>();
      for (double r : regParams) {
        fold.add(new DescentLogisticRegression().setBackend("reference").setRegParam(r)
            .fit(rows.filter(functions.col("fold").notEqual(f))));
      }
      models.add(fold);
    }
    return models;
  }

  private static List<List<Model<?>>> linear(org.apache.spark.sql.Dataset<Row> rows,
      double... regParams) {
    List<List<Model<?>>> models = new ArrayList<>();
    for (int f = 0; f < FOLDS; f++) {
      List<Model<?>> fold = new ArrayList<>();
      for (double r : regParams) {
        fold.add(new DescentLinearRegression().setBackend("reference").setRegParam(r)
            .fit(rows.filter(functions.col("fold").notEqual(f))));
      }
      models.add(fold);
    }
    return models;
  }

  /** The evaluator's metric of every fold and model, by FoldScoring and by MLlib. */
  private static void assertSameMetrics(Evaluator evaluator,
      org.apache.spark.sql.Dataset<Row> rows, List<List<Model<?>>> models, double tolerance) {
    FoldScoring scoring = FoldScoring.of(evaluator, models.get(0).get(0), rows.schema());
    assertNotNull(scoring, evaluator.toString());
    double[][] shared = scoring.score(rows, "fold", FOLDS, models);
    for (int f = 0; f < FOLDS; f++) {
      org.apache.spark.sql.Dataset<Row> validation = rows.filter(functions.col("fold")
          .equalTo(f));
      for (int i = 0; i < models.get(f).size(); i++) {
        double expected = evaluator.evaluate(models.get(f).get(i).transform(validation));
        assertEquals(expected, shared[f][i], tolerance * Math.max(1, Math.abs(expected)),
            evaluator.explainParams() + "\nfold " + f + " model " + i);
      }
    }
  }

  @Test
  void binaryAreasMatchMllibsEvaluator() {
    List<List<Model<?>>> models = logistic(cancer, 0.01, 1);
    for (String metric : List.of("areaUnderROC", "areaUnderPR")) {
      BinaryClassificationEvaluator e = new BinaryClassificationEvaluator()
          .setMetricName(metric);
      assertSameMetrics(e, cancer, models, EXACT);
      assertSameMetrics(e.copy(org.apache.spark.ml.param.ParamMap.empty()).setWeightCol("w"),
          cancer, models, EXACT);
      // numBins 0: every distinct score is a point of the curve.
      assertSameMetrics(new BinaryClassificationEvaluator().setMetricName(metric)
          .setNumBins(0), cancer, models, EXACT);
    }
  }

  @Test
  void downSampledCurvesMatchMllibsInOnePartition() {
    // About 233 rows a fold, many distinct scores: numBins 20 groups runs of 5 or more of them.
    org.apache.spark.sql.Dataset<Row> one = cancer.coalesce(1).cache();
    List<List<Model<?>>> models = logistic(one, 0.01, 1);
    for (String metric : List.of("areaUnderROC", "areaUnderPR")) {
      assertSameMetrics(new BinaryClassificationEvaluator().setMetricName(metric).setNumBins(20),
          one, models, EXACT);
      assertSameMetrics(new BinaryClassificationEvaluator().setMetricName(metric).setNumBins(20)
          .setWeightCol("w"), one, models, EXACT);
      // In two partitions MLlib's bins restart at its sorted partitions' bounds (drawn from a
      // sample seeded with the RDD's id): close, not equal.
      assertSameMetrics(new BinaryClassificationEvaluator().setMetricName(metric).setNumBins(20),
          cancer, models, 1e-2);
    }
  }

  @Test
  void scoreCountsGiveMllibsAreasOnTiesAndWeights() {
    Random random = new Random(5);
    int n = 5000;
    double[] scores = new double[n];
    boolean[] positive = new boolean[n];
    double[] weights = new double[n];
    List<Tuple3<Object, Object, Object>> rows = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      scores[j] = j % 4 == 0 ? Math.round(random.nextGaussian() * 4) : random.nextGaussian();
      positive[j] = random.nextDouble() < 1 / (1 + Math.exp(-scores[j]));
      weights[j] = random.nextDouble() * 3;
      rows.add(new Tuple3<>(scores[j], positive[j] ? 1.0 : 0.0, weights[j]));
    }
    JavaRDD<Tuple3<Object, Object, Object>> rdd = new JavaSparkContext(spark.sparkContext())
        .parallelize(rows, 1);
    // Two partial counts merged, as partitions' parts are.
    ScoreCounts a = ScoreCounts.of(scores, positive, weights, n / 3);
    ScoreCounts b = ScoreCounts.of(java.util.Arrays.copyOfRange(scores, n / 3, n),
        java.util.Arrays.copyOfRange(positive, n / 3, n),
        java.util.Arrays.copyOfRange(weights, n / 3, n), n - n / 3);
    ScoreCounts merged = ScoreCounts.merge(a, b);
    for (int bins : new int[] {0, 100, 1000, 3000}) {
      BinaryClassificationMetrics mllib = new BinaryClassificationMetrics(rdd.rdd(), bins);
      assertEquals(mllib.areaUnderROC(), merged.area(bins, false), 1e-12, "ROC " + bins);
      assertEquals(mllib.areaUnderPR(), merged.area(bins, true), 1e-12, "PR " + bins);
      mllib.unpersist();
    }
  }

  @Test
  void multiclassMetricsMatchMllibsEvaluator() {
    List<List<Model<?>>> models = logistic(iris, 0.3);
    for (String metric : List.of("f1", "accuracy", "weightedPrecision", "weightedRecall",
        "weightedFalsePositiveRate", "hammingLoss", "logLoss", "precisionByLabel",
        "falsePositiveRateByLabel")) {
      assertSameMetrics(new MulticlassClassificationEvaluator().setMetricName(metric)
          .setMetricLabel(1).setWeightCol("w"), iris, models, EXACT);
    }
    for (String metric : List.of("f1", "logLoss")) {
      assertSameMetrics(new MulticlassClassificationEvaluator().setMetricName(metric), iris,
          logistic(iris, 0.001, 1), EXACT);
    }
    assertSameMetrics(new MulticlassClassificationEvaluator().setMetricName("fMeasureByLabel")
        .setMetricLabel(2).setBeta(2).setWeightCol("w"), iris, models, EXACT);
    assertSameMetrics(new MulticlassClassificationEvaluator().setMetricName("weightedFMeasure")
        .setBeta(0.5), iris, models, EXACT);
    // Binary models too (a threshold decides the prediction).
    assertSameMetrics(new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .setWeightCol("w"), cancer, logistic(cancer, 0.1), EXACT);
  }

  @Test
  void regressionMetricsMatchMllibsEvaluator() {
    List<List<Model<?>>> models = linear(diabetes, 0, 1);
    for (String metric : List.of("rmse", "mse", "r2", "mae", "var")) {
      RegressionEvaluator e = new RegressionEvaluator().setMetricName(metric);
      assertSameMetrics(e, diabetes, models, EXACT);
      assertSameMetrics(new RegressionEvaluator().setMetricName(metric).setWeightCol("w"),
          diabetes, models, EXACT);
    }
    assertSameMetrics(new RegressionEvaluator().setMetricName("r2").setThroughOrigin(true),
        diabetes, models, EXACT);
  }

  @Test
  void otherEvaluatorsAndColumnsAreLeftToMllib() {
    Model<?> lr = logistic(cancer, 0.1).get(0).get(0);
    assertNull(FoldScoring.of(new RegressionEvaluator(), lr, cancer.schema()));
    assertNull(FoldScoring.of(new BinaryClassificationEvaluator()
        .setRawPredictionCol("other"), lr, cancer.schema()));
    // The model's output column already among the rows: transform would fail, as MLlib's does.
    assertNull(FoldScoring.of(new BinaryClassificationEvaluator(), lr,
        cancer.withColumn("rawPrediction", functions.lit(1)).schema()));
    assertTrue(FoldScoring.of(new BinaryClassificationEvaluator(), lr, cancer.schema())
        instanceof BinaryScoring);
  }
}
