package io.descent.spark;

/**
 * The setters of {@link DescentParams}, on the estimators only: a model's parameters are those
 * its fit used (a model's {@code setRegParam} was accepted and changed nothing, where MLlib's
 * models have no such setter).
 *
 * @param <T> the implementing class, returned by the setters
 */
public interface DescentEstimatorParams<T extends DescentEstimatorParams<T>>
    extends DescentParams {
  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  /** Sets {@link #weightCol()}; returns this stage. */
  default T setWeightCol(String value) {
    set(weightCol(), value);
    return self();
  }

  /** Sets {@link #regParam()}; returns this stage. */
  default T setRegParam(double value) {
    set(regParam(), value);
    return self();
  }

  /** Sets {@link #elasticNetParam()}; returns this stage. */
  default T setElasticNetParam(double value) {
    set(elasticNetParam(), value);
    return self();
  }

  /** Sets {@link #maxIter()}; returns this stage. */
  default T setMaxIter(int value) {
    set(maxIter(), value);
    return self();
  }

  /** Sets {@link #tol()}; returns this stage. */
  default T setTol(double value) {
    set(tol(), value);
    return self();
  }

  /** Sets {@link #standardization()}; returns this stage. */
  default T setStandardization(boolean value) {
    set(standardization(), value);
    return self();
  }

  /** Sets {@link #backend()}; returns this stage. */
  default T setBackend(String value) {
    set(backend(), value);
    return self();
  }

  /** Sets {@link #device()}; returns this stage. */
  default T setDevice(String value) {
    set(device(), value);
    return self();
  }

  /** Sets {@link #precision()}; returns this stage. */
  default T setPrecision(String value) {
    set(precision(), value);
    return self();
  }

  /** Sets {@link #verifyEvery()}; returns this stage. */
  default T setVerifyEvery(int value) {
    set(verifyEvery(), value);
    return self();
  }

  /** Sets {@link #optimizer()}; returns this stage. */
  default T setOptimizer(String value) {
    set(optimizer(), value);
    return self();
  }
}
