package io.descent.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DescentCrossValidator against MLlib's CrossValidator running the same Descent estimator on the
 * same folds (drawn from the seed, or from a fold column): the same average metrics, the same
 * best model; inside a Pipeline; saved and loaded; and MLlib's own path where passes can't be
 * shared. The float64 reference backend runs here, with a tight tolerance so that the shared
 * fit and the separate ones reach the same optima.
 */
class DescentCrossValidatorTest {
  private static final double TOL = 1e-10;
  /**
   * Metrics of the shared fit against separate fits to TOL: their coefficients agree to about
   * 1e-9, the metrics (scored the same way, FoldScoringTest) to this.
   */
  private static final double SAME_FITS = 1e-9;
  private static SparkSession spark;
  private static org.apache.spark.sql.Dataset<Row> cancer;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
    cancer = SparkTests.frame(spark, SparkTests.load("breast_cancer_wisconsin_original",
        "full"), 2).cache();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        JOBS.incrementAndGet();
      }
    });
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static final AtomicLong JOBS = new AtomicLong();

  /** The Spark jobs started so far (all events delivered). */
  private static long jobs() {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
    return JOBS.get();
  }

  private static DescentLogisticRegression logistic() {
    return new DescentLogisticRegression().setBackend("reference").setTol(TOL);
  }

  private static void assertClose(double[] expected, double[] actual, double relative) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], relative * Math.max(1, Math.abs(expected[i])),
          "metric " + i);
    }
  }

  @Test
  void javaChainsMllibsSettersIntoADescentCrossValidator() {
    // Each setter returns this class (MLlib's reach Java typed as CrossValidator), so the
    // chain compiles as a DescentCrossValidator and sets what MLlib's setters set.
    DescentLogisticRegression lr = logistic();
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.01, 0.1})
        .build();
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator();
    DescentCrossValidator cv = new DescentCrossValidator().setEstimator(lr)
        .setEstimatorParamMaps(grid).setEvaluator(evaluator).setNumFolds(4).setSeed(9L)
        .setParallelism(2).setCollectSubModels(false).setFoldCol("");
    assertEquals(lr, cv.getEstimator());
    assertEquals(2, cv.getEstimatorParamMaps().length);
    assertEquals(evaluator, cv.getEvaluator());
    assertEquals(4, cv.getNumFolds());
    assertEquals(9L, cv.getSeed());
    assertEquals(2, cv.getParallelism());
    assertEquals(false, cv.getCollectSubModels());
    assertEquals("", cv.getFoldCol());
  }

  /**
   * A map that names another prediction column leaves the evaluator's column unwritten: scored
   * as MLlib's CrossValidator scores it, which fails, never as if the first map's columns held.
   */
  /** The data's own column of the folds' reserved name is refused, named (it was ambiguous). */
  @Test
  void aColumnOfTheFoldsReservedNameIsRefused() {
    DescentLogisticRegression lr = logistic();
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.01})
        .build();
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new DescentCrossValidator().setEstimator(lr)
            .setEstimatorParamMaps(grid).setEvaluator(new BinaryClassificationEvaluator())
            .setNumFolds(2).setSeed(3).fit(cancer.withColumn(
                DescentCrossValidator.FOLD_COLUMN, org.apache.spark.sql.functions.lit("x"))));
    assertTrue(e.getMessage().contains("the data has a column named "
        + DescentCrossValidator.FOLD_COLUMN), e.getMessage());
  }

  @Test
  void aMapWritingOtherColumnsIsScoredAsMllibScoresIt() {
    DescentLogisticRegression lr = logistic();
    ParamMap[] maps = {new ParamMap().put(lr.regParam().w(0.01)),
        new ParamMap().put(lr.regParam().w(0.01)).put(lr.predictionCol().w("pred2"))};
    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
        .setMetricName("accuracy");
    Exception descent = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> new DescentCrossValidator().setEstimator(lr).setEstimatorParamMaps(maps)
            .setEvaluator(accuracy).setNumFolds(2).setSeed(3).fit(cancer));
    Exception mllib = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> new CrossValidator().setEstimator(lr).setEstimatorParamMaps(maps)
            .setEvaluator(accuracy).setNumFolds(2).setSeed(3).fit(cancer));
    // MLlib's wraps the evaluator's error (its folds run in futures); both are the missing
    // prediction column.
    for (Exception e : List.of(descent, mllib)) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      assertTrue(root.getMessage().contains("No such struct field `prediction`"),
          e.toString());
    }
  }

  @Test
  void logisticFoldsFromTheSeedMatchMllibsCrossValidator() {
    DescentLogisticRegression lr = logistic();
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(lr.regParam(), new double[] {0.01, 0.1})
        .addGrid(lr.elasticNetParam(), new double[] {0, 0.5}).build();
    BinaryClassificationEvaluator auc = new BinaryClassificationEvaluator();
    DescentCrossValidator cv = new DescentCrossValidator();
    cv.setEstimator(lr).setEstimatorParamMaps(grid).setEvaluator(auc).setNumFolds(3)
        .setSeed(11);
    long before = jobs();
    CrossValidatorModel shared = cv.fit(cancer);
    long sharedJobs = jobs() - before;
    CrossValidatorModel mllib = new CrossValidator().setEstimator(lr)
        .setEstimatorParamMaps(grid).setEvaluator(auc).setNumFolds(3).setSeed(11).fit(cancer);
    long mllibJobs = jobs() - before - sharedJobs;
    assertClose(mllib.avgMetrics(), shared.avgMetrics(), 1e-6);
    // The 12 fold x map fits share their passes: far fewer Spark jobs than 12 separate fits.
    assertTrue(2 * sharedJobs < mllibJobs, sharedJobs + " jobs, MLlib's " + mllibJobs);
    assertEquals(cv.uid(), shared.uid());
    assertEquals(3, shared.getNumFolds());

    int best = DescentCrossValidator.best(shared.avgMetrics(), true);
    DescentLogisticRegressionModel refit = (DescentLogisticRegressionModel) lr.fit(cancer,
        grid[best]);
    DescentLogisticRegressionModel model = assertInstanceOf(
        DescentLogisticRegressionModel.class, shared.bestModel());
    assertArrayEquals(refit.coefficients().toArray(), model.coefficients().toArray(), 1e-12);
    assertEquals(refit.intercept(), model.intercept(), 1e-12);
    assertEquals(grid[best].get(lr.regParam()).get(), model.getRegParam());
  }

  @Test
  void multinomialFoldsFromTheSeedMatchMllibsCrossValidator() {
    Dataset iris = SparkTests.load("iris", "full");
    org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark, iris, 2).cache();
    DescentLogisticRegression lr = logistic();
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(lr.regParam(), new double[] {0.01, 1}).build();
    MulticlassClassificationEvaluator logLoss = new MulticlassClassificationEvaluator()
        .setMetricName("logLoss");
    CrossValidatorModel shared = new DescentCrossValidator().setEstimator(lr)
        .setEstimatorParamMaps(grid).setEvaluator(logLoss).setNumFolds(3).setSeed(5)
        .fit(frame);
    CrossValidatorModel mllib = new CrossValidator().setEstimator(lr)
        .setEstimatorParamMaps(grid).setEvaluator(logLoss).setNumFolds(3).setSeed(5)
        .fit(frame);
    assertClose(mllib.avgMetrics(), shared.avgMetrics(), 1e-6);
    assertEquals(0.01, ((DescentLogisticRegressionModel) shared.bestModel()).getRegParam());
  }

  /**
   * A fold whose training rows lack a class is refused, naming the fold, as the separate fit on
   * them (MLlib's CrossValidator around the estimator) refuses them; the shared fit had fitted
   * it and scored a model with no finite optimum.
   */
  @Test
  void aFoldWhoseTrainingRowsLackAClassIsRefused() {
    org.apache.spark.sql.Dataset<Row> iris = SparkTests.frame(spark,
        SparkTests.load("iris", "full"), 2)
        .withColumn("fold", functions.expr("IF(label = 1, 0,"
            + " CAST(pmod(monotonically_increasing_id(), 2) AS INT) + 1)")).cache();
    DescentLogisticRegression lr = logistic();
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0, 0.01})
        .build();
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new DescentCrossValidator().setEstimator(lr)
            .setEstimatorParamMaps(grid).setEvaluator(new MulticlassClassificationEvaluator()
                .setMetricName("logLoss")).setNumFolds(3).setFoldCol("fold").fit(iris));
    assertEquals("fold 0's training rows (the rows of the other folds): the labels run from 0"
        + " to 2, but class 1 has no row: a classifier needs a row of every class (MLlib would"
        + " drive such a class's intercept towards minus infinity); relabel the classes 0, 1,"
        + " .. without gaps (a StringIndexer does)", e.getMessage());
  }

  /**
   * A binary evaluator on a multinomial model fails as MLlib's CrossValidator fails (its areas
   * of a 3-class model's raw predictions were reported, and a best model chosen by them).
   */
  @Test
  void aBinaryEvaluatorOnAMultinomialModelIsRefusedAsMllibRefusesIt() {
    org.apache.spark.sql.Dataset<Row> iris = SparkTests.frame(spark,
        SparkTests.load("iris", "full"), 2).cache();
    DescentLogisticRegression lr = logistic();
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.01, 0.1})
        .build();
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new DescentCrossValidator().setEstimator(lr)
            .setEstimatorParamMaps(grid).setEvaluator(new BinaryClassificationEvaluator())
            .setNumFolds(3).setSeed(1).fit(iris));
    assertEquals("requirement failed: rawPredictionCol vectors must have length=2, but got 3",
        e.getMessage());
  }

  @Test
  void linearFoldsFromAFoldColumnMatchMllibsCrossValidator() {
    Dataset diabetes = SparkTests.load("diabetes", "full");
    org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark, diabetes, 2)
        .withColumn("fold", functions.pmod(functions.monotonically_increasing_id(),
            functions.lit(4)).cast("int")).cache();
    DescentLinearRegression lin = new DescentLinearRegression().setBackend("reference")
        .setTol(TOL);
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(lin.regParam(), new double[] {0, 0.1, 1, 10}).build();
    RegressionEvaluator rmse = new RegressionEvaluator();
    CrossValidatorModel shared = new DescentCrossValidator().setEstimator(lin)
        .setEstimatorParamMaps(grid).setEvaluator(rmse).setNumFolds(4).setFoldCol("fold")
        .fit(frame);
    CrossValidatorModel mllib = new CrossValidator().setEstimator(lin)
        .setEstimatorParamMaps(grid).setEvaluator(rmse).setNumFolds(4).setFoldCol("fold")
        .fit(frame);
    assertClose(mllib.avgMetrics(), shared.avgMetrics(), 1e-6);
    int best = DescentCrossValidator.best(shared.avgMetrics(), false);
    DescentLinearRegressionModel refit = (DescentLinearRegressionModel) lin.fit(frame,
        grid[best]);
    DescentLinearRegressionModel model = (DescentLinearRegressionModel) shared.bestModel();
    assertArrayEquals(refit.coefficients().toArray(), model.coefficients().toArray(), 1e-12);
  }

  @Test
  void weightedMetricsOfEachEvaluatorKindMatchMllibsCrossValidator() {
    // Each fold's models are scored in one shared job (FoldScoring), MLlib's CrossValidator runs
    // the evaluator per model: the same average metrics, weights included.
    org.apache.spark.sql.Dataset<Row> weighted = cancer.withColumn("w",
        functions.rand(3).multiply(2).plus(0.25)).cache();
    DescentLogisticRegression lr = logistic().setWeightCol("w");
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(lr.regParam(), new double[] {0.003, 0.3}).build();
    for (Evaluator e : List.of(new BinaryClassificationEvaluator().setWeightCol("w"),
        new BinaryClassificationEvaluator().setMetricName("areaUnderPR").setWeightCol("w"),
        new MulticlassClassificationEvaluator().setMetricName("logLoss").setWeightCol("w"))) {
      CrossValidatorModel shared = new DescentCrossValidator().setEstimator(lr)
          .setEstimatorParamMaps(grid).setEvaluator(e).setNumFolds(3).setSeed(4).fit(weighted);
      CrossValidatorModel mllib = new CrossValidator().setEstimator(lr)
          .setEstimatorParamMaps(grid).setEvaluator(e).setNumFolds(3).setSeed(4).fit(weighted);
      assertClose(mllib.avgMetrics(), shared.avgMetrics(), SAME_FITS);
    }
    org.apache.spark.sql.Dataset<Row> diabetes = SparkTests.frame(spark,
        SparkTests.load("diabetes", "full"), 2).withColumn("w",
        functions.rand(5).plus(0.5)).cache();
    DescentLinearRegression lin = new DescentLinearRegression().setBackend("reference")
        .setTol(TOL).setWeightCol("w");
    ParamMap[] linGrid = new ParamGridBuilder()
        .addGrid(lin.regParam(), new double[] {0.1, 10}).build();
    RegressionEvaluator r2 = new RegressionEvaluator().setMetricName("r2").setWeightCol("w");
    CrossValidatorModel shared = new DescentCrossValidator().setEstimator(lin)
        .setEstimatorParamMaps(linGrid).setEvaluator(r2).setNumFolds(3).setSeed(4).fit(diabetes);
    CrossValidatorModel mllib = new CrossValidator().setEstimator(lin)
        .setEstimatorParamMaps(linGrid).setEvaluator(r2).setNumFolds(3).setSeed(4).fit(diabetes);
    assertClose(mllib.avgMetrics(), shared.avgMetrics(), SAME_FITS);
  }

  @Test
  void insideAPipelineAndSavedAndLoaded() throws Exception {
    DescentLogisticRegression lr = logistic();
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(lr.regParam(), new double[] {0.01, 0.1}).build();
    DescentCrossValidator cv = new DescentCrossValidator();
    cv.setEstimator(lr).setEstimatorParamMaps(grid)
        .setEvaluator(new BinaryClassificationEvaluator()).setNumFolds(2).setSeed(3);
    PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {cv}).fit(cancer);
    CrossValidatorModel inPipeline = (CrossValidatorModel) pipeline.stages()[0];
    assertArrayEquals(cv.fit(cancer).avgMetrics(), inPipeline.avgMetrics(), 1e-12);

    String estimatorPath = dir.resolve("cv").toString();
    cv.write().overwrite().save(estimatorPath);
    DescentCrossValidator again = DescentCrossValidator.load(estimatorPath);
    assertEquals(cv.uid(), again.uid());
    assertEquals(2, again.getNumFolds());
    assertEquals(3L, again.getSeed());
    assertEquals(2, again.getEstimatorParamMaps().length);
    assertInstanceOf(DescentLogisticRegression.class, again.getEstimator());
    assertArrayEquals(inPipeline.avgMetrics(), again.fit(cancer).avgMetrics(), 1e-12);

    String pipelinePath = dir.resolve("pipeline").toString();
    new Pipeline().setStages(new PipelineStage[] {cv}).write().overwrite().save(pipelinePath);
    Pipeline loadedPipeline = Pipeline.load(pipelinePath);
    assertInstanceOf(DescentCrossValidator.class, loadedPipeline.getStages()[0]);

    String modelPath = dir.resolve("model").toString();
    inPipeline.write().overwrite().save(modelPath);
    CrossValidatorModel loaded = CrossValidatorModel.load(modelPath);
    assertArrayEquals(inPipeline.avgMetrics(), loaded.avgMetrics(), 0);
    assertArrayEquals(((DescentLogisticRegressionModel) inPipeline.bestModel()).coefficients()
        .toArray(), ((DescentLogisticRegressionModel) loaded.bestModel()).coefficients()
        .toArray(), 0);
  }

  @Test
  void aPipelineOfTransformersAndADescentEstimatorSharesPasses() {
    DescentLogisticRegression lr = logistic();
    lr.setFeaturesCol("assembled");
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"features"})
        .setOutputCol("assembled");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, lr});
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(lr.regParam(), new double[] {0.01, 0.1, 1}).build();
    BinaryClassificationEvaluator auc = new BinaryClassificationEvaluator();
    long before = jobs();
    CrossValidatorModel shared = new DescentCrossValidator().setEstimator(pipeline)
        .setEstimatorParamMaps(grid).setEvaluator(auc).setNumFolds(2).setSeed(9).fit(cancer);
    long sharedJobs = jobs() - before;
    CrossValidatorModel mllib = new CrossValidator().setEstimator(pipeline)
        .setEstimatorParamMaps(grid).setEvaluator(auc).setNumFolds(2).setSeed(9).fit(cancer);
    long mllibJobs = jobs() - before - sharedJobs;
    assertClose(mllib.avgMetrics(), shared.avgMetrics(), 1e-6);
    // 6 fits in shared passes: fewer jobs than MLlib's path (which its fallback would equal).
    assertTrue(sharedJobs < mllibJobs, sharedJobs + " jobs, MLlib's " + mllibJobs);
    PipelineModel best = assertInstanceOf(PipelineModel.class, shared.bestModel());
    assertInstanceOf(DescentLogisticRegressionModel.class, best.stages()[1]);
  }

  @Test
  void otherEstimatorsAndMapsRunMllibsOwnCrossValidation() {
    BinaryClassificationEvaluator auc = new BinaryClassificationEvaluator();
    LogisticRegression mllibLr = new LogisticRegression();
    ParamMap[] mllibGrid = new ParamGridBuilder()
        .addGrid(mllibLr.regParam(), new double[] {0.01, 0.1}).build();
    CrossValidatorModel a = new DescentCrossValidator().setEstimator(mllibLr)
        .setEstimatorParamMaps(mllibGrid).setEvaluator(auc).setNumFolds(2).setSeed(1)
        .fit(cancer);
    CrossValidatorModel b = new CrossValidator().setEstimator(mllibLr)
        .setEstimatorParamMaps(mllibGrid).setEvaluator(auc).setNumFolds(2).setSeed(1)
        .fit(cancer);
    assertArrayEquals(b.avgMetrics(), a.avgMetrics(), 1e-12);

    // standardization differs between the maps: no shared passes, the same result as MLlib's.
    DescentLogisticRegression lr = new DescentLogisticRegression().setBackend("reference")
        .setRegParam(0.1);
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(lr.standardization()).build();
    CrossValidatorModel c = new DescentCrossValidator().setEstimator(lr)
        .setEstimatorParamMaps(grid).setEvaluator(auc).setNumFolds(2).setSeed(1).fit(cancer);
    CrossValidatorModel d = new CrossValidator().setEstimator(lr)
        .setEstimatorParamMaps(grid).setEvaluator(auc).setNumFolds(2).setSeed(1).fit(cancer);
    assertArrayEquals(d.avgMetrics(), c.avgMetrics(), 1e-12);
    assertTrue(c.avgMetrics()[0] > 0.9);
  }
}
