package io.descent.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimators behave as MLlib's: in a Pipeline, a CrossValidator and a TrainValidationSplit
 * with MLlib's evaluators; saved and loaded; fitMultiple equal to separate fits; sparse and
 * dense features, and weights and repeated rows, giving the same model; backends closed after
 * the fit. The float64 reference backend runs here (fewest passes); ND4J and OpenCL run in
 * {@link ReferenceOptimaTest} and {@link #autoBackendReachesTheOptimum}.
 */
class EstimatorBehaviourTest {
  private static SparkSession spark;
  private static Dataset cancer;
  private static org.apache.spark.sql.Dataset<Row> cancerFrame;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
    cancer = SparkTests.load("breast_cancer_wisconsin_original", "full");
    cancerFrame = SparkTests.frame(spark, cancer, 2).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static DescentLogisticRegression logistic() {
    return new DescentLogisticRegression().setBackend("reference");
  }

  @Test
  void pipelineCrossValidatorAndPersistence() throws Exception {
    MinMaxScaler scaler = new MinMaxScaler().setInputCol("features").setOutputCol("scaled");
    DescentLogisticRegression lr = logistic();
    lr.setFeaturesCol("scaled");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {scaler, lr});
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.01, 0.1})
        .build();
    CrossValidator cv = new CrossValidator().setEstimator(pipeline)
        .setEvaluator(new BinaryClassificationEvaluator()).setEstimatorParamMaps(grid)
        .setNumFolds(2).setSeed(7);
    CrossValidatorModel model = cv.fit(cancerFrame);
    for (double auc : model.avgMetrics()) {
      assertTrue(auc > 0.95, "AUC " + auc);
    }
    PipelineModel best = (PipelineModel) model.bestModel();
    assertInstanceOf(DescentLogisticRegressionModel.class, best.stages()[1]);

    String path = dir.resolve("pipeline").toString();
    best.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertSamePredictions(best.transform(cancerFrame), loaded.transform(cancerFrame),
        "probability");

    String estimatorPath = dir.resolve("estimator").toString();
    lr.setRegParam(0.25).setElasticNetParam(0.5).setMaxIter(77).setFamily("binomial");
    lr.write().overwrite().save(estimatorPath);
    DescentLogisticRegression again = DescentLogisticRegression.load(estimatorPath);
    assertEquals(lr.uid(), again.uid());
    assertEquals(0.25, again.getRegParam());
    assertEquals(0.5, again.getElasticNetParam());
    assertEquals(77, again.getMaxIter());
    assertEquals("binomial", again.getFamily());
    assertEquals("reference", again.getBackend());
    assertEquals("scaled", again.getFeaturesCol());
  }

  @Test
  void trainValidationSplitOfLinearRegressionAndModelPersistence() throws Exception {
    Dataset diabetes = SparkTests.load("diabetes", "full");
    org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark, diabetes, 2);
    DescentLinearRegression lin = new DescentLinearRegression().setBackend("reference");
    TrainValidationSplit tvs = new TrainValidationSplit().setEstimator(lin)
        .setEvaluator(new RegressionEvaluator()).setTrainRatio(0.75).setSeed(3)
        .setEstimatorParamMaps(new ParamGridBuilder().addGrid(lin.regParam(),
            new double[] {0, 1}).build());
    TrainValidationSplitModel model = tvs.fit(frame);
    for (double rmse : model.validationMetrics()) {
      assertTrue(rmse > 30 && rmse < 80, "rmse " + rmse);
    }
    DescentLinearRegressionModel best = (DescentLinearRegressionModel) model.bestModel();
    String path = dir.resolve("linear").toString();
    best.write().overwrite().save(path);
    DescentLinearRegressionModel loaded = DescentLinearRegressionModel.load(path);
    assertEquals(best.uid(), loaded.uid());
    assertArrayEquals(best.coefficients().toArray(), loaded.coefficients().toArray(), 0);
    assertEquals(best.intercept(), loaded.intercept(), 0);
    assertSamePredictions(best.transform(frame), loaded.transform(frame), "prediction");
  }

  @Test
  void multinomialModelThroughAnEvaluatorAndPersistence() throws Exception {
    Dataset iris = SparkTests.load("iris", "full");
    org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark, iris, 2);
    DescentLogisticRegressionModel model = logistic().setRegParam(0.01).fit(frame);
    assertEquals(3, model.numClasses());
    assertEquals(4, model.numFeatures());
    assertTrue(model.isMultinomial());
    assertEquals(3, model.coefficientMatrix().numRows());
    double centered = 0;
    for (double b : model.interceptVector().toArray()) {
      centered += b;
    }
    assertEquals(0, centered, 1e-9, "intercepts are centered");
    org.apache.spark.sql.Dataset<Row> out = model.transform(frame);
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(out);
    assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    for (Row r : out.select("probability").collectAsList()) {
      double s = 0;
      for (double p : ((Vector) r.get(0)).toArray()) {
        s += p;
      }
      assertEquals(1, s, 1e-12);
    }
    String path = dir.resolve("multinomial").toString();
    model.write().overwrite().save(path);
    DescentLogisticRegressionModel loaded = DescentLogisticRegressionModel.load(path);
    assertEquals(3, loaded.numClasses());
    assertSamePredictions(out, loaded.transform(frame), "probability");
    assertTrue(!loaded.hasSummary());
  }

  @Test
  void fitMultipleEqualsSeparateFits() {
    DescentLogisticRegression lr = logistic();
    ParamMap[] maps = {
        new ParamMap().put(lr.regParam().w(0.01)),
        new ParamMap().put(lr.regParam().w(0.05)).put(lr.elasticNetParam().w(0.5)),
        new ParamMap().put(lr.regParam().w(0.1)).put(lr.maxIter().w(500))};
    List<DescentLogisticRegressionModel> together = new ArrayList<>();
    lr.fitMultiple(cancerFrame, maps).forEachRemaining(t -> {
      assertEquals(together.size(), t._1());
      together.add(t._2());
    });
    assertEquals(3, together.size());
    for (int i = 0; i < maps.length; i++) {
      DescentLogisticRegressionModel alone = lr.fit(cancerFrame, maps[i]);
      DescentLogisticRegressionModel batched = together.get(i);
      assertEquals(alone.getRegParam(), batched.getRegParam());
      double a = alone.summary().objective();
      double b = batched.summary().objective();
      assertEquals(a, b, 1e-9 * Math.abs(a), "map " + i);
      assertArrayEquals(alone.coefficients().toArray(), batched.coefficients().toArray(),
          1e-6, "map " + i);
      assertEquals(alone.intercept(), batched.intercept(), 1e-6);
    }
    // The first two maps share their stopping rules, so they ran in the same passes.
    assertEquals(together.get(0).summary().passes(), together.get(1).summary().passes());
  }

  @Test
  void sparseAndDenseFeaturesGiveTheSameModel() {
    org.apache.spark.sql.Dataset<Row> sparse = spark.createDataFrame(cancerFrame.javaRDD()
        .map(r -> org.apache.spark.sql.RowFactory.create(((Vector) r.get(0)).toSparse(),
            r.get(1))), cancerFrame.schema());
    assertInstanceOf(org.apache.spark.ml.linalg.SparseVector.class,
        sparse.first().get(0));
    DescentLogisticRegressionModel dense = logistic().setRegParam(0.02).fit(cancerFrame);
    DescentLogisticRegressionModel fromSparse = logistic().setRegParam(0.02).fit(sparse);
    assertArrayEquals(dense.coefficients().toArray(), fromSparse.coefficients().toArray(),
        1e-12);
    assertEquals(dense.intercept(), fromSparse.intercept(), 1e-12);
  }

  @Test
  void aWeightColumnEqualsRepeatedRows() {
    Dataset mtcars = SparkTests.load("mtcars", "full");
    double[] w = new double[mtcars.rows()];
    List<Integer> repeated = new ArrayList<>();
    for (int i = 0; i < w.length; i++) {
      w[i] = 1 + i % 3;
      for (int k = 0; k < w[i]; k++) {
        repeated.add(i);
      }
    }
    org.apache.spark.sql.Dataset<Row> weighted = SparkTests.frame(spark, mtcars.withWeights(w),
        2);
    org.apache.spark.sql.Dataset<Row> copies = SparkTests.frame(spark,
        mtcars.rows(repeated.stream().mapToInt(Integer::intValue).toArray()), 3);
    DescentLinearRegressionModel a = new DescentLinearRegression().setBackend("reference")
        .setRegParam(0.1).setElasticNetParam(0.3).setWeightCol("weight").fit(weighted);
    // MLlib divides the L2 part by the label's scale; on few features (its normal equations)
    // the population standard deviation, which weights and copies give alike: the copies'
    // params give the same l1 = 0.03 and l2 = 0.07 / s_y.
    double ratio = SparkTests.labelScale(mtcars.rows(repeated.stream().mapToInt(
        Integer::intValue).toArray()), false) / SparkTests.labelScale(mtcars.withWeights(w),
        false);
    double r = 0.03 + 0.07 * ratio;
    DescentLinearRegressionModel b = new DescentLinearRegression().setBackend("reference")
        .setRegParam(r).setElasticNetParam(0.03 / r).fit(copies);
    assertEquals(b.summary().objective(), a.summary().objective(),
        1e-9 * b.summary().objective());
    double[] ca = a.coefficients().toArray();
    double[] cb = b.coefficients().toArray();
    for (int j = 0; j < ca.length; j++) {
      assertEquals(cb[j], ca[j], 1e-5 * Math.max(1, Math.abs(cb[j])), "coefficient " + j);
    }
  }

  /**
   * Unpenalized logistic regression of separable classes has no optimum: the fit stops as
   * separable (its mean loss below ln(2) times the smallest weight over the total, from the
   * statistics pass), never "converged", and says to set regParam.
   */
  @Test
  void separableClassesWithoutAPenaltyStopAsSeparable() {
    org.apache.spark.sql.Dataset<Row> wdbc = SparkTests.frame(spark,
        SparkTests.load("breast_cancer_wdbc", "full"), 2);
    DescentTrainingSummary s = logistic().fit(wdbc).summary();
    assertEquals("separable", s.stopReason(), s.message());
    assertTrue(!s.converged(), s.message());
    assertTrue(s.message().contains("setRegParam(...)"), s.message());
    // With a penalty the same data converges.
    assertTrue(logistic().setRegParam(0.01).fit(wdbc).summary().converged());
  }

  /** Rows of one class are refused, named (they read as "separable", with useless advice). */
  @Test
  void rowsOfOneClassAreRefused() {
    org.apache.spark.sql.Dataset<Row> wdbc = SparkTests.frame(spark,
        SparkTests.load("breast_cancer_wdbc", "full"), 2);
    org.apache.spark.sql.Dataset<Row> zeros = wdbc.filter("label = 0");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> logistic().setRegParam(0.1).fit(zeros));
    assertTrue(e.getMessage().contains("every row has label 0.0"), e.getMessage());
  }

  /** MLlib's family names in any case; thresholds of another count refused at fit, as MLlib. */
  @Test
  void familyInAnyCaseAndThresholdsCountedAtFit() {
    DescentLogisticRegressionModel m = logistic().setRegParam(0.01).setFamily("Binomial")
        .fit(cancerFrame);
    assertEquals(2, m.numClasses());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> logistic().setRegParam(0.01)
            .setThresholds(new double[] {0.2, 0.3, 0.5}).fit(cancerFrame));
    assertEquals("DescentLogisticRegression.train() called with non-matching numClasses and"
        + " thresholds.length. numClasses=2, but thresholds has length 3", e.getMessage());
  }

  @Test
  void theSummaryNamesEachPartitionsBackendAndEveryBackendIsClosed() {
    DescentLogisticRegressionModel m = logistic().setRegParam(0.01).fit(cancerFrame);
    DescentTrainingSummary s = m.summary();
    assertEquals("gradient_tolerance", s.stopReason(), s.message());
    assertTrue(s.converged());
    assertEquals(2, s.backends().size(), s.backends().toString());
    assertTrue(s.backends().get(0).startsWith("partition 0 ("), s.backends().get(0));
    assertTrue(s.backends().get(0).contains("reference"), s.backends().get(0));
    double[] h = s.objectiveHistory();
    assertEquals(s.totalIterations() + 1, h.length);
    assertTrue(h[h.length - 1] < h[0]);
    assertEquals(s.objective(), h[h.length - 1], 1e-12 * s.objective());
    assertTrue(Double.isNaN(s.kktViolation()));
    assertTrue(s.passes() >= s.totalIterations());
    assertEquals(0, PartitionBackends.openCount(), "backends left open after the fit");
  }

  @Test
  void autoBackendReachesTheOptimum() {
    double optimum = SparkTests.reference().get("breast_cancer_wisconsin_original")
        .get("full").get("logistic_l2_lambda_1e-2").get("objective_value").asDouble();
    DescentLogisticRegressionModel m = new DescentLogisticRegression().setRegParam(0.01)
        .fit(cancerFrame);
    String ran = String.join("; ", m.summary().backends());
    assertTrue(ran.contains("opencl") || ran.contains("nd4j"), ran);
    double j = SparkTests.objective(cancer, Loss.LOGISTIC, 1, m.coefficients().toArray(),
        new double[] {m.intercept()}, 0.01, 0, true);
    assertEquals(optimum, j, 1e-6 * optimum, ran);
  }

  @Test
  void anOpenClFitFinishesInFloat64OnTheSameDevice() {
    try {
      Assumptions.assumeFalse(io.descent.gradient.Backends.openClDevices().isEmpty(),
          "no OpenCL device");
    } catch (io.descent.gradient.BackendUnavailableException e) {
      Assumptions.abort("no OpenCL here: " + e.getMessage());
    }
    double optimum = SparkTests.reference().get("breast_cancer_wisconsin_original")
        .get("full").get("logistic_l2_lambda_1e-2").get("objective_value").asDouble();
    DescentLogisticRegressionModel m = new DescentLogisticRegression().setBackend("opencl")
        .setRegParam(0.01).setTol(1e-10).fit(cancerFrame);
    DescentTrainingSummary s = m.summary();
    assertTrue(s.float64Iterations() > 0, s.message());
    assertTrue(s.message().contains("ran in float64 on opencl ("), s.message());
    assertTrue(s.message().contains(", float64,"), s.message());
    double j = SparkTests.objective(cancer, Loss.LOGISTIC, 1, m.coefficients().toArray(),
        new double[] {m.intercept()}, 0.01, 0, true);
    assertEquals(optimum, j, 1e-6 * optimum, s.message());
    assertEquals(0, PartitionBackends.openCount(), "backends left open after the fit");
  }

  @Test
  void aBinaryThresholdMovesPredictions() {
    DescentLogisticRegressionModel m = logistic().setRegParam(0.01).fit(cancerFrame);
    long ones = m.transform(cancerFrame).filter("prediction = 1").count();
    m.setThreshold(0.99);
    long fewer = m.transform(cancerFrame).filter("prediction = 1").count();
    assertTrue(fewer < ones, fewer + " vs " + ones);
  }

  private static void assertSamePredictions(org.apache.spark.sql.Dataset<Row> a,
      org.apache.spark.sql.Dataset<Row> b, String column) {
    List<Row> ra = a.select("prediction", column).collectAsList();
    List<Row> rb = b.select("prediction", column).collectAsList();
    assertEquals(ra, rb);
  }

  @Test
  void aPartitionWhoseRowsAllWeighZeroAddsNothing() {
    Dataset wdbc = SparkTests.load("breast_cancer_wdbc", "full");
    int n = wdbc.rows();
    double[] w = new double[n];
    int[] kept = new int[n - n / 2];
    for (int i = 0; i < n; i++) {
      w[i] = i < n / 2 ? 0 : 1;
      if (i >= n / 2) {
        kept[i - n / 2] = i;
      }
    }
    // Ranges of the weight: one partition holds the rows of weight 0 alone.
    org.apache.spark.sql.Dataset<Row> zeroPartition = SparkTests.frame(spark,
        wdbc.withWeights(w), 1).repartitionByRange(2, org.apache.spark.sql.functions.col(
            "weight"));
    DescentLogisticRegressionModel a = logistic().setRegParam(0.01).setWeightCol("weight")
        .fit(zeroPartition);
    DescentLogisticRegressionModel b = logistic().setRegParam(0.01)
        .fit(SparkTests.frame(spark, wdbc.rows(kept), 2));
    assertArrayEquals(b.coefficients().toArray(), a.coefficients().toArray(), 1e-6);
    assertEquals(b.intercept(), a.intercept(), 1e-6);
  }

  /**
   * A label column whose metadata names the classes (a StringIndexer's): a model of that many
   * classes, as MLlib's; rows that lack some of them are refused, not fitted as fewer classes.
   */
  @Test
  void theLabelColumnsMetadataNamesTheClasses() {
    Dataset iris = SparkTests.load("iris", "full");
    org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark, iris, 2)
        .withColumn("name", org.apache.spark.sql.functions.concat(
            org.apache.spark.sql.functions.lit("c"), org.apache.spark.sql.functions.col("label")
                .cast("int").cast("string")));
    org.apache.spark.sql.Dataset<Row> indexed = new org.apache.spark.ml.feature.StringIndexer()
        .setInputCol("name").setOutputCol("indexed").fit(frame).transform(frame);
    assertEquals(3, DescentFitter.metadataClasses(indexed, "indexed"));
    assertEquals(0, DescentFitter.metadataClasses(indexed, "label"));
    DescentLogisticRegression lr = logistic().setRegParam(0.1);
    lr.setLabelCol("indexed");
    assertEquals(3, lr.fit(indexed).numClasses());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> lr.fit(indexed.filter(org.apache.spark.sql.functions.col("indexed").lt(2))));
    assertTrue(e.getMessage().startsWith("the label column's metadata names 3 classes (as a"
        + " StringIndexer's output does), but the rows hold labels only up to 1.0"),
        e.getMessage());
    // A class below the top one that the rows lack: the metadata's message, not a relabelling.
    IllegalArgumentException gap = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> lr.fit(indexed.filter(org.apache.spark.sql.functions.col("indexed").notEqual(1))));
    assertTrue(gap.getMessage().startsWith("the label column's metadata names 3 classes (as a"
        + " StringIndexer's output does), but class 1 has no row: a fit needs a row of every"
        + " class"), gap.getMessage());
  }

  /**
   * A class below the top one with no row (labels 0 and 2 of iris; wisconsin's 1 and 2 as
   * they come) is refused as the top one is, naming it, where it was fitted as converged with an
   * intercept of about -12 (a class with no row has no finite optimum); so is a class whose rows
   * all weigh 0, and where one class alone weighs more than 0 the fit is refused as one label's.
   */
  @Test
  void everyClassBelowTheTopNeedsARowOfWeightAboveZero() {
    org.apache.spark.sql.Dataset<Row> iris = SparkTests.frame(spark,
        SparkTests.load("iris", "full"), 2);
    DescentLogisticRegression lr = logistic().setRegParam(0.1);
    IllegalArgumentException gap = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> lr.fit(iris.filter("label != 1")));
    assertTrue(gap.getMessage().startsWith("the labels run from 0 to 2, but class 1 has no row:"),
        gap.getMessage());
    IllegalArgumentException low = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> lr.fit(iris.filter("label != 0")));
    assertTrue(low.getMessage().startsWith("the labels run from 0 to 2, but class 0 has no row:"),
        low.getMessage());
    assertEquals(3, lr.fit(iris).numClasses(), "every class present: fitted");

    org.apache.spark.sql.Dataset<Row> weighted = iris.withColumn("w",
        org.apache.spark.sql.functions.expr("IF(label = 1, 0.0, 1.0)"));
    lr.setWeightCol("w");
    IllegalArgumentException weightless = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> lr.fit(weighted));
    assertTrue(weightless.getMessage().startsWith("the labels run from 0 to 2, but class 1 has"
        + " no row of weight above 0:"), weightless.getMessage());

    org.apache.spark.sql.Dataset<Row> binary = cancerFrame.withColumn("w",
        org.apache.spark.sql.functions.expr("IF(label = 1, 0.0, 1.0)"));
    DescentLogisticRegression bw = logistic().setRegParam(0.1);
    bw.setWeightCol("w");
    IllegalArgumentException one = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> bw.fit(binary));
    assertEquals("only the rows of label 0 weigh more than 0: a classifier needs rows of at"
        + " least two classes", one.getMessage());

    // Labels beyond the classes fitted: refused (100,000 crashed the driver's JVM, 1e9
    // overflowed an array's size); many missing classes are listed ten and a count.
    DescentLogisticRegression plain = logistic().setRegParam(0.1);
    for (double huge : new double[] {100000.0, 1e9}) {
      IllegalArgumentException beyond = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> plain.fit(iris.withColumn("label",
              org.apache.spark.sql.functions.expr("IF(label = 2, " + huge + ", label)"))));
      assertTrue(beyond.getMessage().startsWith("found labels up to " + huge + ": at most 65536"
          + " classes (labels 0 to 65535) are fitted"), beyond.getMessage());
    }
    IllegalArgumentException many = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> logistic().setRegParam(0.1).fit(iris.withColumn(
            "label", org.apache.spark.sql.functions.expr("IF(label = 2, 30000.0, label)"))));
    assertTrue(many.getMessage().startsWith("the labels run from 0 to 30000, but classes [2, 3,"
        + " 4, 5, 6, 7, 8, 9, 10, 11, ...] (29998 in all) have no row:"), many.getMessage());
  }

  /** The models read their training parameters and have no setter for them, as MLlib's. */
  @Test
  void modelsHaveNoSettersForTrainingParameters() {
    for (Class<?> model : java.util.List.of(DescentLogisticRegressionModel.class,
        DescentLinearRegressionModel.class)) {
      for (String setter : java.util.List.of("setRegParam", "setMaxIter", "setTol",
          "setBackend", "setOptimizer", "setElasticNetParam", "setWeightCol")) {
        assertTrue(java.util.Arrays.stream(model.getMethods())
            .noneMatch(m -> m.getName().equals(setter)), model.getSimpleName() + "." + setter);
      }
    }
    DescentLogisticRegressionModel m = logistic().setRegParam(0.01).setFamily("binomial")
        .fit(cancerFrame);
    assertEquals("binomial", m.getFamily());
    assertEquals(0.01, m.getRegParam());
    assertEquals("DescentLogisticRegressionModel: uid=" + m.uid() + ", numClasses=2,"
        + " numFeatures=" + m.numFeatures(), m.toString());
  }

  /**
   * A constant label: intercept the label and coefficients 0 exactly, as MLlib returns them (a
   * start at intercept 0 ended a float32 rounding away: 4.9999998 for 5), on OpenCL's float32
   * passes and with a penalty or none.
   */
  @Test
  void aConstantLabelGivesItsInterceptAndZeroCoefficients() {
    org.apache.spark.sql.Dataset<Row> constant = SparkTests.frame(spark,
        SparkTests.load("diabetes", "full"), 2)
        .withColumn("label", org.apache.spark.sql.functions.lit(5.0));
    // -3.7 and 0.1: labels whose mean over the rows rounds away from them in the last bit.
    for (double label : new double[] {5.0, -3.7, 0.1}) {
      for (double r : new double[] {0, 0.1}) {
        for (boolean standardize : new boolean[] {true, false}) {
          DescentLinearRegressionModel m = new DescentLinearRegression().setBackend("opencl")
              .setRegParam(r).setStandardization(standardize).fit(constant.withColumn("label",
                  org.apache.spark.sql.functions.lit(label)));
          String what = "label " + label + ", regParam " + r + ", standardization "
              + standardize;
          assertEquals(label, m.intercept(), 0, what);
          for (double c : m.coefficients().toArray()) {
            assertEquals(0.0, c, 0, what);
          }
        }
      }
    }
  }

  /**
   * Without standardization, a feature far from 0 against its spread (1e8 +- 300): the fit ran
   * on the raw values, where every margin is a difference of large terms, and could stop far
   * from the optimum. It now runs on the features less their means (the unpenalized intercept
   * absorbs them: the same objective, the same raw coefficients) as core's train does, so
   * without a penalty it reaches the standardized fit's optimum, on OpenCL's float32 passes too.
   */
  @Test
  void rawFeaturesFarFromZeroReachTheStandardizedOptimum() {
    java.util.Random r = new java.util.Random(3);
    int n = 400;
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double a = r.nextGaussian();
      double b = 2 * r.nextDouble() - 1;
      x[i][0] = a;
      x[i][1] = 1e8 + 300 * b;
      y[i] = a + 1.5 * b + r.nextGaussian() > 0 ? 1 : 0;
    }
    org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark,
        io.descent.data.Dataset.of(x, y), 2);
    DescentLogisticRegressionModel standardized = logistic().setRegParam(0).fit(frame);
    for (String backend : new String[] {"reference", "opencl"}) {
      DescentLogisticRegressionModel raw = new DescentLogisticRegression().setBackend(backend)
          .setRegParam(0).setStandardization(false).fit(frame);
      String what = backend + ": " + raw.summary().stopReason();
      assertTrue(raw.summary().converged(), what);
      assertEquals(standardized.summary().objective(), raw.summary().objective(),
          1e-8 * standardized.summary().objective(), what);
      double[] expected = standardized.coefficients().toArray();
      double[] got = raw.coefficients().toArray();
      for (int j = 0; j < expected.length; j++) {
        assertEquals(expected[j], got[j], 1e-6 * Math.abs(expected[j]), what);
      }
    }
  }

  /**
   * regParam's documentation (what explainParams() prints) gives the mapping the fits use
   * (MllibComparisonTest checks the fits), where it gave l1 = R A, l2 = R (1 - A) for both.
   */
  @Test
  void regParamsDocumentationGivesTheMappingTheFitsUse() {
    for (String doc : new String[] {logistic().regParam().doc(),
        new DescentLinearRegression().regParam().doc()}) {
      assertTrue(doc.contains("logistic l1 = R A sqrt(c), l2 = R (1 - A) c, c = n / (n - 1)"),
          doc);
      assertTrue(doc.contains("least squares l1 = R A, l2 = R (1 - A) / s_y"), doc);
      assertTrue(doc.contains("|mean| for a constant label"), doc);
    }
  }

  /** The backend, precision and optimizer names are taken in any case, as family's are. */
  @Test
  void namesAreTakenInAnyCase() {
    DescentLogisticRegressionModel lower = logistic().setRegParam(0.1).setBackend("reference")
        .setOptimizer("lbfgs").fit(cancerFrame);
    DescentLogisticRegressionModel upper = logistic().setRegParam(0.1).setBackend("Reference")
        .setOptimizer("LBFGS").setPrecision("Double").fit(cancerFrame);
    assertArrayEquals(lower.coefficients().toArray(), upper.coefficients().toArray(), 0);
    assertEquals(lower.intercept(), upper.intercept(), 0);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> logistic().setBackend("cuda"));
  }

  @Test
  void thresholdAndThresholdsClearEachOtherAsInMllib() {
    DescentLogisticRegression lr = logistic();
    lr.setThresholds(new double[] {0.3, 0.7});
    assertEquals(0.7, lr.getThreshold(), 1e-12, "the threshold two thresholds stand for");
    lr.setThreshold(0.99);
    assertTrue(!lr.isSet(lr.thresholds()), "setThreshold clears thresholds");
    assertEquals(0.99, lr.getThreshold(), 0);
    DescentLogisticRegressionModel model = logistic().setRegParam(0.01).fit(cancerFrame);
    model.setThresholds(new double[] {0.3, 0.7});
    model.setThreshold(0.99);
    long ones = model.transform(cancerFrame).filter("prediction = 1").count();
    long above = model.transform(cancerFrame).collectAsList().stream()
        .filter(r -> ((Vector) r.getAs("probability")).apply(1) > 0.99).count();
    assertEquals(above, ones, "the last threshold set decides");
    model.setThresholds(new double[] {0.5, 0.5});
    assertTrue(!model.isSet(model.threshold()), "setThresholds clears threshold");
    assertEquals(0.5, model.getThreshold(), 1e-12);
    // Thresholds of a multiclass stage stand for no one threshold: refused, as MLlib refuses.
    lr.setThresholds(new double[] {0.3, 0.3, 0.4});
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, lr::getThreshold);
    assertTrue(e.getMessage().startsWith("getThreshold only applies to binary classification"),
        e.getMessage());
  }
}
