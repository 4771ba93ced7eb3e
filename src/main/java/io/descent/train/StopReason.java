package io.descent.train;

/** Why training stopped. Only the first four are a converged fit. */
public enum StopReason {
  /** The gradient norm fell below the tolerance. */
  GRADIENT_TOLERANCE("converged: gradient norm below tolerance", true),
  /** The objective changed by less than the relative tolerance. */
  OBJECTIVE_TOLERANCE("converged: objective change below tolerance", true),
  /**
   * The line search found no decrease: the objective is at the precision of the backend's
   * arithmetic (float32 sums), which is the optimum to that precision.
   */
  PRECISION_LIMIT("converged: no further decrease at the backend's precision", true),
  /** The validation loss stopped improving for {@code patience} epochs; the best model is kept. */
  EARLY_STOPPING("stopped early: validation loss no longer improving", true),
  /** The iteration or epoch cap was reached before convergence. */
  MAX_ITERATIONS("stopped at the iteration cap before converging", false),
  /** Unpenalized logistic regression on separable classes: there is no finite optimum. */
  SEPARABLE("no finite optimum: the classes are separable; add --l2", false),
  /** The objective became NaN/Inf or kept growing. */
  DIVERGED("diverged", false),
  /** Interrupted by the user (SIGINT). */
  INTERRUPTED("interrupted", false);

  private final String description;
  private final boolean converged;

  StopReason(String description, boolean converged) {
    this.description = description;
    this.converged = converged;
  }

  /** A sentence for the user. */
  public String description() {
    return description;
  }

  /** True when the fit is usable as a solution of the problem (not a cap, failure or stop). */
  public boolean converged() {
    return converged;
  }

  /** The lower-case name used in model files and history, e.g. "gradient_tolerance". */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
