package io.descent.optim;

/**
 * OWL-QN without a penalty honours the full-batch contract: it is then L-BFGS with a
 * backtracking line search, so it must solve the smooth problems L-BFGS solves (the ridge optimum
 * of diabetes, ill-conditioned quadratics), fail gracefully and never raise the value.
 */
class OwlQnContractTest extends FullBatchOptimizerContractTest {
  @Override
  protected FullBatchOptimizer optimizer() {
    return new OwlQn();
  }

  @Override
  protected double illConditionedKappa() {
    return 1e4;
  }

  @Override
  protected double quadraticTolerance() {
    return 1e-10;
  }

  @Override
  protected double diabetesTolerance() {
    return 1e-10;
  }

  @Override
  protected int maxIterations() {
    return 2000;
  }
}
