package io.descent.train;

import io.descent.data.Shuffle;
import io.descent.gradient.Batch;
import io.descent.gradient.Evaluation;
import io.descent.loss.Objective;
import io.descent.optim.Point;
import io.descent.optim.UpdateRule;
import io.descent.train.StoppingRules.Stop;
import java.util.Locale;

/**
 * The mini-batch regime: epochs of shuffled batches, one update per batch, and after each epoch
 * the full objective, against the gradient norm, the cap, divergence, separation, early stopping
 * and the stall rule. It keeps the best epoch's parameters for the stops that go back to them.
 *
 * <p>With an L1 penalty each update is followed by a proximal step on the weights (intercepts
 * free): the soft threshold {@code w_j <- sign(w_j) max(0, |w_j| - t_j l1)}, with {@code t_j}
 * the rule's effective step for that coordinate in the update ({@link
 * UpdateRule#effectiveStep}): proximal stochastic gradient, whose weights reach exact zeros.
 */
final class MiniBatchLoop {
  private final Fit fit;

  MiniBatchLoop(Fit fit) {
    this.fit = fit;
  }

  void run() {
    TrainingConfig config = fit.config;
    int rows = fit.rows;
    UpdateRule rule = config.updateRule();
    rule.reset(fit.theta.length);
    Shuffle shuffle = new Shuffle(rows, config.seed());
    Point p = fit.fullWithL1(fit.theta);
    if (fit.apply(StoppingRules.Divergence.atStart(p.value(), fit.standardized()))) {
      return;
    }
    fit.initialObjective = Math.abs(p.value());
    fit.record(p, 0, 0);
    StoppingRules.GradientNorm gradientNorm = fit.gradientNorm();
    StoppingRules.Cap cap = StoppingRules.Cap.epochs(config);
    // The constant model's objective: a cold start's own; a warm start's costs one pass.
    double constant = fit.warmStart() ? fit.fullWithL1(fit.constantModel()).value() : p.value();
    StoppingRules.Divergence divergence = new StoppingRules.Divergence(p.value(), constant);
    StoppingRules.Stall stall = new StoppingRules.Stall(config.objectiveTolerance(), p.value());
    double start = p.value();
    double lowestEnd = Double.POSITIVE_INFINITY;
    double rate = 0;
    double[] lastFinite = fit.theta.clone();
    double[] best = fit.theta.clone();
    double bestObjective = p.value();
    int bestEpoch = 0;
    while (true) {
      if (gradientNorm.holds(p) || fit.warmStartConverged()) {
        fit.stopSettled(StopReason.GRADIENT_TOLERANCE, null);
        return;
      }
      if (fit.interruptRequested()) {
        fit.apply(Stop.keeping(best, StopReason.INTERRUPTED, String.format(Locale.ROOT,
            "interrupted at epoch %d, step %d; the best model so far has objective %.10g",
            fit.epochs, fit.iterations, bestObjective)));
        return;
      }
      double last = p.value();
      double lowest = bestObjective;
      int lowestEpoch = bestEpoch;
      if (fit.apply(cap.check(fit.epochs, () -> fit.quasiSeparationHint()
          + (fit.rateAtFloor ? "; but " + Fit.RATE_AT_FLOOR + " instead" : "")
          + lastEpochNote(last, lowest, lowestEpoch, fit.float32())))) {
        return;
      }
      int[] order = shuffle.nextEpoch();
      for (int from = 0; from < rows; from += config.batchSize()) {
        Batch batch = new Batch(order, from, Math.min(rows, from + config.batchSize()));
        Evaluation e = fit.evaluate(fit.theta, batch);
        fit.evaluations++;
        if (fit.verificationDue()) {
          fit.verifier.verify(fit.iterations, fit.theta, batch, e);
        }
        double[] g = e.gradient().clone();
        unbias(g, batch);
        fit.objective.addPenaltyGradient(fit.theta, g, fit.parameters);
        rate = config.schedule().rate(config.learningRate(), fit.epochs, fit.iterations);
        rule.update(fit.theta, g, rate);
        softThreshold(rule, rate);
        fit.iterations++;
        fit.listener.step(fit.epochs, Math.min(rows, from + config.batchSize()), rows);
        if (fit.interruptRequested()) {
          break;
        }
      }
      fit.epochs++;
      fit.rateAtFloor = rate <= io.descent.optim.LearningRateSchedule.MIN_RATE;
      if (fit.apply(StoppingRules.Divergence.parameters(fit.theta, lastFinite, fit.epochs,
          rate, fit.penalized(), fit.standardized()))) {
        return;
      }
      p = fit.fullWithL1(fit.theta);
      if (fit.apply(StoppingRules.Divergence.objective(p.value(), lastFinite, fit.epochs,
          rate, fit.penalized(), fit.standardized()))) {
        return;
      }
      lastFinite = fit.theta.clone();
      lowestEnd = Math.min(lowestEnd, p.value());
      if (p.value() < bestObjective) {
        bestObjective = p.value();
        best = fit.theta.clone();
        bestEpoch = fit.epochs;
      }
      fit.record(p, rate, fit.epochs);
      if (fit.apply(divergence.growth(p.value(), best, fit.epochs, rate, fit.penalized(),
          fit.standardized()))
          || fit.separableOrEarlyStop(p.value(), fit.epochs)) {
        return;
      }
      Stop stalled = stall.check(p.value(), best);
      if (stalled != null) {
        Stop never = StoppingRules.Divergence.neverImproved(start, lowestEnd, constant,
            fit.epochs, rate, fit.penalized(), fit.standardized());
        fit.apply(never != null ? never : stalled);
        return;
      }
    }
  }

  /**
   * At the cap, where an earlier epoch's objective was lower than the last one's: that the model
   * is the last epoch's, and the best's figures (a stall, Ctrl-C and early stopping keep the
   * best; the cap, as scikit-learn's and Spark's, the last). Epoch objectives a float32 backend
   * computed are named so, and none is noted where the two lie within float32's rounding (a
   * relative {@value #FLOAT32_NOISE}): an "epoch 4's was 0.1707859709" against 0.1707859710
   * said nothing, and could lie below the exact optimum.
   */
  static String lastEpochNote(double last, double best, int bestEpoch, boolean float32) {
    if (!(best < last) || float32 && last - best <= FLOAT32_NOISE * Math.abs(last)) {
      return "";
    }
    return String.format(Locale.ROOT, "; the model is the last epoch's (%sobjective %.10g; epoch"
        + " %d's was %.10g)", float32 ? "float32 " : "", last, bestEpoch, best);
  }

  /** The relative difference of two float32 epoch objectives that rounding may make. */
  static final double FLOAT32_NOISE = 1e-6;

  /** The proximal step of the L1 penalty after an update (nothing without one). */
  private void softThreshold(UpdateRule rule, double rate) {
    double l1 = fit.objective.l1();
    if (l1 == 0) {
      return;
    }
    double[] theta = fit.theta;
    for (int j = 0; j < theta.length; j++) {
      if (!Objective.penalized(j, fit.parameters)) {
        continue;
      }
      double t = rule.effectiveStep(j, rate) * l1;
      double w = theta[j];
      theta[j] = Math.abs(w) <= t ? 0 : w - Math.copySign(t, w);
    }
  }

  /**
   * With row weights, turns a batch's data gradient (its weighted mean, {@code sum_B s_i g_i /
   * sum_B s_i}) into an unbiased estimate of the full one, {@code (n / S) (1/|B|) sum_B s_i
   * g_i} with S the total weight: the batch's own normalization would weigh a batch of light
   * rows as much as one of heavy rows, and lead the fit to another point than the weighted
   * optimum (with batches of one row, to the unweighted one). Unweighted, nothing changes.
   */
  private void unbias(double[] g, Batch batch) {
    double[] weights = fit.train.weights();
    if (weights == null) {
      return;
    }
    double batchWeight = 0;
    for (int b = 0; b < batch.size(); b++) {
      batchWeight += weights[batch.row(b)];
    }
    double factor = batchWeight * fit.rows / (batch.size() * fit.totalWeight);
    for (int j = 0; j < g.length; j++) {
      g[j] *= factor;
    }
  }
}
