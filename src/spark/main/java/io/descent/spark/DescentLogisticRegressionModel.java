package io.descent.spark;

import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;

/**
 * A logistic regression model fitted by {@link DescentLogisticRegression}: binomial (one
 * coefficient vector and intercept; raw prediction {@code (-m, m)} as MLlib's) or multinomial
 * (a C x d coefficient matrix and C intercepts, centered over the classes). Coefficients are on
 * the raw features. Saved and loaded with ML persistence ({@link #write()}, {@link #read()}).
 */
public class DescentLogisticRegressionModel extends ProbabilisticClassificationModel<Vector,
    DescentLogisticRegressionModel> implements DescentParams,
    MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final DescentParamSet params;
  private final Param<String> family;
  private final DoubleParam threshold;
  private final FittedCoefficients fitted;
  private final int features;

  DescentLogisticRegressionModel(String uid, FittedCoefficients fitted) {
    this(Uids.stash(uid), fitted, 0);
  }

  private DescentLogisticRegressionModel(String uid, FittedCoefficients fitted, int stashed) {
    super();
    this.uid = uid;
    Uids.clear();
    this.params = new DescentParamSet(this);
    this.family = DescentLogisticRegression.familyParam(this);
    this.threshold = DescentLogisticRegression.thresholdParam(this);
    setDefault(family, DescentLogisticRegression.DEFAULT_FAMILY);
    setDefault(threshold, DescentLogisticRegression.DEFAULT_THRESHOLD);
    this.fitted = fitted;
    this.features = fitted.coefficients().length / fitted.classes();
  }

  @Override
  public String uid() {
    return uid != null ? uid : Uids.pending();
  }

  @Override
  public DescentParamSet descentParams() {
    return params;
  }

  /** auto, binomial or multinomial: the family the estimator was asked for. */
  public Param<String> family() {
    return family;
  }

  /** The value of {@link #family()}: the family the estimator was asked for. */
  public String getFamily() {
    return getOrDefault(family);
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
  public DescentLogisticRegressionModel setThreshold(double value) {
    set(threshold, value);
    clear(thresholds());
    return this;
  }

  /** Sets {@code thresholds} and clears {@link #threshold()}, as MLlib's; returns this stage. */
  @Override
  public DescentLogisticRegressionModel setThresholds(double[] value) {
    super.setThresholds(value);
    clear(threshold);
    return this;
  }

  @Override
  public int numClasses() {
    return fitted.numClasses();
  }

  /** As MLlib's: the uid, the classes and the features. */
  @Override
  public String toString() {
    return "DescentLogisticRegressionModel: uid=" + uid() + ", numClasses=" + numClasses()
        + ", numFeatures=" + numFeatures();
  }

  @Override
  public int numFeatures() {
    return features;
  }

  /** True for a multinomial (softmax) model. */
  public boolean isMultinomial() {
    return fitted.classes() > 1;
  }

  /** The coefficients, one row per class (one row for a binomial model), raw features. */
  public Matrix coefficientMatrix() {
    return Matrices.dense(fitted.classes(), features, transpose(fitted.coefficients(),
        fitted.classes(), features));
  }

  /** The intercepts, one per row of {@link #coefficientMatrix()}. */
  public Vector interceptVector() {
    return Vectors.dense(fitted.intercepts().clone());
  }

  /**
   * A binomial model's coefficients.
   *
   * @throws IllegalStateException for a multinomial model (use {@link #coefficientMatrix()})
   */
  public Vector coefficients() {
    if (isMultinomial()) {
      throw new IllegalStateException("a multinomial model has a matrix of coefficients: use"
          + " coefficientMatrix()");
    }
    return Vectors.dense(fitted.coefficients().clone());
  }

  /**
   * A binomial model's intercept.
   *
   * @throws IllegalStateException for a multinomial model (use {@link #interceptVector()})
   */
  public double intercept() {
    if (isMultinomial()) {
      throw new IllegalStateException("a multinomial model has one intercept per class: use"
          + " interceptVector()");
    }
    return fitted.intercepts()[0];
  }

  /** True when the model was fitted in this session (a loaded model has no summary). */
  public boolean hasSummary() {
    return fitted.summary() != null;
  }

  /**
   * How the fit ran.
   *
   * @throws IllegalStateException for a loaded model
   */
  public DescentTrainingSummary summary() {
    if (fitted.summary() == null) {
      throw new IllegalStateException("no training summary: this model was loaded, not fitted");
    }
    return fitted.summary();
  }

  FittedCoefficients fitted() {
    return fitted;
  }

  /** The margins {@code b_k + w_k . x}, one per row of coefficients. */
  private double[] margins(Vector x) {
    double[] w = fitted.coefficients();
    double[] b = fitted.intercepts();
    double[] m = new double[b.length];
    for (int k = 0; k < b.length; k++) {
      double s = b[k];
      int o = k * features;
      if (x instanceof SparseVector sv) {
        int[] idx = sv.indices();
        double[] v = sv.values();
        for (int t = 0; t < idx.length; t++) {
          s += w[o + idx[t]] * v[t];
        }
      } else {
        double[] v = ((DenseVector) x).values();
        for (int j = 0; j < features; j++) {
          s += w[o + j] * v[j];
        }
      }
      m[k] = s;
    }
    return m;
  }

  @Override
  public Vector predictRaw(Vector features) {
    if (features.size() != this.features) {
      throw new IllegalArgumentException("the model has " + this.features
          + " features, the vector " + features.size());
    }
    double[] m = margins(features);
    return isMultinomial() ? Vectors.dense(m) : Vectors.dense(-m[0], m[0]);
  }

  @Override
  public Vector raw2probabilityInPlace(Vector raw) {
    double[] v = ((DenseVector) raw).values();
    if (!isMultinomial()) {
      double p1 = 1 / (1 + Math.exp(-v[1]));
      v[0] = 1 - p1;
      v[1] = p1;
      return raw;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double m : v) {
      max = Math.max(max, m);
    }
    double sum = 0;
    for (int k = 0; k < v.length; k++) {
      v[k] = Math.exp(v[k] - max);
      sum += v[k];
    }
    for (int k = 0; k < v.length; k++) {
      v[k] /= sum;
    }
    return raw;
  }

  private boolean usesThreshold() {
    return !isMultinomial() && !isSet(thresholds());
  }

  @Override
  public double raw2prediction(Vector raw) {
    if (usesThreshold()) {
      return 1 / (1 + Math.exp(-raw.apply(1))) > getThreshold() ? 1 : 0;
    }
    return super.raw2prediction(raw);
  }

  @Override
  public double probability2prediction(Vector probability) {
    if (usesThreshold()) {
      return probability.apply(1) > getThreshold() ? 1 : 0;
    }
    return super.probability2prediction(probability);
  }

  /** MLlib's summary helper, restated: Java sees it inherited twice (Scala's covariance). */
  @Override
  @SuppressWarnings("rawtypes")
  public scala.Tuple3 findSummaryModel() {
    return super.findSummaryModel();
  }

  @Override
  public DescentLogisticRegressionModel copy(ParamMap extra) {
    DescentLogisticRegressionModel c = new DescentLogisticRegressionModel(uid, fitted);
    copyValues(c, extra);
    return c.setParent(parent());
  }

  @Override
  public MLWriter write() {
    DescentLogisticRegressionModel self = this;
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        ModelData.save(self, self.fitted, path, sparkSession());
      }
    };
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<DescentLogisticRegressionModel> read() {
    return new MLReader<>() {
      @Override
      public DescentLogisticRegressionModel load(String path) {
        return ModelData.load(path, sparkSession(), DescentLogisticRegressionModel.class
            .getName(), DescentLogisticRegressionModel::new);
      }
    };
  }

  /** Loads a model saved with {@code save(path)}. */
  public static DescentLogisticRegressionModel load(String path) {
    return read().load(path);
  }

  /** Row-major {@code rows x cols} to column-major, as {@code Matrices.dense} takes. */
  static double[] transpose(double[] rowMajor, int rows, int cols) {
    double[] out = new double[rowMajor.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[j * rows + i] = rowMajor[i * cols + j];
      }
    }
    return out;
  }
}
