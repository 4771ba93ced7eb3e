package io.descent.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Linear least-squares regression fitted by Descent on every executor: a drop-in for MLlib's
 * {@code LinearRegression} in a {@code Pipeline}, {@code CrossValidator} or {@code
 * TrainValidationSplit}, with MLlib's evaluators and ML persistence.
 *
 * <p>The objective is MLlib's: the weighted mean of {@code (1/2)(y - m)^2} plus its penalty on
 * the standardized weights, the label divided by its scale before penalizing, the intercept never
 * penalized; the same {@code regParam} and {@code elasticNetParam} give MLlib's coefficients
 * (Descent's penalties for them: {@code DescentFitter.forLabel}; the README's Spark section).
 * How the fit runs: as {@link DescentLogisticRegression}.
 */
public class DescentLinearRegression extends Regressor<Vector, DescentLinearRegression,
    DescentLinearRegressionModel> implements DescentEstimatorParams<DescentLinearRegression>,
    DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final DescentParamSet params;

  /** An estimator with a new uid. */
  public DescentLinearRegression() {
    this(Identifiable.randomUID("descentLinReg"));
  }

  /** An estimator with the given uid (what ML persistence calls). */
  public DescentLinearRegression(String uid) {
    this(Uids.stash(uid), 0);
  }

  private DescentLinearRegression(String uid, int stashed) {
    super();
    this.uid = uid;
    Uids.clear();
    this.params = new DescentParamSet(this);
  }

  @Override
  public String uid() {
    return uid != null ? uid : Uids.pending();
  }

  @Override
  public DescentParamSet descentParams() {
    return params;
  }

  FitOptions options() {
    return DescentFitter.options(this, getFeaturesCol(), getLabelCol(), FitOptions.Kind.LINEAR);
  }

  @Override
  public DescentLinearRegressionModel train(Dataset<?> dataset) {
    FittedCoefficients f = DescentFitter.fit(dataset, options(), List.of(DescentFitter.spec(this))).get(0);
    return new DescentLinearRegressionModel(uid(), f);
  }

  /**
   * Fits one model per parameter map, in the same passes where the maps differ only in
   * penalties and stopping rules (see {@link DescentLogisticRegression#fitMultiple}); yields
   * {@code (i, model of paramMaps[i])} in the maps' order.
   */
  public Iterator<Tuple2<Integer, DescentLinearRegressionModel>> fitMultiple(
      Dataset<?> dataset, ParamMap[] paramMaps) {
    List<DescentLinearRegression> copies = new ArrayList<>();
    List<FitSpec> specs = new ArrayList<>();
    boolean shared = true;
    for (ParamMap m : paramMaps) {
      DescentLinearRegression c = copy(m);
      copies.add(c);
      specs.add(DescentFitter.spec(c));
      shared &= c.options().equals(copies.get(0).options());
    }
    List<Tuple2<Integer, DescentLinearRegressionModel>> out = new ArrayList<>();
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
      DescentLinearRegression c = copies.get(i);
      DescentLinearRegressionModel model = new DescentLinearRegressionModel(c.uid(),
          fitted.get(i));
      c.copyValues(model, ParamMap.empty());
      model.setParent(c);
      out.add(new Tuple2<>(i, model));
    }
    return out.iterator();
  }

  /** MLlib's multi-map fit, through {@link #fitMultiple}: the models in the maps' order. */
  @Override
  public scala.collection.immutable.Seq<DescentLinearRegressionModel> fit(Dataset<?> dataset,
      scala.collection.immutable.Seq<ParamMap> paramMaps) {
    List<DescentLinearRegressionModel> models = new ArrayList<>();
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
  List<List<DescentLinearRegressionModel>> fitFolds(Dataset<?> dataset, ParamMap[] paramMaps,
      String foldCol, int folds) {
    if (paramMaps.length == 0) {
      return null;
    }
    List<DescentLinearRegression> copies = new ArrayList<>();
    List<FitSpec> specs = new ArrayList<>();
    for (ParamMap m : paramMaps) {
      DescentLinearRegression c = copy(m);
      if (!c.options().equals(copies.isEmpty() ? c.options() : copies.get(0).options())) {
        return null;
      }
      copies.add(c);
      specs.add(DescentFitter.spec(c));
    }
    List<List<FittedCoefficients>> fitted = DescentFitter.fitFolds(dataset,
        copies.get(0).options(), foldCol, folds, specs);
    List<List<DescentLinearRegressionModel>> out = new ArrayList<>();
    for (List<FittedCoefficients> fold : fitted) {
      List<DescentLinearRegressionModel> models = new ArrayList<>();
      for (int i = 0; i < copies.size(); i++) {
        DescentLinearRegression c = copies.get(i);
        DescentLinearRegressionModel model = new DescentLinearRegressionModel(c.uid(), fold.get(i));
        c.copyValues(model, ParamMap.empty());
        model.setParent(c);
        models.add(model);
      }
      out.add(models);
    }
    return out;
  }

  @Override
  public DescentLinearRegression copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reads an estimator saved with {@code write().save(path)}. */
  public static MLReader<DescentLinearRegression> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads an estimator saved with {@code save(path)}. */
  public static DescentLinearRegression load(String path) {
    return read().load(path);
  }
}
