package io.descent.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a model was trained, as stored in the model file: enough to reproduce the run (seed,
 * optimizer and its hyperparameters, backend) and to judge it (final objective, why it stopped,
 * how far the fast gradient strayed from the reference).
 *
 * <p>Doubles that are not finite (an objective that diverged, a verification never run) are
 * written to the model file as JSON {@code null} and read back as NaN.
 *
 * @param objective the final full objective (loss plus L2 term) over the training rows; NaN if
 *     unknown
 * @param stopReason why training stopped, e.g. {@code GRADIENT_TOLERANCE}
 * @param iterations parameter updates made, {@code >= 0}
 * @param epochs passes over the data for mini-batch training; 0 for full-batch
 * @param backend the gradient backend that actually ran ("opencl", "nd4j", "reference")
 * @param device the device it ran on, as the backend names it
 * @param precision the arithmetic of the data pass, "float32" or "float64"
 * @param optimizer the update rule with every hyperparameter (its {@code toString()})
 * @param l2 the L2 penalty lambda, finite and {@code >= 0}
 * @param standardized whether features were standardized (false: identity standardization)
 * @param seed the seed of every random choice in the run
 * @param elapsedSeconds wall time of the fit; NaN if unknown
 * @param verification the largest relative gradient error {@code ||g - g_ref|| / ||g_ref||} seen
 *     against the reference backend; NaN if never verified
 * @param rows number of training rows, {@code >= 0}
 * @param hyperparameters further settings by name (learning rate, batch size, ...), in insertion
 *     order; values are String, Boolean, Long or finite Double (other integer and float types are
 *     widened)
 * @param gradientNorm the Euclidean norm of the final full gradient (float64 reference), so that
 *     a fit that stalled shows how far from an optimum it stopped; NaN if unknown
 * @param optimizerSettings the optimizer's {@code name} and every hyperparameter by name (values
 *     as for {@code hyperparameters}); empty when only the {@code optimizer} text is known (model
 *     files written before it was recorded). When present, {@code optimizer} is
 *     {@link #describe describe(optimizerSettings)}.
 * @param l1 the L1 penalty strength, finite and {@code >= 0}; 0 in files without one
 * @param kktViolation the largest violation of the optimality (KKT) condition at the final
 *     weights, absolute (see {@code io.descent.loss.Objective#kktViolation}); recorded with an L1
 *     penalty, NaN otherwise
 * @param nonzeroWeights the number of weights (intercepts excluded, every class's) that are not
 *     exactly zero; recorded with an L1 penalty, -1 otherwise
 */
public record TrainingInfo(double objective, String stopReason, long iterations, long epochs,
    String backend, String device, String precision, String optimizer, double l2,
    boolean standardized, long seed, double elapsedSeconds, double verification, long rows,
    Map<String, Object> hyperparameters, double gradientNorm,
    Map<String, Object> optimizerSettings, double l1, double kktViolation,
    long nonzeroWeights) {

  /** The same without an L1 penalty (l1 0, KKT violation NaN, nonzero count -1). */
  public TrainingInfo(double objective, String stopReason, long iterations, long epochs,
      String backend, String device, String precision, String optimizer, double l2,
      boolean standardized, long seed, double elapsedSeconds, double verification, long rows,
      Map<String, Object> hyperparameters, double gradientNorm,
      Map<String, Object> optimizerSettings) {
    this(objective, stopReason, iterations, epochs, backend, device, precision, optimizer, l2,
        standardized, seed, elapsedSeconds, verification, rows, hyperparameters, gradientNorm,
        optimizerSettings, 0, Double.NaN, -1);
  }

  /** The same without optimizer settings (only its text). */
  public TrainingInfo(double objective, String stopReason, long iterations, long epochs,
      String backend, String device, String precision, String optimizer, double l2,
      boolean standardized, long seed, double elapsedSeconds, double verification, long rows,
      Map<String, Object> hyperparameters, double gradientNorm) {
    this(objective, stopReason, iterations, epochs, backend, device, precision, optimizer, l2,
        standardized, seed, elapsedSeconds, verification, rows, hyperparameters, gradientNorm,
        Map.of());
  }

  /** The same without a gradient norm (NaN). */
  public TrainingInfo(double objective, String stopReason, long iterations, long epochs,
      String backend, String device, String precision, String optimizer, double l2,
      boolean standardized, long seed, double elapsedSeconds, double verification, long rows,
      Map<String, Object> hyperparameters) {
    this(objective, stopReason, iterations, epochs, backend, device, precision, optimizer, l2,
        standardized, seed, elapsedSeconds, verification, rows, hyperparameters, Double.NaN);
  }

  /** Checks the counts and lambda, and copies the hyperparameters into an unmodifiable map. */
  public TrainingInfo {
    Objects.requireNonNull(stopReason, "stopReason");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(optimizer, "optimizer");
    requireNonNegative("iterations", iterations);
    requireNonNegative("epochs", epochs);
    requireNonNegative("rows", rows);
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
    if (!(l1 >= 0) || !Double.isFinite(l1)) {
      throw new IllegalArgumentException("l1 must be finite and >= 0, got " + l1);
    }
    if (kktViolation < 0) {
      throw new IllegalArgumentException("kktViolation must be >= 0 or NaN, got "
          + kktViolation);
    }
    if (nonzeroWeights < -1) {
      throw new IllegalArgumentException("nonzeroWeights must be >= 0 (or -1, unknown), got "
          + nonzeroWeights);
    }
    if (elapsedSeconds < 0) {
      throw new IllegalArgumentException("elapsedSeconds must be >= 0 or NaN, got "
          + elapsedSeconds);
    }
    if (verification < 0) {
      throw new IllegalArgumentException("verification must be >= 0 or NaN, got " + verification);
    }
    if (gradientNorm < 0) {
      throw new IllegalArgumentException("gradientNorm must be >= 0 or NaN, got " + gradientNorm);
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    if (hyperparameters != null) {
      hyperparameters.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "hyperparameter name"),
          normalize(k, v)));
    }
    hyperparameters = Collections.unmodifiableMap(copy);
    Map<String, Object> settings = new LinkedHashMap<>();
    if (optimizerSettings != null) {
      optimizerSettings.forEach((k, v) -> settings.put(
          Objects.requireNonNull(k, "optimizer setting name"), normalize(k, v)));
    }
    optimizerSettings = Collections.unmodifiableMap(settings);
  }

  /**
   * The optimizer's settings as one line: {@code lbfgs with memory=10, c1=1.0E-4, ...}, or the
   * name alone when it has no hyperparameters.
   */
  public static String describe(Map<String, Object> settings) {
    StringBuilder s = new StringBuilder(String.valueOf(settings.get("name")));
    String sep = " with ";
    for (Map.Entry<String, Object> e : settings.entrySet()) {
      if (!e.getKey().equals("name")) {
        s.append(sep).append(e.getKey()).append('=').append(e.getValue());
        sep = ", ";
      }
    }
    return s.toString();
  }

  /**
   * The same with further settings added to (or replacing ones of) the hyperparameters, e.g.
   * what a front end knows about the run that the trainer does not: the data file it read.
   */
  public TrainingInfo withHyperparameters(Map<String, Object> more) {
    Map<String, Object> all = new LinkedHashMap<>(hyperparameters);
    all.putAll(more);
    return new TrainingInfo(objective, stopReason, iterations, epochs, backend, device,
        precision, optimizer, l2, standardized, seed, elapsedSeconds, verification, rows, all,
        gradientNorm, optimizerSettings, l1, kktViolation, nonzeroWeights);
  }

  /**
   * The same with an L1 penalty's figures; with {@code strength} 0 the KKT violation and
   * nonzero count are not recorded (NaN, -1).
   */
  public TrainingInfo withL1(double strength, double violation, long nonzero) {
    boolean on = strength > 0;
    return new TrainingInfo(objective, stopReason, iterations, epochs, backend, device,
        precision, optimizer, l2, standardized, seed, elapsedSeconds, verification, rows,
        hyperparameters, gradientNorm, optimizerSettings, strength,
        on ? violation : Double.NaN, on ? nonzero : -1);
  }

  /** Whether the model was fitted with an L1 penalty. */
  public boolean hasL1() {
    return l1 > 0;
  }

  /** Whether a verification figure was recorded. */
  public boolean verified() {
    return !Double.isNaN(verification);
  }

  private static void requireNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
  }

  private static Object normalize(String name, Object v) {
    if (v instanceof String || v instanceof Boolean || v instanceof Long) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("hyperparameter \"" + name + "\" must be finite, got "
            + d);
      }
      return d;
    }
    throw new IllegalArgumentException("hyperparameter \"" + name + "\" must be a String, Boolean,"
        + " integer or finite floating-point number, got "
        + (v == null ? "null" : v.getClass().getSimpleName()));
  }
}
