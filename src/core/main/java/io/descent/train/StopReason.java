package io.descent.train;

/**
 * Why training stopped. Only {@link #GRADIENT_TOLERANCE}, {@link #OBJECTIVE_TOLERANCE}, {@link
 * #PRECISION_LIMIT} and {@link #EARLY_STOPPING} are a usable fit ({@link #converged()}); the
 * first three are given only when the gradient test holds in float64 at the final weights on the
 * full training data ({@code max |g_j| <= tolerance * max(1, |objective|)}; for squared error
 * scaled by the target's standard deviation, see {@link GradientTest}).
 */
public enum StopReason {
  /** The gradient test holds. */
  GRADIENT_TOLERANCE("converged: gradient norm below tolerance", true),
  /** The objective changed by less than the relative tolerance, and the gradient test holds. */
  OBJECTIVE_TOLERANCE("converged: objective change below tolerance", true),
  /**
   * The line search found no decrease at the precision of the arithmetic, and the gradient test
   * holds.
   */
  PRECISION_LIMIT("converged: no further decrease at the backend's precision", true),
  /** The validation loss stopped improving for {@code patience} epochs; the best model is kept. */
  EARLY_STOPPING("stopped early: validation loss no longer improving", true),
  /**
   * The objective no longer improves (its relative change, the best mini-batch epoch, or the
   * line search say so) but the gradient test does not hold: not a solution of the problem. The
   * model is still usable as the best found; the message gives the gradient figures.
   */
  STALLED("stalled: objective no longer improving, gradient above tolerance", false),
  /** The iteration or epoch cap was reached before convergence. */
  MAX_ITERATIONS("stopped at the iteration cap before converging", false),
  /** Unpenalized logistic regression on separable classes: there is no finite optimum. */
  SEPARABLE("no finite optimum: the classes are separable; add a penalty with l2(...)", false),
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

  /**
   * True when the fit is usable as a solution of the problem: converged by the gradient test,
   * or stopped early on validation loss (not a stall, cap, failure or stop).
   */
  public boolean converged() {
    return converged;
  }

  /** The lower-case name used in model files and history, e.g. "gradient_tolerance". */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
