package io.descent.spark;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;

/**
 * A linear regression model fitted by {@link DescentLinearRegression}: {@code prediction = b +
 * w . x} on the raw features. Saved and loaded with ML persistence.
 */
public class DescentLinearRegressionModel extends RegressionModel<Vector,
    DescentLinearRegressionModel> implements DescentParams,
    MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final DescentParamSet params;
  private final FittedCoefficients fitted;

  DescentLinearRegressionModel(String uid, FittedCoefficients fitted) {
    this(Uids.stash(uid), fitted, 0);
  }

  private DescentLinearRegressionModel(String uid, FittedCoefficients fitted, int stashed) {
    super();
    this.uid = uid;
    Uids.clear();
    this.params = new DescentParamSet(this);
    this.fitted = fitted;
  }

  @Override
  public String uid() {
    return uid != null ? uid : Uids.pending();
  }

  @Override
  public DescentParamSet descentParams() {
    return params;
  }

  /** The coefficients, raw features. */
  public Vector coefficients() {
    return Vectors.dense(fitted.coefficients().clone());
  }

  /** The intercept. */
  public double intercept() {
    return fitted.intercepts()[0];
  }

  @Override
  public int numFeatures() {
    return fitted.coefficients().length;
  }

  /** As MLlib's: the uid and the features. */
  @Override
  public String toString() {
    return "DescentLinearRegressionModel: uid=" + uid() + ", numFeatures=" + numFeatures();
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

  @Override
  public double predict(Vector x) {
    double[] w = fitted.coefficients();
    if (x.size() != w.length) {
      throw new IllegalArgumentException("the model has " + w.length + " features, the vector "
          + x.size());
    }
    double s = fitted.intercepts()[0];
    if (x instanceof SparseVector sv) {
      int[] idx = sv.indices();
      double[] v = sv.values();
      for (int t = 0; t < idx.length; t++) {
        s += w[idx[t]] * v[t];
      }
    } else {
      double[] v = ((DenseVector) x).values();
      for (int j = 0; j < w.length; j++) {
        s += w[j] * v[j];
      }
    }
    return s;
  }

  @Override
  public DescentLinearRegressionModel copy(ParamMap extra) {
    DescentLinearRegressionModel c = new DescentLinearRegressionModel(uid, fitted);
    copyValues(c, extra);
    return c.setParent(parent());
  }

  @Override
  public MLWriter write() {
    DescentLinearRegressionModel self = this;
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        ModelData.save(self, self.fitted, path, sparkSession());
      }
    };
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<DescentLinearRegressionModel> read() {
    return new MLReader<>() {
      @Override
      public DescentLinearRegressionModel load(String path) {
        return ModelData.load(path, sparkSession(), DescentLinearRegressionModel.class
            .getName(), DescentLinearRegressionModel::new);
      }
    };
  }

  /** Loads a model saved with {@code save(path)}. */
  public static DescentLinearRegressionModel load(String path) {
    return read().load(path);
  }
}
