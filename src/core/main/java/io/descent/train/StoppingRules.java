package io.descent.train;

import io.descent.optim.Point;
import java.util.Locale;

/**
 * The stopping rules a training loop consults, each a small object with its own state: the
 * gradient norm, the objective's change (full batch) or stall (mini-batch), the cap, divergence,
 * early stopping on validation loss, and separation. A rule answers a {@link Stop} (or null to
 * go on); the loop applies it.
 */
final class StoppingRules {
  private StoppingRules() {}

  /**
   * Why a full-batch fit whose line search found no decrease stopped: at the backend's precision,
   * or, where its evaluations were capped below the optimizer's default, at that budget.
   */
  static String noDecrease(io.descent.optim.FullBatchOptimizer optimizer) {
    java.util.Map<String, Object> s = optimizer.settings();
    Object evaluations = s.get("maxLineSearchEvaluations");
    Object halvings = s.get("maxHalvings");
    int defaultEvaluations = optimizer instanceof io.descent.optim.OwlQn
        ? io.descent.optim.OwlQn.MAX_LINE_SEARCH_EVALUATIONS
        : io.descent.optim.Lbfgs.MAX_LINE_SEARCH_EVALUATIONS;
    boolean capped = evaluations instanceof Integer e && e < defaultEvaluations
        || halvings instanceof Integer h && h < io.descent.optim.GradientDescent.MAX_HALVINGS;
    if (capped) {
      int n = evaluations != null ? (Integer) evaluations : (Integer) halvings + 1;
      return "objective no longer improving (the line search finds no decrease within its " + n
          + (n == 1 ? " evaluation" : " evaluations") + ": raise lineSearch(...))";
    }
    return "objective no longer improving (the line search finds no decrease at the backend's"
        + " precision)";
  }

  /**
   * As {@link #noDecrease(io.descent.optim.FullBatchOptimizer, TrainingConfig)}, for a fit
   * whose line search never found a decrease, not even from its start. Gradient descent's
   * search starts at its learning rate and halves it: from a learning rate of 1e25 the 62
   * trials ended far above any step that decreases the objective, and the fit, still at its
   * start, was said to be at "the backend's precision", on the float64 reference too. So where
   * even the shortest trial promised a decrease well above the value's rounding ({@code a
   * |g|^2 > 1e-12 |f|} at the start {@code p}), the steps were too long, not the precision too
   * coarse. The other optimizers start at a step of their own and fall back on {@link
   * #noDecrease}.
   */
  static String noDecreaseFromTheStart(io.descent.optim.FullBatchOptimizer optimizer,
      TrainingConfig config, io.descent.optim.Point p) {
    return noDecreaseFromTheStart(optimizer, p) + unstandardized(config);
  }

  /** As the above, for a fit of no {@link TrainingConfig} (one-vs-rest's lockstep models). */
  static String noDecreaseFromTheStart(io.descent.optim.FullBatchOptimizer optimizer,
      io.descent.optim.Point p) {
    if (optimizer instanceof io.descent.optim.GradientDescent gd
        && gd.initialStep() * Math.pow(io.descent.optim.GradientDescent.SHRINK,
            gd.maxHalvings()) * squaredNorm(p.gradient()) > 1e-12 * Math.abs(p.value())) {
      return String.format(java.util.Locale.ROOT, "objective not improving from the start (no"
          + " step of the line search's %d, from the learning rate %.3g halved each time,"
          + " decreased it: lower learningRate(...) or raise lineSearch(...))",
          gd.maxHalvings() + 1, gd.initialStep());
    }
    return noDecrease(optimizer);
  }

  private static double squaredNorm(double[] g) {
    double s = 0;
    for (double v : g) {
      s += v * v;
    }
    return s;
  }

  /** As {@link #noDecrease(io.descent.optim.FullBatchOptimizer)}, with {@link #UNSTANDARDIZED}. */
  static String noDecrease(io.descent.optim.FullBatchOptimizer optimizer, TrainingConfig config) {
    return noDecrease(optimizer) + unstandardized(config);
  }

  /**
   * The advice a fit that stalled or met its cap on features left as they are adds: on features
   * whose scales differ by many orders of magnitude the problem is ill-conditioned (a least
   * squares fit on columns from 1e-8 to 1e8 stalled 21% above its optimum, at float64), and no
   * cap or precision helps as their standardization does: {@value}.
   */
  static final String UNSTANDARDIZED = "; the features are not standardized: where their scales"
      + " differ widely, standardizing them (the default) conditions the problem";

  /** {@link #UNSTANDARDIZED} for a fit that does not standardize its features, else "". */
  static String unstandardized(TrainingConfig config) {
    return config.standardize() ? "" : UNSTANDARDIZED;
  }

  /**
   * A rule's verdict: the reason, its message (null: the reason's description), and the
   * parameters to keep (null: the current ones). A settled stop ({@link #settled()}) may or may
   * not be convergence; the fit's judgement decides, with the message as what the rule saw.
   */
  record Stop(StopReason reason, String message, double[] keep, boolean settled) {
    static Stop of(StopReason reason, String message) {
      return new Stop(reason, message, null, false);
    }

    static Stop keeping(double[] keep, StopReason reason, String message) {
      return new Stop(reason, message, keep, false);
    }

    static Stop settled(StopReason reason, String trigger) {
      return new Stop(reason, trigger, null, true);
    }
  }

  /**
   * The gradient test at the training backend's own gradient (float32 or float64): on the
   * gradient's max-norm, or with an L1 penalty on the KKT violation.
   */
  static final class GradientNorm {
    private final GradientTest test;
    private final java.util.function.ToDoubleFunction<Point> violation;

    GradientNorm(GradientTest test, java.util.function.ToDoubleFunction<Point> violation) {
      this.test = test;
      this.violation = violation;
    }

    boolean holds(Point p) {
      return test.holdsFor(violation.applyAsDouble(p), p.value());
    }
  }

  /**
   * Full batch: the relative change of the objective at or below the tolerance twice in a row.
   */
  static final class ObjectiveChange {
    private final double tolerance;
    private double previous;
    private int smallChanges;

    ObjectiveChange(double tolerance, double start) {
      this.tolerance = tolerance;
      restart(start);
    }

    /** Starts counting afresh from {@code value} (the float64 finish). */
    void restart(double value) {
      previous = value;
      smallChanges = 0;
    }

    /** Records the objective after an iteration; true when the rule is met. */
    boolean met(double value) {
      double change = Math.abs(previous - value);
      smallChanges = tolerance > 0 && change <= tolerance * Math.max(Math.abs(value), 1e-300)
          ? smallChanges + 1 : 0;
      previous = value;
      return smallChanges >= 2;
    }

    String trigger() {
      return String.format(Locale.ROOT, "objective no longer improving (relative change below"
          + " %.1g twice in a row)", tolerance);
    }
  }

  /**
   * Mini-batch: stalled when the best objective has not improved by more than the tolerance for
   * {@value #EPOCHS} epochs. Mini-batch noise keeps consecutive epochs apart, so their
   * difference alone would rarely fall below any useful tolerance; whether a stall is
   * convergence, the gradient test decides when the fit is judged.
   */
  static final class Stall {
    /** Epochs without a relative improvement above the objective tolerance that end a fit. */
    static final int EPOCHS = 5;
    private final double tolerance;
    private double best;
    private int stalled;

    Stall(double tolerance, double start) {
      this.tolerance = tolerance;
      this.best = start;
    }

    /** Records an epoch's objective; the stop (keeping {@code bestTheta}) when stalled. */
    Stop check(double value, double[] bestTheta) {
      if (value < best - tolerance * Math.abs(best)) {
        best = value;
        stalled = 0;
      } else if (tolerance > 0 && ++stalled >= EPOCHS) {
        return new Stop(StopReason.OBJECTIVE_TOLERANCE, String.format(Locale.ROOT, "objective"
            + " no longer improving (the best epoch's objective has not improved by a relative"
            + " %.1g for %d epochs; keeping that epoch's model)", tolerance, EPOCHS),
            bestTheta, true);
      }
      return null;
    }
  }

  /** The cap on iterations (full batch) or epochs (mini-batch). */
  static final class Cap {
    private final int limit;
    private final String advice;

    private Cap(int limit, String advice) {
      this.limit = limit;
      this.advice = advice;
    }

    static Cap iterations(TrainingConfig config) {
      return new Cap(config.maxIterations(), "stopped at the cap of " + config.maxIterations()
          + " iterations before converging: raise maxIterations(...)" + unstandardized(config));
    }

    static Cap epochs(TrainingConfig config) {
      boolean constant = config.schedule()
          instanceof io.descent.optim.LearningRateSchedule.Constant;
      // Reached only while the stall test has not stopped the fit: with a tolerance above 0
      // the best objective then improved within the last epochs (at most the epochs run).
      String why = config.objectiveTolerance() > 0 ? String.format(Locale.ROOT, "the best"
          + " objective still improved by more than a relative %.1g within the last %d epochs",
          config.objectiveTolerance(), Math.min(Stall.EPOCHS, config.maxEpochs()))
          : "no stall test: the objective tolerance is 0";
      return new Cap(config.maxEpochs(), String.format(Locale.ROOT, "stopped at the cap of %d"
          + " epochs before converging (%s): raise maxEpochs(...)%s", config.maxEpochs(), why,
          constant ? ", or let the rate decay with schedule(...)" : "") + unstandardized(config));
    }

    /**
     * The stop when {@code count} has reached the cap; {@code hint} ends its message (asked for
     * only then).
     */
    Stop check(int count, java.util.function.Supplier<String> hint) {
      return count >= limit ? Stop.of(StopReason.MAX_ITERATIONS, advice + hint.get()) : null;
    }
  }

  /**
   * Divergence: an objective that is not finite, and for mini-batches parameters that are not,
   * an objective that grows for {@value #GROWTH_LIMIT} epochs in a row above its start, or one
   * that reaches {@value #BLOWUP} times its start.
   */
  static final class Divergence {
    static final int GROWTH_LIMIT = 5;
    /** A mini-batch objective this many times its start has diverged, however it got there. */
    static final double BLOWUP = 1e3;
    private final double initial;
    private double previous;
    private int growing;

    Divergence(double initial) {
      this(initial, initial);
    }

    /**
     * {@code constant}: the objective of the constant model (a warm start's initial objective
     * may be near 0, where the mini-batch noise alone is many times it): growth and blow-up are
     * measured from the larger of the two.
     */
    Divergence(double initial, double constant) {
      this.initial = Math.max(initial, constant);
      this.previous = initial;
    }

    /** How far above the constant model's objective, relatively, an epoch's is worse: 1e-6. */
    static final double NEVER_MARGIN = 1e-6;

    /**
     * Mini-batch, when the fit stalled: the stop when no epoch's objective ever fell below the
     * start's and the lowest was above the constant model's (the rate too high to make any
     * progress), else null (a stall).
     */
    static Stop neverImproved(double start, double lowestEpoch, double constant, int epoch,
        double rate, boolean penalized, boolean standardized) {
      // Above the constant model by more than its rounding and a stall's tolerance: worse.
      if (lowestEpoch >= start && lowestEpoch > constant + NEVER_MARGIN * Math.abs(constant)) {
        // "at epoch N" (advice's) would follow the constant model's objective and read as the
        // lowest's epoch: the stop's epoch is said on its own.
        return Stop.of(StopReason.DIVERGED, String.format(Locale.ROOT, "no epoch's objective"
            + " fell below the start's (%.6g) in %d epochs; the lowest, %.6g, is above the"
            + " constant model's (%.6g); stopped at epoch %d: lower the learning rate (now"
            + " %.3g)%s", start, epoch, lowestEpoch, constant, epoch, rate,
            remedies(penalized, standardized)));
      }
      return null;
    }

    /** The stop when the objective at the start is not finite. */
    static Stop atStart(double value, boolean standardized) {
      return Double.isFinite(value) ? null : Stop.of(StopReason.DIVERGED, "the objective is "
          + value + " at the start: check the data for extreme values, and "
          + standardization(standardized));
    }

    /** Full batch: the stop when the objective after {@code iteration} is not finite. */
    static Stop afterIteration(double value, int iteration, boolean penalized,
        boolean standardized) {
      return Double.isFinite(value) ? null : Stop.of(StopReason.DIVERGED, "the objective became "
          + value + " at iteration " + iteration + ": " + standardization(standardized)
          + (penalized ? "" : ", or add a penalty with l2(...)"));
    }

    /** Mini-batch: the stop (keeping {@code lastFinite}) when theta is not finite. */
    static Stop parameters(double[] theta, double[] lastFinite, int epoch, double rate,
        boolean penalized, boolean standardized) {
      for (double x : theta) {
        if (!Double.isFinite(x)) {
          return Stop.keeping(lastFinite, StopReason.DIVERGED,
              advice("the parameters became NaN/Inf", epoch, rate, penalized,
                  standardized));
        }
      }
      return null;
    }

    /** Mini-batch: the stop (keeping {@code lastFinite}) when the objective is not finite. */
    static Stop objective(double value, double[] lastFinite, int epoch, double rate,
        boolean penalized, boolean standardized) {
      return Double.isFinite(value) ? null : Stop.keeping(lastFinite, StopReason.DIVERGED,
          advice("the objective became " + value, epoch, rate, penalized, standardized));
    }

    /**
     * Mini-batch: records an epoch's (finite) objective; the stop when it grew for too long
     * above its start, or blew up (keeping {@code best}).
     */
    Stop growth(double value, double[] best, int epoch, double rate, boolean penalized,
        boolean standardized) {
      growing = value > previous ? growing + 1 : 0;
      previous = value;
      if (growing >= GROWTH_LIMIT && value > initial) {
        return Stop.of(StopReason.DIVERGED, advice("the objective grew for " + growing
            + " epochs in a row", epoch, rate, penalized, standardized));
      }
      if (initial > 0 && value > BLOWUP * initial) {
        return Stop.keeping(best, StopReason.DIVERGED, advice(String.format(Locale.ROOT,
            "the objective reached %.3g, %.3g times its start", value, value / initial),
            epoch, rate, penalized, standardized));
      }
      return null;
    }

    static String advice(String what, int epoch, double rate, boolean penalized,
        boolean standardized) {
      return String.format(Locale.ROOT, "%s at epoch %d: lower the learning rate (now %.3g)%s",
          what, epoch, rate, remedies(penalized, standardized));
    }

    /**
     * The rest of the advice after lowering the learning rate: standardization (kept on, or
     * turned on where the features are raw), and a penalty where the fit has none (one it has
     * already tames nothing more).
     */
    static String remedies(boolean penalized, boolean standardized) {
      return penalized ? " or " + standardization(standardized)
          : ", " + standardization(standardized) + ", or add a penalty with l2(...)";
    }

    /**
     * The advice on standardization: keep it on, or, where the fit runs on the raw features,
     * turn it on ({@code standardize(true)}, which the command line names as its flag).
     */
    static String standardization(boolean standardized) {
      return standardized ? "keep standardization on"
          : "standardize the features (standardize(true))";
    }
  }

  /** Early stopping: validation loss that has not improved for the patience. */
  static final class EarlyStop {
    private final int patience;
    private final String unit;
    private double bestValidation = Double.POSITIVE_INFINITY;
    private double[] bestTheta;
    private int sinceBest;

    EarlyStop(int patience, boolean fullBatch) {
      this.patience = patience;
      this.unit = fullBatch ? "iterations" : "epochs";
    }

    /** Records the first validation loss, at the start. */
    void start(double[] theta, double validationLoss) {
      if (bestTheta == null) {
        bestTheta = theta.clone();
        bestValidation = validationLoss;
      }
    }

    /** Records a validation loss at theta; the stop (keeping the best) when out of patience. */
    Stop check(double[] theta, double validationLoss) {
      if (validationLoss < bestValidation * (1 - 1e-12)) {
        bestValidation = validationLoss;
        bestTheta = theta.clone();
        sinceBest = 0;
        return null;
      }
      sinceBest++;
      if (sinceBest >= patience) {
        return Stop.keeping(bestTheta, StopReason.EARLY_STOPPING, String.format(Locale.ROOT,
            "stopped early: validation loss %.6g has not improved for %d %s; keeping the best"
            + " model", bestValidation, sinceBest, unit));
      }
      return null;
    }
  }

  /**
   * When to test unpenalized logistic or multinomial regression for separation: when the mean
   * loss falls below one that implies it, and otherwise at steps 10, 20, 40, 80, ...
   * (iterations, or epochs for mini-batches), so that a slow optimizer cannot run to its cap on
   * separable data while a large fit pays for a handful of passes.
   */
  static final class SeparationCheck {
    private int next = 10;

    /** Whether the (one pass, float64) test is due at this step and objective. */
    boolean due(double value, int step, double lossImplyingSeparation) {
      boolean scheduled = step >= next;
      if (scheduled) {
        next = 2 * step;
      }
      return scheduled || value < lossImplyingSeparation;
    }
  }
}
