package io.descent.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Logistic regression, binomial or multinomial (softmax), fitted by Descent on every executor:
 * a drop-in for MLlib's {@code LogisticRegression} in a {@code Pipeline}, {@code
 * CrossValidator} or {@code TrainValidationSplit}, with MLlib's evaluators and ML persistence.
 *
 * <p>Labels are 0, 1, .., C - 1 (as MLlib's); {@code family} {@value #DEFAULT_FAMILY} fits a
 * binomial model for at most two classes and a multinomial one (full parameterization: C
 * intercepts and C weight vectors, centered as MLlib's) otherwise. The objective is the weighted
 * mean log-loss plus {@code R (A ||w||_1 + ((1 - A)/2) ||w||_2^2)} on the standardized weights
 * (see {@link DescentParams}); the intercepts are never penalized and always fitted.
 *
 * <p>How it runs: the feature vectors (dense, or sparse ones densified) are cached once as
 * float32 blocks per partition; each partition's Descent backend is opened on its executor
 * ({@code backend} auto: OpenCL where the executor has a device, else ND4J) and stays resident
 * for the fit; the optimizer runs on the driver, and each of its evaluations broadcasts the
 * weights and combines the partitions' sums with {@code treeAggregate}. No row is collected.
 */
public class DescentLogisticRegression extends ProbabilisticClassifier<Vector,
    DescentLogisticRegression, DescentLogisticRegressionModel> implements
    DescentEstimatorParams<DescentLogisticRegression>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** family unless set: binomial up to two classes, else multinomial (MLlib's default). */
  public static final String DEFAULT_FAMILY = "auto";
  /** threshold unless set: 0.5 (MLlib's default). */
  public static final double DEFAULT_THRESHOLD = 0.5;

  private final String uid;
  private final DescentParamSet params;
  private final Param<String> family;
  private final DoubleParam threshold;

  /** An estimator with a new uid. */
  public DescentLogisticRegression() {
    this(Identifiable.randomUID("descentLogReg"));
  }

  /** An estimator with the given uid (what ML persistence calls). */
  public DescentLogisticRegression(String uid) {
    this(Uids.stash(uid), 0);
  }

  private DescentLogisticRegression(String uid, int stashed) {
    super();
    this.uid = uid;
    Uids.clear();
    this.params = new DescentParamSet(this);
    this.family = familyParam(this);
    this.threshold = thresholdParam(this);
    setDefault(family, DEFAULT_FAMILY);
    setDefault(threshold, DEFAULT_THRESHOLD);
  }

  static Param<String> familyParam(org.apache.spark.ml.param.Params owner) {
    return new Param<>(owner.uid(), "family", "auto, binomial or multinomial (any case)",
        new DescentParamSet.NameInAnyCase("auto", "binomial", "multinomial"));
  }

  static DoubleParam thresholdParam(org.apache.spark.ml.param.Params owner) {
    return new DoubleParam(owner.uid(), "threshold", "binary classification: predict 1 when"
        + " the probability of 1 is above this (used unless thresholds is set)",
        ParamValidators.inRange(0, 1));
  }

  @Override
  public String uid() {
    return uid != null ? uid : Uids.pending();
  }

  @Override
  public DescentParamSet descentParams() {
    return params;
  }

  /** auto, binomial or multinomial. */
  public Param<String> family() {
    return family;
  }

  /** The value of {@link #family()} (its default unless set). */
  public String getFamily() {
    return getOrDefault(family);
  }

  /** Sets {@link #family()}; returns this stage. */
  public DescentLogisticRegression setFamily(String value) {
    set(family, value);
    return this;
  }

  /** The binary decision threshold on the probability of class 1. */
  public DoubleParam threshold() {
    return threshold;
  }

  /**
   * The threshold: as MLlib's, the one that two-class {@code thresholds} (t0, t1) stand for,
   * 1 / (1 + t0 / t1), where they are set, else {@link #threshold()}'s value (its default unless
   * set).
   */
  public double getThreshold() {
    return Thresholds.threshold(this, threshold);
  }

  /** Sets {@link #threshold()} and clears {@code thresholds}, as MLlib's; returns this stage. */
  public DescentLogisticRegression setThreshold(double value) {
    set(threshold, value);
    clear(thresholds());
    return this;
  }

  /** Sets {@code thresholds} and clears {@link #threshold()}, as MLlib's; returns this stage. */
  @Override
  public DescentLogisticRegression setThresholds(double[] value) {
    super.setThresholds(value);
    clear(threshold);
    return this;
  }

  FitOptions options() {
    FitOptions.Kind kind = switch (getFamily().toLowerCase(java.util.Locale.ROOT)) {
      case "binomial" -> FitOptions.Kind.BINOMIAL;
      case "multinomial" -> FitOptions.Kind.MULTINOMIAL;
      default -> FitOptions.Kind.AUTO;
    };
    return DescentFitter.options(this, getFeaturesCol(), getLabelCol(), kind);
  }

  @Override
  public DescentLogisticRegressionModel train(Dataset<?> dataset) {
    FittedCoefficients f = DescentFitter.fit(dataset, options(), List.of(DescentFitter.spec(this))).get(0);
    Thresholds.requireMatching(this, f.numClasses());
    return new DescentLogisticRegressionModel(uid(), f);
  }

  /**
   * Fits one model per parameter map, all in the same passes over the data where the maps
   * differ only in {@code regParam}, {@code elasticNetParam}, {@code maxIter} and {@code tol}
   * (maps that share {@code maxIter} and {@code tol} run as K columns of one evaluation);
   * otherwise one fit per map. Yields {@code (i, model of paramMaps[i])} in the order of the
   * maps, as PySpark's {@code fitMultiple}.
   */
  public Iterator<Tuple2<Integer, DescentLogisticRegressionModel>> fitMultiple(
      Dataset<?> dataset, ParamMap[] paramMaps) {
    List<DescentLogisticRegression> copies = new ArrayList<>();
    List<FitSpec> specs = new ArrayList<>();
    boolean shared = true;
    for (ParamMap m : paramMaps) {
      DescentLogisticRegression c = copy(m);
      copies.add(c);
      specs.add(DescentFitter.spec(c));
      shared &= c.options().equals(copies.get(0).options())
          && Thresholds.same(c, c.threshold(), copies.get(0), copies.get(0).threshold());
    }
    List<Tuple2<Integer, DescentLogisticRegressionModel>> out = new ArrayList<>();
    if (paramMaps.length == 0) {
      return out.iterator();
    }
    if (!shared) {
      for (int i = 0; i < copies.size(); i++) {
        out.add(new Tuple2<>(i, copies.get(i).fit(dataset)));
      }
      return out.iterator();
    }
    List<FittedCoefficients> fitted = DescentFitter.fit(dataset, copies.get(0).options(), specs);
    for (int i = 0; i < copies.size(); i++) {
      DescentLogisticRegression c = copies.get(i);
      Thresholds.requireMatching(c, fitted.get(i).numClasses());
      DescentLogisticRegressionModel model = new DescentLogisticRegressionModel(c.uid(),
          fitted.get(i));
      c.copyValues(model, ParamMap.empty());
      model.setParent(c);
      out.add(new Tuple2<>(i, model));
    }
    return out.iterator();
  }

  /** MLlib's multi-map fit, through {@link #fitMultiple}: the models in the maps' order. */
  @Override
  public scala.collection.immutable.Seq<DescentLogisticRegressionModel> fit(Dataset<?> dataset,
      scala.collection.immutable.Seq<ParamMap> paramMaps) {
    List<DescentLogisticRegressionModel> models = new ArrayList<>();
    fitMultiple(dataset, CollectionConverters.asJava(paramMaps).toArray(new ParamMap[0]))
        .forEachRemaining(t -> models.add(t._2()));
    return CollectionConverters.asScala(models).toList();
  }

  /**
   * Cross-validation's fits in shared passes: for every fold f of {@code foldCol} (an int
   * column, 0..folds-1) and every map, the model fitted without fold f's rows, all in one
   * lockstep fit where the maps differ only in penalties and stopping rules; null when they
   * differ in anything else (then each fit must run on its own).
   *
   * @return {@code out.get(f).get(i)}: fold f's model of {@code paramMaps[i]}, or null
   */
  List<List<DescentLogisticRegressionModel>> fitFolds(Dataset<?> dataset, ParamMap[] paramMaps,
      String foldCol, int folds) {
    if (paramMaps.length == 0) {
      return null;
    }
    List<DescentLogisticRegression> copies = new ArrayList<>();
    List<FitSpec> specs = new ArrayList<>();
    for (ParamMap m : paramMaps) {
      DescentLogisticRegression c = copy(m);
      if (!c.options().equals(copies.isEmpty() ? c.options() : copies.get(0).options())) {
        return null;
      }
      copies.add(c);
      specs.add(DescentFitter.spec(c));
    }
    List<List<FittedCoefficients>> fitted = DescentFitter.fitFolds(dataset,
        copies.get(0).options(), foldCol, folds, specs);
    List<List<DescentLogisticRegressionModel>> out = new ArrayList<>();
    for (List<FittedCoefficients> fold : fitted) {
      List<DescentLogisticRegressionModel> models = new ArrayList<>();
      for (int i = 0; i < copies.size(); i++) {
        DescentLogisticRegression c = copies.get(i);
        Thresholds.requireMatching(c, fold.get(i).numClasses());
        DescentLogisticRegressionModel model = new DescentLogisticRegressionModel(c.uid(), fold.get(i));
        c.copyValues(model, ParamMap.empty());
        model.setParent(c);
        models.add(model);
      }
      out.add(models);
    }
    return out;
  }

  @Override
  public DescentLogisticRegression copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reads an estimator saved with {@code write().save(path)}. */
  public static MLReader<DescentLogisticRegression> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads an estimator saved with {@code save(path)}. */
  public static DescentLogisticRegression load(String path) {
    return read().load(path);
  }
}
