package io.descent.train;

import io.descent.loss.Loss;
import java.util.Locale;

/**
 * How a linear (squared-error) fit evaluates its objective: from the rows' second moments,
 * computed once in one pass on the backend's device and then evaluated on the host for every
 * iteration (the normal equations, {@link io.descent.gradient.GramBackend}), or with one pass
 * over the data per evaluation. The optimizer is the same either way (any full-batch one).
 */
public enum Solver {
  /**
   * The normal equations for a linear fit by a full-batch optimizer with at most {@link
   * #NORMAL_MAX_FEATURES} features and more rows than features, on a backend that computes
   * moments; passes otherwise.
   */
  AUTO,
  /** The normal equations; only for the linear loss with a full-batch optimizer. */
  NORMAL,
  /** One pass over the data per evaluation (the only way for the other losses and mini-batches). */
  PASSES;

  /** The name of the solver unless one is chosen: {@value}. */
  public static final String DEFAULT_LABEL = "auto";

  /** The solver unless one is chosen ({@link #DEFAULT_LABEL}). */
  public static final Solver DEFAULT = fromLabel(DEFAULT_LABEL);

  /**
   * The most features {@link #AUTO} takes the normal equations for: {@value}. The one pass that
   * forms the moments costs about {@code n d^2} flops, against {@code 2 n d} for one gradient
   * pass, and reads the rows once; each later evaluation costs {@code ~d^2 K} flops on the host
   * and reads no row. A gradient pass is bound by memory bandwidth (4 bytes of a row per 2
   * flops) while the moments are bound by float64 arithmetic (about 10-20 flops per byte read
   * on the CPUs and GPUs this runs on), so the moments cost about {@code d / 20} to {@code
   * d / 10} gradient passes: at 512 features some 25 to 50, about what one L-BFGS fit evaluates
   * (and a path or a cross-validation reuses the same moments for every fit). The host then holds
   * {@code (d + 2)^2 / 2} doubles (1 MiB at 512) and each evaluation is a 0.5 Mflop matrix-vector
   * product. Spark's "normal" solver allows 4096 features, but it solves the system once by
   * Cholesky on the driver; here the moments' one pass grows as {@code d^2} per row and every
   * iteration costs {@code d^2}, so the break-even comes sooner.
   */
  public static final int NORMAL_MAX_FEATURES = 512;

  /** The lower-case name: auto, normal, passes. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The solver of a name.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static Solver fromLabel(String label) {
    for (Solver s : values()) {
      if (s.label().equalsIgnoreCase(label.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown solver \"" + label
        + "\": expected auto, normal or passes");
  }

  /**
   * Whether a fit takes the normal equations: {@link #NORMAL} always, {@link #AUTO} for at most
   * {@link #NORMAL_MAX_FEATURES} features and more rows than features.
   *
   * @throws IllegalArgumentException when {@link #NORMAL} is asked for a loss other than linear
   *     or for a mini-batch optimizer
   */
  public boolean normalFor(Loss loss, boolean fullBatch, int rows, int features) {
    if (this == NORMAL && (loss != Loss.LINEAR || !fullBatch)) {
      throw new IllegalArgumentException("the normal-equations solver fits the linear loss with"
          + " a full-batch optimizer, not " + loss.label() + (fullBatch ? "" : " on mini-batches"));
    }
    return switch (this) {
      case NORMAL -> true;
      case PASSES -> false;
      case AUTO -> loss == Loss.LINEAR && fullBatch && features <= NORMAL_MAX_FEATURES
          && rows > features;
    };
  }
}
