package io.descent.train;

import io.descent.gradient.Batch;
import io.descent.gradient.Evaluation;
import io.descent.optim.DifferentiableFunction;
import io.descent.loss.Objective;
import io.descent.optim.FullBatchOptimizer;
import io.descent.optim.OwlQn;
import io.descent.optim.Iteration;
import io.descent.optim.Point;
import io.descent.train.StoppingRules.Stop;
import java.util.Locale;

/**
 * The full-batch regime: one optimizer iteration per step over the whole training set, until
 * the gradient norm, the objective's change, the precision limit, the cap, divergence,
 * separation or early stopping ends it; a float32 fit about to stop short of the gradient test in
 * float64 first goes on in float64 (the float64 finish). With an L1 penalty the optimizer is
 * {@link OwlQn}, given the penalty here (every weight, no intercept), and the gradient test
 * bounds the KKT violation; the float64 finish is the same.
 */
final class FullBatchLoop {
  private final Fit fit;

  /**
   * What a float32 backend adds where the objective is not finite at the start, which the
   * float64 reference's checks of the data (finite values, a target whose squares stay in
   * float64's range) did not catch: float32's range, 3.4e38, is what was left (a linear target
   * of 1e30 on OpenCL's float32 passes: "not finite at the starting point (value NaN)", naming
   * no cause): {@value}.
   */
  static final String FLOAT32_START = " on a float32 backend: a value, or a square of one, past"
      + " float32's range (3.4e38; a linear target from about 1e19 on); rescale the data, or fit"
      + " it in float64 (solver(\"normal\") for a linear target, precision(\"double\"),"
      + " backend(\"nd4j\") or backend(\"reference\"))";

  FullBatchLoop(Fit fit) {
    this.fit = fit;
  }

  void run() {
    FullBatchOptimizer optimizer = fit.config.fullBatch();
    if (optimizer instanceof OwlQn owlqn) {
      int parameters = fit.parameters;
      owlqn = owlqn.withPenalty(fit.objective.l1(), j -> Objective.penalized(j, parameters));
      var move = SoftmaxMoves.of(fit.objective, fit.columns.classes(), parameters);
      optimizer = move == null ? owlqn : owlqn.withMove(move);
    }
    DifferentiableFunction f = fit::full;
    FullBatchOptimizer.Run run;
    try {
      run = optimizer.start(fit.float32() ? f.withRelativeNoise(Trainer.FLOAT32_NOISE) : f,
          fit.theta);
    } catch (IllegalArgumentException e) {
      throw fit.float32() ? new IllegalArgumentException(e.getMessage() + FLOAT32_START, e) : e;
    }
    Point p = run.current();
    fit.theta = p.x().clone();
    if (fit.apply(StoppingRules.Divergence.atStart(p.value(), fit.standardized()))) {
      return;
    }
    fit.initialObjective = Math.abs(p.value());
    fit.record(p, 0, 0);
    StoppingRules.GradientNorm gradientNorm = fit.gradientNorm();
    StoppingRules.Cap cap = StoppingRules.Cap.iterations(fit.config);
    StoppingRules.ObjectiveChange change =
        new StoppingRules.ObjectiveChange(fit.config.objectiveTolerance(), p.value());
    boolean moved = false;
    while (true) {
      StopReason settled = null;
      if (gradientNorm.holds(p) || fit.warmStartConverged()) {
        settled = StopReason.GRADIENT_TOLERANCE;
      } else {
        if (fit.interruptRequested()) {
          fit.stop(StopReason.INTERRUPTED, String.format(Locale.ROOT, "interrupted at iteration"
              + " %d (objective %.10g)", fit.iterations, p.value()));
          return;
        }
        if (fit.apply(cap.check(fit.iterations, fit::quasiSeparationHint))) {
          return;
        }
        if (fit.verificationDue()) {
          Evaluation fresh = fit.evaluate(fit.theta, Batch.all(fit.rows));
          fit.evaluations++;
          fit.verifyFull(fresh);
        }
        Iteration it = run.iterate();
        fit.iterations++;
        moved |= !it.lineSearchFailed();
        p = it.point();
        if (fit.apply(StoppingRules.Divergence.afterIteration(p.value(), fit.iterations,
            fit.penalized(), fit.standardized()))) {
          return;
        }
        fit.theta = p.x().clone();
        fit.record(p, it.stepSize(), 0);
        if (fit.separableOrEarlyStop(p.value(), fit.iterations)) {
          return;
        }
        boolean small = change.met(p.value());
        if (it.lineSearchFailed()) {
          settled = StopReason.PRECISION_LIMIT;
        } else if (small) {
          settled = StopReason.OBJECTIVE_TOLERANCE;
        }
      }
      if (settled == null) {
        continue;
      }
      if (fit.float64FinishMayBeNeeded(settled)) {
        fit.startPolish(settled);
        // The optimizer starts afresh (new curvature memory) on the float64 function, which
        // has no noise to declare: the float32 pairs, carried over, measured rounding noise
        // more than curvature (spambase unpenalized then needed hundreds of iterations).
        run = optimizer.start(f, fit.theta);
        p = run.current();
        if (settled == StopReason.GRADIENT_TOLERANCE || !gradientNorm.holds(p)) {
          change.restart(p.value());
          continue;
        }
        // The float64 evaluation at the float32 weights passes the test: nothing to finish.
        fit.endPolishUnused();
      }
      fit.apply(Stop.settled(settled, switch (settled) {
        case PRECISION_LIMIT -> moved ? StoppingRules.noDecrease(optimizer, fit.config)
            : StoppingRules.noDecreaseFromTheStart(optimizer, fit.config, p);
        case OBJECTIVE_TOLERANCE -> change.trigger();
        default -> null;
      }));
      return;
    }
  }
}
