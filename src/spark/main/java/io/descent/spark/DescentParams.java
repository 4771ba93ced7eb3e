package io.descent.spark;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The parameters Descent's estimators and models share ({@link DescentParamSet} holds them and
 * their defaults): MLlib's {@code weightCol}, {@code regParam}, {@code elasticNetParam}, {@code
 * maxIter}, {@code tol}, {@code standardization}, and Descent's {@code backend}, {@code device},
 * {@code precision}, {@code verifyEvery}, {@code optimizer}.
 *
 * <p>Spark's {@code regParam} R and {@code elasticNetParam} A give MLlib's objective, {@code
 * data term + R (A ||w||_1 + ((1 - A) / 2) ||w||_2^2)} on the weights of the features standardized
 * as MLlib standardizes them: Descent's penalties {@code l1 = R A} and {@code l2 = R (1 - A)}
 * (core's {@code ElasticNet.spark}), scaled for MLlib's feature and label scales ({@code
 * DescentFitter.forLabel}).
 *
 * <p>Models read them (the values their fit used); only the estimators set them ({@link
 * DescentEstimatorParams}), as MLlib's models have no setters for training parameters.
 */
public interface DescentParams extends Params {
  /** The parameter objects of this stage. */
  DescentParamSet descentParams();

  /** Row weight column (unset or empty: every row weighs 1). */
  default Param<String> weightCol() {
    return descentParams().weightCol;
  }

  /** Regularization parameter R. */
  default DoubleParam regParam() {
    return descentParams().regParam;
  }

  /** Elastic-net mixing A. */
  default DoubleParam elasticNetParam() {
    return descentParams().elasticNetParam;
  }

  /** Iteration cap. */
  default IntParam maxIter() {
    return descentParams().maxIter;
  }

  /** Gradient-test tolerance. */
  default DoubleParam tol() {
    return descentParams().tol;
  }

  /** Whether to standardize. */
  default BooleanParam standardization() {
    return descentParams().standardization;
  }

  /** Backend on each executor. */
  default Param<String> backend() {
    return descentParams().backend;
  }

  /** OpenCL device. */
  default Param<String> device() {
    return descentParams().device;
  }

  /** OpenCL precision. */
  default Param<String> precision() {
    return descentParams().precision;
  }

  /** Verification period in passes. */
  default IntParam verifyEvery() {
    return descentParams().verifyEvery;
  }

  /** Full-batch optimizer. */
  default Param<String> optimizer() {
    return descentParams().optimizer;
  }

  /** The weight column, or null when unset or empty. */
  default String getWeightCol() {
    if (!isDefined(weightCol())) {
      return null;
    }
    String w = getOrDefault(weightCol());
    return w == null || w.isEmpty() ? null : w;
  }

  /** The value of {@link #regParam()} (its default unless set). */
  default double getRegParam() {
    return (Double) getOrDefault(regParam());
  }

  /** The value of {@link #elasticNetParam()} (its default unless set). */
  default double getElasticNetParam() {
    return (Double) getOrDefault(elasticNetParam());
  }

  /** The value of {@link #maxIter()} (its default unless set). */
  default int getMaxIter() {
    return (Integer) getOrDefault(maxIter());
  }

  /** The value of {@link #tol()} (its default unless set). */
  default double getTol() {
    return (Double) getOrDefault(tol());
  }

  /** The value of {@link #standardization()} (its default unless set). */
  default boolean getStandardization() {
    return (Boolean) getOrDefault(standardization());
  }

  /** The value of {@link #backend()} (its default unless set). */
  default String getBackend() {
    return getOrDefault(backend());
  }

  /** The value of {@link #device()} (its default unless set). */
  default String getDevice() {
    return getOrDefault(device());
  }

  /** The value of {@link #precision()} (its default unless set). */
  default String getPrecision() {
    return getOrDefault(precision());
  }

  /** The value of {@link #verifyEvery()} (its default unless set). */
  default int getVerifyEvery() {
    return (Integer) getOrDefault(verifyEvery());
  }

  /** The value of {@link #optimizer()} (its default unless set). */
  default String getOptimizer() {
    return getOrDefault(optimizer());
  }
}
