package io.descent.train;

import io.descent.gradient.BackendInfo;
import io.descent.model.LinearModel;
import io.descent.model.TrainingInfo;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a fit.
 *
 * @param model the fitted model (for DIVERGED, the last finite parameters)
 * @param stopReason why training stopped
 * @param message a sentence for the user: the stop reason, with advice where it failed
 * @param iterations full-batch iterations, or mini-batch update steps
 * @param epochs epochs (0 for full batch)
 * @param evaluations loss-and-gradient evaluations by the backend
 * @param backend what computed the gradients
 * @param optimizer the optimizer with its hyperparameters
 * @param objective the final full training objective, recomputed by the float64 reference
 * @param gradientNorm the Euclidean norm of the final full gradient (reference)
 * @param elapsedSeconds wall time of the fit, data loading excluded
 * @param verification the largest verification error seen, NaN when never verified
 * @param seed the seed used
 * @param trainingRows rows the model was fitted on (validation rows excluded)
 * @param history one entry per iteration or epoch
 * @param l2 the L2 penalty lambda
 * @param standardized whether features were standardized
 * @param hyperparameters every setting of the run by name, for the model file
 * @param validationRows the rows of the given data held out for validation by a validation
 *     fraction, in increasing order; empty without one (or with an explicit validation set)
 * @param notices the one-line notices of the run, as the listener received them (a skipped or
 *     failed backend, a float64 finish unavailable on the device, ...)
 * @param optimizerSettings the optimizer's name and every hyperparameter (see
 *     {@link TrainingConfig#optimizerSettings()}); {@code optimizer} is their one-line text
 * @param l1 the L1 penalty strength (0 without one)
 * @param kktViolation the largest violation of the optimality (KKT) condition at the final
 *     weights, absolute, by the float64 reference ({@link
 *     io.descent.loss.Objective#kktViolation}); without an L1 penalty the gradient's max-norm
 * @param nonzero the number of weights (intercepts excluded; every class's for a multinomial
 *     model) that are not exactly zero
 */
public record FitResult(LinearModel model, StopReason stopReason, String message, int iterations,
    int epochs, long evaluations, BackendInfo backend, String optimizer, double objective,
    double gradientNorm, double elapsedSeconds, double verification, long seed,
    int trainingRows, List<Progress> history, double l2, boolean standardized,
    Map<String, Object> hyperparameters, int[] validationRows, List<String> notices,
    Map<String, Object> optimizerSettings, double l1, double kktViolation, int nonzero) {

  /** A result without an L1 penalty, its KKT violation unknown (NaN), nonzero count -1. */
  public FitResult(LinearModel model, StopReason stopReason, String message, int iterations,
      int epochs, long evaluations, BackendInfo backend, String optimizer, double objective,
      double gradientNorm, double elapsedSeconds, double verification, long seed,
      int trainingRows, List<Progress> history, double l2, boolean standardized,
      Map<String, Object> hyperparameters, int[] validationRows, List<String> notices,
      Map<String, Object> optimizerSettings) {
    this(model, stopReason, message, iterations, epochs, evaluations, backend, optimizer,
        objective, gradientNorm, elapsedSeconds, verification, seed, trainingRows, history, l2,
        standardized, hyperparameters, validationRows, notices, optimizerSettings, 0, Double.NaN,
        -1);
  }

  /**
   * Copies the arrays, lists and maps (the hyperparameters too: handed out as they were, a
   * caller's edit showed in {@link #trainingInfo()} and so in a model file, under a valid
   * checksum).
   */
  public FitResult {
    hyperparameters = hyperparameters == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hyperparameters));
    validationRows = validationRows == null ? new int[0] : validationRows.clone();
    notices = notices == null ? List.of() : List.copyOf(notices);
    optimizerSettings = optimizerSettings == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(optimizerSettings));
  }

  /** The rows held out for validation (a copy). */
  @Override
  public int[] validationRows() {
    return validationRows.clone();
  }

  /** The same result with the given held-out rows and notices. */
  FitResult with(int[] heldOut, List<String> runNotices) {
    return new FitResult(model, stopReason, message, iterations, epochs, evaluations, backend,
        optimizer, objective, gradientNorm, elapsedSeconds, verification, seed, trainingRows,
        history, l2, standardized, hyperparameters, heldOut, runNotices, optimizerSettings, l1,
        kktViolation, nonzero);
  }

  /**
   * The same result with further settings added to (or replacing ones of) the hyperparameters:
   * what the caller knows about the run that the trainer does not (the class weights asked for).
   */
  public FitResult withHyperparameters(Map<String, Object> more) {
    Map<String, Object> all = new java.util.LinkedHashMap<>(hyperparameters);
    all.putAll(more);
    return new FitResult(model, stopReason, message, iterations, epochs, evaluations, backend,
        optimizer, objective, gradientNorm, elapsedSeconds, verification, seed, trainingRows,
        history, l2, standardized, all, validationRows, notices, optimizerSettings, l1,
        kktViolation, nonzero);
  }

  /** What the model file records about this run. */
  public TrainingInfo trainingInfo() {
    return new TrainingInfo(objective, stopReason.label(), iterations, epochs,
        backend.kind().label(), backend.device(), backend.precision(), optimizer, l2,
        standardized, seed, elapsedSeconds, verification, trainingRows, hyperparameters,
        gradientNorm, optimizerSettings).withL1(l1, kktViolation, nonzero);
  }

  /**
   * The number of features the model uses: those with a nonzero weight (for a multinomial or
   * one-vs-rest model, in any class).
   */
  public int featuresInUse() {
    return model.featuresInUse();
  }

  /** True when the model solves the problem (see {@link StopReason#converged()}). */
  public boolean converged() {
    return stopReason.converged();
  }
}
