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
   * forms the moments costs {@code n d^2 / 2} float64 multiply-adds, against about {@code n d}
   * values read by one memory-bound gradient pass; each later evaluation then costs {@code ~d^2
   * K} flops on the host and reads no row. So the moments cost about {@code d / (2 r)} gradient
   * passes, r being the device's float64 multiply-add rate over the rate at which a pass reads
   * values. Measured on a 2-core EPYC (AVX2) under PoCL, shared with other builds (medians of
   * repeated runs, the register-tiled {@code moments.cl}): at d = 64, 200,000 rows take 70 ms
   * (a float32 pass 6 to 13 ms) and 1,000,000 rows 0.3 to 0.45 s (a pass 13 to 25 ms), about
   * 15 passes; at d = 256 and 200,000 rows 0.6 to 0.8 s against a 27 to 42 ms pass, about 20 to
   * 30 passes. A linear L-BFGS fit takes 40 to 50 evaluations (1M x 64: 40 on the moments, 48
   * by passes), so up to 256 features the moments are repaid within one fit on that CPU. On a
   * GPU with strong float64 (an H200: 34 Tflop/s against 4.8 TB/s, r ~ 14, estimated, not
   * measured) they cost about {@code d / 28} passes. The moments are also repaid by the
   * float64 finish a float32 fit often needs and by the fits that reuse the moments (every
   * model of a cross-validation); the host holds {@code (d + 2)^2 / 2} doubles (260 KiB) and an
   * evaluation is a 65 kflop matrix-vector product. Spark's "normal" solver allows 4096
   * features, but it solves the system once by Cholesky on the driver after a distributed pass;
   * here the pass's cost grows as {@code d^2} per row on one device, so the break-even comes
   * sooner. Larger d runs the normal equations only when asked ({@link #NORMAL}).
   */
  public static final int NORMAL_MAX_FEATURES = 256;

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
