package io.descent.spark;

import io.descent.Descent;
import io.descent.gradient.Backends;
import io.descent.loss.ElasticNet;
import io.descent.optim.OptimizerKind;
import java.io.Serializable;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The parameters every Descent estimator and model has, named as MLlib names them where MLlib
 * has them, with their defaults (each one constant, read by the code and the Javadoc).
 */
public final class DescentParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** regParam R unless set: no penalty (MLlib's default). */
  public static final double DEFAULT_REG_PARAM = 0.0;
  /** elasticNetParam A unless set: core's {@link ElasticNet#DEFAULT_ELASTIC_NET_PARAM} (ridge). */
  public static final double DEFAULT_ELASTIC_NET_PARAM = ElasticNet.DEFAULT_ELASTIC_NET_PARAM;
  /** maxIter unless set: core's {@link Descent#DEFAULT_MAX_ITERATIONS}. */
  public static final int DEFAULT_MAX_ITER = Descent.DEFAULT_MAX_ITERATIONS;
  /** tol unless set: core's gradient test {@link Descent#DEFAULT_TOLERANCE}. */
  public static final double DEFAULT_TOL = Descent.DEFAULT_TOLERANCE;
  /** standardization unless set: true (MLlib's default). */
  public static final boolean DEFAULT_STANDARDIZATION = true;
  /** backend unless set: core's {@link Descent#DEFAULT_BACKEND}. */
  public static final String DEFAULT_BACKEND = Descent.DEFAULT_BACKEND;
  /** device unless set: the automatic choice. */
  public static final String DEFAULT_DEVICE = "auto";
  /** precision unless set: float32 data passes (then a float64 finish). */
  public static final String DEFAULT_PRECISION = "float";
  /** verifyEvery unless set: never. */
  public static final int DEFAULT_VERIFY_EVERY = 0;
  /** optimizer unless set: core's {@link Descent#DEFAULT_OPTIMIZER} (OWL-QN with L1). */
  public static final String DEFAULT_OPTIMIZER = Descent.DEFAULT_OPTIMIZER;

  final Param<String> weightCol;
  final DoubleParam regParam;
  final DoubleParam elasticNetParam;
  final IntParam maxIter;
  final DoubleParam tol;
  final BooleanParam standardization;
  final Param<String> backend;
  final Param<String> device;
  final Param<String> precision;
  final IntParam verifyEvery;
  final Param<String> optimizer;

  DescentParamSet(Params owner) {
    String uid = owner.uid();
    weightCol = new Param<>(uid, "weightCol", "weight column name: each row's weight"
        + " (finite, >= 0); unset or empty: every row weighs 1");
    regParam = new DoubleParam(uid, "regParam", "regularization parameter R (>= 0), as MLlib's:"
        + " the same R and elasticNetParam A give MLlib's coefficients. In Descent's objective"
        + " (penalties on the weights of features standardized by their population deviation):"
        + " logistic l1 = R A sqrt(c), l2 = R (1 - A) c, c = n / (n - 1) (its weighted form;"
        + " c = 1 without standardization); least squares l1 = R A, l2 = R (1 - A) / s_y, s_y"
        + " the label's population standard deviation (|mean| for a constant label; beyond"
        + " 4096 features, where MLlib's L-BFGS takes sample deviations, s_y and the penalties"
        + " take the sample factors as logistic's do)", ParamValidators.gtEq(0));
    elasticNetParam = new DoubleParam(uid, "elasticNetParam", "elastic-net mixing A in [0, 1]:"
        + " 0 is L2 (ridge), 1 is L1 (lasso)", ParamValidators.inRange(0, 1));
    maxIter = new IntParam(uid, "maxIter", "maximum number of iterations (> 0)",
        ParamValidators.gt(0));
    tol = new DoubleParam(uid, "tol", "convergence tolerance (>= 0): stop when max |gradient|"
        + " (with L1, the KKT violation) <= tol * max(1, |objective|); for linear regression"
        + " tol * max(s, |objective| / s), s the label's standard deviation",
        ParamValidators.gtEq(0));
    standardization = new BooleanParam(uid, "standardization", "whether to standardize the"
        + " features before fitting (penalties then apply to standardized weights)");
    backend = new Param<>(uid, "backend", "Descent backend on each executor: auto (OpenCL"
        + " where there is a device, else ND4J), opencl, nd4j or reference (any case)",
        new NameInAnyCase("auto", "opencl", "nd4j", "reference"));
    device = new Param<>(uid, "device", "OpenCL device: auto, an index or a name substring");
    precision = new Param<>(uid, "precision", "OpenCL precision: float or double (any case)",
        new NameInAnyCase("float", "double"));
    verifyEvery = new IntParam(uid, "verifyEvery", "check every partition against the float64"
        + " reference every this many passes (0: never)", ParamValidators.gtEq(0));
    optimizer = new Param<>(uid, "optimizer", "full-batch optimizer: lbfgs, owlqn or gd, any case"
        + " (OWL-QN whenever there is an L1 penalty)",
        new NameInAnyCase("lbfgs", "owlqn", "gd"));
    owner.setDefault(regParam, DEFAULT_REG_PARAM);
    owner.setDefault(elasticNetParam, DEFAULT_ELASTIC_NET_PARAM);
    owner.setDefault(maxIter, DEFAULT_MAX_ITER);
    owner.setDefault(tol, DEFAULT_TOL);
    owner.setDefault(standardization, DEFAULT_STANDARDIZATION);
    owner.setDefault(backend, DEFAULT_BACKEND);
    owner.setDefault(device, DEFAULT_DEVICE);
    owner.setDefault(precision, DEFAULT_PRECISION);
    owner.setDefault(verifyEvery, DEFAULT_VERIFY_EVERY);
    owner.setDefault(optimizer, DEFAULT_OPTIMIZER);
    // Checked here so that a new core optimizer name is caught by the tests.
    OptimizerKind.fromLabel(DEFAULT_OPTIMIZER);
    Backends.candidates(DEFAULT_BACKEND);
  }

  /**
   * A check that a value is one of the names, in any case, as MLlib checks its {@code family}
   * and {@code solver} ({@code "ND4J"} is {@code nd4j}); the fit reads the value in lower case.
   */
  static final class NameInAnyCase extends scala.runtime.AbstractFunction1<String, Object>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final java.util.List<String> names;

    NameInAnyCase(String... names) {
      this.names = java.util.List.of(names);
    }

    @Override
    public Object apply(String value) {
      return value != null && names.contains(value.toLowerCase(java.util.Locale.ROOT));
    }
  }
}
