package io.descent.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ValidatorParams$;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import scala.Option;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * MLlib's {@code CrossValidator}, with every fold x parameter map of a Descent estimator fitted
 * in the same passes over the data. MLlib's own {@code CrossValidator} calls {@code fit(dataset,
 * paramMap)} once per map and fold, so it never shares passes; this one, when the estimator is
 * a {@link DescentLogisticRegression} or {@link DescentLinearRegression} and the maps differ only
 * in {@code regParam}, {@code elasticNetParam}, {@code maxIter} and {@code tol} (or the estimator is
 * a {@code Pipeline} of transformers ending with one, the maps setting only its params: the
 * transformers then run first, and the best model is the refitted {@code PipelineModel}), runs ONE lockstep
 * fit of {@code numFolds x maps} models (those sharing {@code maxIter} and {@code tol} as columns
 * of the same evaluations): fold f's models give the rows of fold f weight 0 and, with {@code
 * standardization}, are standardized on their own training rows. Then each fold's models are
 * scored on that fold's rows: when the evaluator is one of MLlib's own ({@code
 * BinaryClassificationEvaluator}, {@code MulticlassClassificationEvaluator}, {@code
 * RegressionEvaluator}) reading the columns the models write, all folds' models in ONE Spark job
 * with MLlib's metric formulas ({@link FoldScoring}: the same numbers up to the order of float
 * sums and, for a down-sampled curve, where MLlib's bins start); with any other evaluator as
 * MLlib does ({@code evaluator.evaluate(model.transform(validation, map))}). The metrics are
 * averaged over the folds, the best map chosen ({@code evaluator.isLargerBetter}, the first on
 * ties) and refitted on all rows. The result is a
 * plain {@link CrossValidatorModel} ({@code avgMetrics}, {@code bestModel}, ML persistence).
 *
 * <p>Folds: from {@code foldCol} when it is set (ints 0..numFolds-1, as MLlib's), else drawn from
 * {@code seed} exactly as MLlib's {@code CrossValidator} draws them (per partition, so the same
 * DataFrame gives the same folds; see {@link KFolds}). Any other estimator (a {@code Pipeline}
 * with an estimator before its last stage among them), maps that change anything else, or {@code collectSubModels} run MLlib's own
 * {@code CrossValidator.fit}. {@code parallelism} is accepted (it matters only there).
 *
 * <p>Save it with {@code write().save(path)} as any {@code CrossValidator}; load it with
 * {@link #load} (MLlib's {@code CrossValidator.load} expects MLlib's class name).
 */
public class DescentCrossValidator extends CrossValidator {
  private static final long serialVersionUID = 1L;

  /** The column of folds added to the rows while a cross-validation runs. */
  static final String FOLD_COLUMN = "__descent_cv_fold";

  /** A cross-validator with a new uid. */
  public DescentCrossValidator() {
    this(Identifiable.randomUID("descentCv"));
  }

  /** A cross-validator with the given uid (what ML persistence calls). */
  public DescentCrossValidator(String uid) {
    super(uid);
  }

  @Override
  public CrossValidatorModel fit(Dataset<?> dataset) {
    Estimator<?> estimator = getEstimator();
    ParamMap[] maps = getEstimatorParamMaps();
    Estimator<?> descent = estimator;
    List<Transformer> prefix = new ArrayList<>();
    if (estimator instanceof Pipeline pipeline) {
      PipelineStage[] stages = pipeline.getStages();
      descent = stages.length == 0 || !(stages[stages.length - 1] instanceof Estimator<?> e)
          ? null : e;
      for (int i = 0; i < stages.length - 1 && descent != null; i++) {
        if (stages[i] instanceof Transformer t && !(stages[i] instanceof Estimator<?>)) {
          prefix.add(t);
        } else {
          descent = null;
        }
      }
      if (descent != null && !onlyParamsOf(descent, maps)) {
        descent = null;
      }
    }
    if (getCollectSubModels() || !(descent instanceof DescentLogisticRegression
        || descent instanceof DescentLinearRegression)) {
      return super.fit(dataset);
    }
    transformSchema(dataset.schema());
    Evaluator evaluator = getEvaluator();
    int k = getNumFolds();
    String foldCol = getFoldCol();
    Dataset<Row> rows;
    String folds;
    if (foldCol == null || foldCol.isEmpty()) {
      if (java.util.Arrays.asList(dataset.columns()).contains(FOLD_COLUMN)) {
        throw new IllegalArgumentException("the data has a column named " + FOLD_COLUMN
            + ", the name this cross-validator gives the folds it assigns: rename it, or give"
            + " it as setFoldCol(\"" + FOLD_COLUMN + "\") if it holds the folds");
      }
      rows = KFolds.assign(dataset.toDF(), k, getSeed(), FOLD_COLUMN);
      folds = FOLD_COLUMN;
    } else {
      rows = dataset.toDF();
      folds = foldCol;
    }
    for (Transformer t : prefix) {
      rows = t.transform(rows);
    }
    if (folds.equals(foldCol)) {
      long bad = rows.filter(functions.col(foldCol).cast("int").lt(0)
          .or(functions.col(foldCol).cast("int").geq(k))
          .or(functions.col(foldCol).isNull())).count();
      if (bad > 0) {
        throw new IllegalArgumentException(bad + " rows have a fold outside 0.." + (k - 1)
            + " in " + foldCol);
      }
    }
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<? extends List<? extends Model<?>>> models = descent
          instanceof DescentLogisticRegression lr ? lr.fitFolds(rows, maps, folds, k)
          : ((DescentLinearRegression) descent).fitFolds(rows, maps, folds, k);
      if (models == null) {
        return super.fit(dataset);
      }
      double[] metrics = new double[maps.length];
      FoldScoring scoring = FoldScoring.of(evaluator, models.get(0).get(0), rows.schema());
      // One job scores every map only where each map's model writes what the evaluator reads
      // (a map may name other output columns); else each is scored as MLlib's CrossValidator
      // scores it, which fails where the evaluator's column is missing.
      for (int i = 1; i < maps.length && scoring != null; i++) {
        if (FoldScoring.of(evaluator, models.get(0).get(i), rows.schema()) == null) {
          scoring = null;
        }
      }
      if (scoring != null) {
        double[][] byFold = scoring.score(rows, folds, k, models);
        for (int f = 0; f < k; f++) {
          for (int i = 0; i < maps.length; i++) {
            metrics[i] += byFold[f][i];
          }
        }
      }
      for (int f = 0; f < k && scoring == null; f++) {
        Dataset<Row> validation = rows.filter(functions.col(folds).cast("int").equalTo(f));
        if (folds.equals(FOLD_COLUMN)) {
          validation = validation.drop(FOLD_COLUMN);
        }
        // Cached while its models are scored (as MLlib's CrossValidator caches each fold's
        // validation rows): each evaluator runs several jobs over it.
        validation = validation.persist(StorageLevel.MEMORY_AND_DISK());
        try {
          for (int i = 0; i < maps.length; i++) {
            metrics[i] += evaluator.evaluate(models.get(f).get(i).transform(validation,
                maps[i]));
          }
        } finally {
          validation.unpersist(false);
        }
      }
      for (int i = 0; i < maps.length; i++) {
        metrics[i] /= k;
      }
      int best = best(metrics, evaluator.isLargerBetter());
      Model<?> bestModel = (Model<?>) estimator.fit(dataset, maps[best]);
      CrossValidatorModel model = new CrossValidatorModel(uid(), bestModel, metrics);
      copyValues(model, ParamMap.empty());
      model.setParent(this);
      return model;
    } finally {
      rows.unpersist(false);
    }
  }

  /** True when every map sets only the stage's own params. */
  private static boolean onlyParamsOf(PipelineStage stage, ParamMap[] maps) {
    for (ParamMap m : maps) {
      for (ParamPair<?> pair : CollectionConverters.asJava(m.toSeq())) {
        if (!pair.param().parent().equals(stage.uid())) {
          return false;
        }
      }
    }
    return true;
  }

  /** The index of the best metric (the first of equals), as MLlib's {@code CrossValidator}. */
  static int best(double[] metrics, boolean largerIsBetter) {
    int best = 0;
    for (int i = 1; i < metrics.length; i++) {
      if (largerIsBetter ? metrics[i] > metrics[best] : metrics[i] < metrics[best]) {
        best = i;
      }
    }
    return best;
  }

  @Override
  public DescentCrossValidator copy(ParamMap extra) {
    return (DescentCrossValidator) super.copy(extra);
  }

  // MLlib's setters, typed as this class, so that Java chains them into a DescentCrossValidator
  // (Scala's this.type reaches Java as CrossValidator).

  @Override
  public DescentCrossValidator setEstimator(Estimator<?> value) {
    super.setEstimator(value);
    return this;
  }

  @Override
  public DescentCrossValidator setEstimatorParamMaps(ParamMap[] value) {
    super.setEstimatorParamMaps(value);
    return this;
  }

  @Override
  public DescentCrossValidator setEvaluator(Evaluator value) {
    super.setEvaluator(value);
    return this;
  }

  @Override
  public DescentCrossValidator setNumFolds(int value) {
    super.setNumFolds(value);
    return this;
  }

  @Override
  public DescentCrossValidator setFoldCol(String value) {
    super.setFoldCol(value);
    return this;
  }

  @Override
  public DescentCrossValidator setSeed(long value) {
    super.setSeed(value);
    return this;
  }

  @Override
  public DescentCrossValidator setParallelism(int value) {
    super.setParallelism(value);
    return this;
  }

  @Override
  public DescentCrossValidator setCollectSubModels(boolean value) {
    super.setCollectSubModels(value);
    return this;
  }

  /**
   * Reads a cross-validator saved with {@code write().save(path)}: its {@code load} returns a
   * {@code DescentCrossValidator} (typed as MLlib's, which this static method hides).
   */
  public static MLReader<CrossValidator> read() {
    return new Reader();
  }

  /** Loads a cross-validator saved with {@code save(path)}. */
  public static DescentCrossValidator load(String path) {
    return (DescentCrossValidator) read().load(path);
  }

  /** MLlib's {@code CrossValidatorReader}, for this class's name. */
  private static final class Reader extends MLReader<CrossValidator> {
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public DescentCrossValidator load(String path) {
      Tuple4 t = ValidatorParams$.MODULE$.loadImpl(path, sparkSession(),
          DescentCrossValidator.class.getName());
      DefaultParamsReader.Metadata metadata = (DefaultParamsReader.Metadata) t._1();
      DescentCrossValidator cv = new DescentCrossValidator(metadata.uid());
      cv.setEstimator((Estimator<?>) t._2());
      cv.setEvaluator((Evaluator) t._3());
      cv.setEstimatorParamMaps((ParamMap[]) t._4());
      metadata.getAndSetParams(cv, Option.apply(CollectionConverters.asScala(
          List.of("evaluator", "estimator", "estimatorParamMaps")).toList()));
      return cv;
    }
  }
}
