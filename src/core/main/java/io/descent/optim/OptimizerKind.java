package io.descent.optim;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The optimizers by their command-line names, with factories that build them from optional
 * {@link Hyperparameters}.
 *
 * <p>Full-batch kinds ({@link #isFullBatch()}) build a {@link FullBatchOptimizer}; the others
 * build a mini-batch {@link UpdateRule}.
 */
public enum OptimizerKind {
  /** {@link Lbfgs}, the default; takes memory, c1, c2 and lineSearch. */
  LBFGS(Lbfgs.NAME, true, "memory", "c1", "c2", "lineSearch"),
  /** {@link GradientDescent}; takes initialStep, c1 and lineSearch. */
  GD(GradientDescent.NAME, true, "initialStep", "c1", "lineSearch"),
  /**
   * {@link OwlQn}, the default with an L1 penalty (the trainer gives it the penalty); takes
   * memory, c1 and lineSearch.
   */
  OWLQN(OwlQn.NAME, true, "memory", "c1", "lineSearch"),
  /** {@link Sgd}; takes no hyperparameter. */
  SGD(Sgd.NAME, false),
  /** {@link Momentum}; takes momentum. */
  MOMENTUM(Momentum.NAME, false, "momentum"),
  /** {@link Nesterov}; takes momentum. */
  NESTEROV(Nesterov.NAME, false, "momentum"),
  /** {@link AdaGrad}; takes epsilon. */
  ADAGRAD(AdaGrad.NAME, false, "epsilon"),
  /** {@link RmsProp}; takes rho and epsilon. */
  RMSPROP(RmsProp.NAME, false, "rho", "epsilon"),
  /** {@link Adam}; takes beta1, beta2 and epsilon. */
  ADAM(Adam.NAME, false, "beta1", "beta2", "epsilon");

  private final String label;
  private final boolean fullBatch;
  private final List<String> takes;

  OptimizerKind(String label, boolean fullBatch, String... takes) {
    this.label = label;
    this.fullBatch = fullBatch;
    this.takes = List.of(takes);
  }

  /** The command-line name: "lbfgs", "gd", "sgd", "momentum", ... */
  public String label() {
    return label;
  }

  /** True for optimizers that use the whole dataset per iteration (L-BFGS, GD). */
  public boolean isFullBatch() {
    return fullBatch;
  }

  /** The names of the {@link Hyperparameters} fields this optimizer takes. */
  public List<String> hyperparameters() {
    return takes;
  }

  /**
   * The kind with the given label, ignoring case.
   *
   * @throws IllegalArgumentException naming the valid labels when there is none
   */
  public static OptimizerKind fromLabel(String label) {
    for (OptimizerKind k : values()) {
      if (k.label.equalsIgnoreCase(label.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown optimizer \"" + label + "\", expected one of "
        + Arrays.stream(values()).map(OptimizerKind::label).collect(Collectors.joining(", ")));
  }

  /**
   * Builds the full-batch optimizer of this kind.
   *
   * @param h hyperparameters, null fields meaning defaults
   * @throws IllegalStateException when this kind is a mini-batch rule
   * @throws IllegalArgumentException when h sets a field this kind does not take, or a value is
   *     out of range
   */
  public FullBatchOptimizer fullBatch(Hyperparameters h) {
    if (!fullBatch) {
      throw new IllegalStateException(label + " is a mini-batch rule; use updateRule()");
    }
    checkApplies(h);
    if (h.lineSearch() != null && h.lineSearch() < 1) {
      throw new IllegalArgumentException("a line search needs at least 1 evaluation, got "
          + h.lineSearch());
    }
    return switch (this) {
      case LBFGS -> new Lbfgs(h.memory() == null ? Lbfgs.DEFAULT_MEMORY : h.memory(),
          or(h.c1(), Lbfgs.C1), or(h.c2(), Lbfgs.C2),
          h.lineSearch() == null ? Lbfgs.MAX_LINE_SEARCH_EVALUATIONS : h.lineSearch());
      case GD -> new GradientDescent(
          or(h.initialStep(), GradientDescent.DEFAULT_INITIAL_STEP),
          or(h.c1(), GradientDescent.C1),
          h.lineSearch() == null ? GradientDescent.MAX_HALVINGS : h.lineSearch() - 1);
      case OWLQN -> new OwlQn(h.memory() == null ? OwlQn.DEFAULT_MEMORY : h.memory(),
          or(h.c1(), OwlQn.C1),
          h.lineSearch() == null ? OwlQn.MAX_LINE_SEARCH_EVALUATIONS : h.lineSearch());
      default -> throw new AssertionError(this);
    };
  }

  /**
   * Builds the mini-batch update rule of this kind.
   *
   * @param h hyperparameters, null fields meaning defaults
   * @throws IllegalStateException when this kind is a full-batch optimizer
   * @throws IllegalArgumentException when h sets a field this kind does not take, or a value is
   *     out of range
   */
  public UpdateRule updateRule(Hyperparameters h) {
    if (fullBatch) {
      throw new IllegalStateException(label + " is a full-batch optimizer; use fullBatch()");
    }
    checkApplies(h);
    return switch (this) {
      case SGD -> new Sgd();
      case MOMENTUM -> new Momentum(or(h.momentum(), Momentum.DEFAULT_MOMENTUM));
      case NESTEROV -> new Nesterov(or(h.momentum(), Nesterov.DEFAULT_MOMENTUM));
      case ADAGRAD -> new AdaGrad(or(h.epsilon(), AdaGrad.DEFAULT_EPSILON));
      case RMSPROP -> new RmsProp(or(h.rho(), RmsProp.DEFAULT_RHO),
          or(h.epsilon(), RmsProp.DEFAULT_EPSILON));
      case ADAM -> new Adam(or(h.beta1(), Adam.DEFAULT_BETA1), or(h.beta2(), Adam.DEFAULT_BETA2),
          or(h.epsilon(), Adam.DEFAULT_EPSILON));
      default -> throw new AssertionError(this);
    };
  }

  private void checkApplies(Hyperparameters h) {
    java.util.Objects.requireNonNull(h, "hyperparameters");
    for (String name : h.given()) {
      if (!takes.contains(name)) {
        throw new IllegalArgumentException(name + " does not apply to " + label + " ("
            + (takes.isEmpty() ? "it has no hyperparameters of its own, only the learning"
                + " rate, batch size and schedule of every mini-batch rule" : "it takes "
                + String.join(", ", takes)) + ")");
      }
    }
  }

  private static double or(Double value, double fallback) {
    return value == null ? fallback : value;
  }
}
