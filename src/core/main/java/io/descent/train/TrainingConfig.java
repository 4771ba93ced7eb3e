package io.descent.train;

import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import io.descent.optim.FullBatchOptimizer;
import io.descent.optim.LearningRateSchedule;
import io.descent.optim.UpdateRule;
import java.util.Objects;

/**
 * Everything a fit depends on. Exactly one of {@code fullBatch} and {@code updateRule} is set:
 * a full-batch optimizer (L-BFGS, gradient descent) iterates over all rows; an update rule (SGD,
 * momentum, Adam, ...) steps on mini-batches of {@code batchSize} rows reshuffled each epoch.
 *
 * @param loss linear or logistic
 * @param l2 lambda of the {@code (lambda/2)||w||^2} penalty, >= 0
 * @param standardize whether features are standardized (mean 0, population std 1)
 * @param backend auto, opencl, nd4j or reference
 * @param openCl device, kernel layout and precision for the OpenCL backend
 * @param fullBatch the full-batch optimizer, or null
 * @param updateRule the mini-batch update rule, or null
 * @param schedule the learning-rate schedule of the update rule (ignored for full batch)
 * @param learningRate the base learning rate of the update rule
 * @param batchSize rows per mini-batch (ignored for full batch)
 * @param maxIterations cap on full-batch iterations
 * @param maxEpochs cap on mini-batch epochs
 * @param gradientTolerance stop when {@code ||g||_inf <= gradientTolerance * max(1, |J|)} (squared
 *     error: in the target's units, see {@link GradientTest})
 * @param objectiveTolerance stop when {@code |J_prev - J| <= objectiveTolerance * max(|J|, 1e-300)}
 *     (full batch: over one iteration; mini-batch: over one epoch)
 * @param validationFraction rows held out for early stopping, in [0, 0.5]
 * @param patience epochs (or iterations) without validation improvement before stopping
 * @param verifyEvery recompute the gradient with the reference every N steps, 0 = never
 * @param seed the one seed behind every random choice (split, shuffles)
 * @param l1 the L1 strength of the {@code l1 ||w||_1} penalty, >= 0 (elastic net with l2). With
 *     l1 &gt; 0 the full-batch optimizer must be {@link io.descent.optim.OwlQn} (the trainer gives
 *     it the penalty), mini-batch rules take a proximal (soft-threshold) step after each update,
 *     and the gradient tolerance bounds the KKT violation ({@link
 *     io.descent.loss.Objective#kktViolation}) instead of the gradient
 */
public record TrainingConfig(Loss loss, double l2, boolean standardize, String backend,
    OpenClOptions openCl, FullBatchOptimizer fullBatch, UpdateRule updateRule,
    LearningRateSchedule schedule, double learningRate, int batchSize, int maxIterations,
    int maxEpochs, double gradientTolerance, double objectiveTolerance, double validationFraction,
    int patience, int verifyEvery, long seed, double l1) {

  /** The configuration without an L1 penalty (l1 = 0). */
  public TrainingConfig(Loss loss, double l2, boolean standardize, String backend,
      OpenClOptions openCl, FullBatchOptimizer fullBatch, UpdateRule updateRule,
      LearningRateSchedule schedule, double learningRate, int batchSize, int maxIterations,
      int maxEpochs, double gradientTolerance, double objectiveTolerance,
      double validationFraction, int patience, int verifyEvery, long seed) {
    this(loss, l2, standardize, backend, openCl, fullBatch, updateRule, schedule, learningRate,
        batchSize, maxIterations, maxEpochs, gradientTolerance, objectiveTolerance,
        validationFraction, patience, verifyEvery, seed, 0);
  }

  /** Checks every value, with messages naming the value and the rule. */
  public TrainingConfig {
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(backend, "backend");
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
    if (!(l1 >= 0) || !Double.isFinite(l1)) {
      throw new IllegalArgumentException("l1 must be finite and >= 0, got " + l1);
    }
    if (l1 > 0 && fullBatch != null && !(fullBatch instanceof io.descent.optim.OwlQn)) {
      throw new IllegalArgumentException("an L1 penalty needs the owlqn optimizer (or a"
          + " mini-batch rule), not " + fullBatch.name() + ": " + fullBatch.name()
          + " assumes a differentiable objective");
    }
    if ((fullBatch == null) == (updateRule == null)) {
      throw new IllegalArgumentException("exactly one of a full-batch optimizer and an update rule"
          + " must be given");
    }
    if (updateRule != null) {
      Objects.requireNonNull(schedule, "schedule");
      if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
        throw new IllegalArgumentException("learningRate must be finite and > 0, got "
            + learningRate);
      }
      if (batchSize <= 0) {
        throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
      }
    }
    if (maxIterations <= 0) {
      throw new IllegalArgumentException("maxIterations must be > 0, got " + maxIterations);
    }
    if (maxEpochs <= 0) {
      throw new IllegalArgumentException("maxEpochs must be > 0, got " + maxEpochs);
    }
    if (!(gradientTolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0, got "
          + gradientTolerance);
    }
    if (!(objectiveTolerance >= 0)) {
      throw new IllegalArgumentException("objectiveTolerance must be >= 0, got "
          + objectiveTolerance);
    }
    if (!(validationFraction >= 0 && validationFraction <= 0.5)) {
      throw new IllegalArgumentException("validationFraction must be in [0, 0.5], got "
          + validationFraction);
    }
    if (patience <= 0) {
      throw new IllegalArgumentException("patience must be > 0, got " + patience);
    }
    if (verifyEvery < 0) {
      throw new IllegalArgumentException("verifyEvery must be >= 0, got " + verifyEvery);
    }
    if (openCl == null) {
      openCl = OpenClOptions.defaults();
    }
  }

  /** The same configuration with another L1 strength. */
  public TrainingConfig withL1(double strength) {
    return new TrainingConfig(loss, l2, standardize, backend, openCl, fullBatch, updateRule,
        schedule, learningRate, batchSize, maxIterations, maxEpochs, gradientTolerance,
        objectiveTolerance, validationFraction, patience, verifyEvery, seed, strength);
  }

  /** The objective these settings define: the loss with both penalties. */
  public io.descent.loss.Objective objective() {
    return new io.descent.loss.Objective(loss, l2, l1);
  }

  /**
   * The settings a model file records by name after the loss and penalties ({@code
   * training.hyperparameters}): the iteration cap, or a mini-batch fit's learning rate,
   * schedule, batch size and epoch cap; the tolerances; early stopping; verification.
   */
  public java.util.Map<String, Object> runSettings() {
    java.util.Map<String, Object> h = new java.util.LinkedHashMap<>();
    if (isFullBatch()) {
      h.put("maxIterations", maxIterations);
    } else {
      h.put("learningRate", learningRate);
      h.putAll(schedule.settings());
      h.put("batchSize", batchSize);
      h.put("maxEpochs", maxEpochs);
    }
    h.put("gradientTolerance", gradientTolerance);
    h.put("objectiveTolerance", objectiveTolerance);
    h.put("validationFraction", validationFraction);
    h.put("patience", patience);
    h.put("verifyEvery", verifyEvery);
    return h;
  }

  /** True for a full-batch optimizer. */
  public boolean isFullBatch() {
    return fullBatch != null;
  }

  /** The optimizer with its hyperparameters, e.g. for the model file. */
  public String optimizerDescription() {
    return io.descent.model.TrainingInfo.describe(optimizerSettings());
  }

  /**
   * The optimizer's name and every hyperparameter: the rule's own, then for mini-batch fits the
   * base learning rate, the schedule and the batch size.
   */
  public java.util.Map<String, Object> optimizerSettings() {
    if (fullBatch != null) {
      return fullBatch.settings();
    }
    java.util.Map<String, Object> s = new java.util.LinkedHashMap<>(updateRule.settings());
    s.put("learningRate", learningRate);
    s.putAll(schedule.settings());
    s.put("batchSize", batchSize);
    return s;
  }
}
