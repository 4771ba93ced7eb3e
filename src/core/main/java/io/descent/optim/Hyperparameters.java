package io.descent.optim;

/**
 * Optional hyperparameters for building an optimizer by {@link OptimizerKind}: a null field means
 * "the optimizer's default". A field that the chosen optimizer does not take must be null, so that
 * a mistyped command line fails instead of being ignored; the optimizer's constructor checks each
 * value's range.
 *
 * <p>Start from {@link #defaults()} and set fields with the {@code with...} methods.
 *
 * @param memory L-BFGS: stored correction pairs
 * @param initialStep gradient descent: the first trial step
 * @param momentum momentum and Nesterov: the coefficient mu
 * @param rho RMSProp: decay of the squared-gradient average
 * @param beta1 Adam: decay of the gradient average
 * @param beta2 Adam: decay of the squared-gradient average
 * @param epsilon AdaGrad, RMSProp and Adam: the denominator's guard
 * @param c1 L-BFGS and gradient descent: the line search's sufficient-decrease constant
 * @param c2 L-BFGS: the line search's curvature constant
 * @param lineSearch L-BFGS and gradient descent: function evaluations one line search may spend
 */
public record Hyperparameters(Integer memory, Double initialStep, Double momentum, Double rho,
    Double beta1, Double beta2, Double epsilon, Double c1, Double c2, Integer lineSearch) {
  private static final Hyperparameters DEFAULTS =
      new Hyperparameters(null, null, null, null, null, null, null, null, null, null);

  /** All fields null: every optimizer's defaults. */
  public static Hyperparameters defaults() {
    return DEFAULTS;
  }

  /** A copy with the L-BFGS memory set (null: default). */
  public Hyperparameters withMemory(Integer value) {
    return new Hyperparameters(value, initialStep, momentum, rho, beta1, beta2,
        epsilon, c1, c2, lineSearch);
  }

  /** A copy with gradient descent's initial step set (null: default). */
  public Hyperparameters withInitialStep(Double value) {
    return new Hyperparameters(memory, value, momentum, rho, beta1, beta2,
        epsilon, c1, c2, lineSearch);
  }

  /** A copy with the momentum coefficient set (null: default). */
  public Hyperparameters withMomentum(Double value) {
    return new Hyperparameters(memory, initialStep, value, rho, beta1, beta2,
        epsilon, c1, c2, lineSearch);
  }

  /** A copy with RMSProp's rho set (null: default). */
  public Hyperparameters withRho(Double value) {
    return new Hyperparameters(memory, initialStep, momentum, value, beta1, beta2,
        epsilon, c1, c2, lineSearch);
  }

  /** A copy with Adam's beta1 set (null: default). */
  public Hyperparameters withBeta1(Double value) {
    return new Hyperparameters(memory, initialStep, momentum, rho, value, beta2,
        epsilon, c1, c2, lineSearch);
  }

  /** A copy with Adam's beta2 set (null: default). */
  public Hyperparameters withBeta2(Double value) {
    return new Hyperparameters(memory, initialStep, momentum, rho, beta1, value,
        epsilon, c1, c2, lineSearch);
  }

  /** A copy with epsilon set (null: default). */
  public Hyperparameters withEpsilon(Double value) {
    return new Hyperparameters(memory, initialStep, momentum, rho, beta1, beta2,
        value, c1, c2, lineSearch);
  }

  /** A copy with the sufficient-decrease constant c1 set (null: default). */
  public Hyperparameters withC1(Double value) {
    return new Hyperparameters(memory, initialStep, momentum, rho, beta1, beta2,
        epsilon, value, c2, lineSearch);
  }

  /** A copy with the curvature constant c2 set (null: default). */
  public Hyperparameters withC2(Double value) {
    return new Hyperparameters(memory, initialStep, momentum, rho, beta1, beta2,
        epsilon, c1, value, lineSearch);
  }

  /** A copy with the evaluations per line search set (null: default). */
  public Hyperparameters withLineSearch(Integer value) {
    return new Hyperparameters(memory, initialStep, momentum, rho, beta1, beta2,
        epsilon, c1, c2, value);
  }

  /** The names of the non-null fields, in declaration order. */
  java.util.List<String> given() {
    java.util.List<String> names = new java.util.ArrayList<>();
    if (memory != null) {
      names.add("memory");
    }
    if (initialStep != null) {
      names.add("initialStep");
    }
    if (momentum != null) {
      names.add("momentum");
    }
    if (rho != null) {
      names.add("rho");
    }
    if (beta1 != null) {
      names.add("beta1");
    }
    if (beta2 != null) {
      names.add("beta2");
    }
    if (epsilon != null) {
      names.add("epsilon");
    }
    if (c1 != null) {
      names.add("c1");
    }
    if (c2 != null) {
      names.add("c2");
    }
    if (lineSearch != null) {
      names.add("lineSearch");
    }
    return names;
  }
}
