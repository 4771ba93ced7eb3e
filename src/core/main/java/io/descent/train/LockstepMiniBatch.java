package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Shuffle;
import io.descent.data.Standardization;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.loss.Loss;
import io.descent.optim.LearningRateSchedule;
import io.descent.optim.UpdateRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Fits many independent models in lockstep with a mini-batch update rule: every model sees the
 * same shuffled batches, so one batched evaluation per batch serves every model still running,
 * and one per epoch gives each its full objective. Each model has its own rule (its own state),
 * penalty, standardization ({@link StandardizationMap}) and stopping rules, the trainer's for
 * mini-batches: the gradient test, the epoch cap, no relative improvement of the best epoch's
 * objective above the objective tolerance for {@value Trainer#STALL_EPOCHS} epochs (keeping the
 * best epoch's model), and divergence (non-finite parameters or objective, an objective that
 * grows for {@value #GROWTH_LIMIT} epochs in a row above its start, or reaches {@value #BLOWUP}
 * times its start). Models that stop are evaluated no more once they are half the columns.
 *
 * <p>No threads: the rules are driven batch by batch here. A model standardized as the backend
 * is (its standardization null) on rows without folds gets the same bits as the trainer's
 * mini-batch fit with the same seed, since a backend's column depends only on its own weights;
 * a model that leaves a fold out sees the same batches with that fold's rows weighing 0.
 *
 * <p>A stop other than by the gradient test counts as converged only when the test holds at the
 * final parameters, judged on the backend in one last pass.
 */
public final class LockstepMiniBatch {
  /** Epochs in a row of growth (above the start) that count as divergence: the trainer's. */
  static final int GROWTH_LIMIT = StoppingRules.Divergence.GROWTH_LIMIT;
  /** An objective this many times its start has diverged: the trainer's. */
  static final double BLOWUP = StoppingRules.Divergence.BLOWUP;

  private final Settings settings;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  /** The gradient test's scale of the fit running ({@link GradientTest#targetScale}). */
  private double scale = 1.0;

  /**
   * What every model shares.
   *
   * @param rule makes one fresh update rule per model
   * @param schedule the learning-rate schedule
   * @param learningRate the base learning rate, finite and {@code > 0}
   * @param batchSize rows per batch, {@code > 0}
   * @param maxEpochs the epoch cap, {@code > 0}
   * @param gradientTolerance the gradient test's relative tolerance, {@code >= 0}
   * @param objectiveTolerance the relative improvement the best epoch must make, {@code >= 0}
   * @param seed the seed of the batches' shuffle
   */
  public record Settings(Supplier<UpdateRule> rule, LearningRateSchedule schedule,
      double learningRate, int batchSize, int maxEpochs, double gradientTolerance,
      double objectiveTolerance, long seed) {
    /** Checks every value. */
    public Settings {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(schedule, "schedule");
      if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
        throw new IllegalArgumentException("learningRate must be finite and > 0, got "
            + learningRate);
      }
      if (batchSize <= 0) {
        throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
      }
      if (maxEpochs <= 0) {
        throw new IllegalArgumentException("maxEpochs must be > 0, got " + maxEpochs);
      }
      if (!(gradientTolerance >= 0)) {
        throw new IllegalArgumentException("tolerance must be >= 0, got " + gradientTolerance);
      }
      if (!(objectiveTolerance >= 0)) {
        throw new IllegalArgumentException("objectiveTolerance must be >= 0, got "
            + objectiveTolerance);
      }
    }
  }

  /** A fit with these settings. */
  public LockstepMiniBatch(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Opens the backend of the last judgement; null: the fit's own backend. */
  private LockstepFit.Opener judge;

  /**
   * Judges every model's final parameters (its objective, gradient norm, and whether a settled
   * model converged) on a backend that {@code judge} opens, in one pass over their columns, in
   * place of the fit's own backend: the float64 reference, as the trainer's judgement of one
   * model is.
   */
  public LockstepMiniBatch judgeWith(LockstepFit.Opener judge) {
    this.judge = judge;
    return this;
  }

  /** Asks a running fit to stop every model after the current batch; any thread. */
  public void requestStop() {
    stopRequested.set(true);
  }

  /**
   * Fits every model.
   *
   * @param data the data the opener opens on
   * @param opener opens the backend, first on {@code columns}, later on subsets of its groups
   * @param columns the columns of every model: its groups are the models, in order
   * @param base the standardization the backend applies
   * @param models one per group (see {@link LockstepFit.Model})
   * @return per model its result ({@link LockstepFit.ModelResult#iterations()} counts batches)
   * @throws BackendFailureException when the backend fails during the fit
   */
  public LockstepFit.Result fit(Dataset data, LockstepFit.Opener opener, Columns columns,
      Standardization base, List<LockstepFit.Model> models) {
    if (models.size() != columns.groups()) {
      throw new IllegalArgumentException(columns.groups() + " groups of columns but "
          + models.size() + " models");
    }
    long start = System.nanoTime();
    scale = GradientTest.targetScale(columns.loss(), data.y(), data.weights());
    int groups = models.size();
    int p = base.features() + 1;
    int width = columns.classes() * p;
    int rows = data.rows();
    State[] state = new State[groups];
    for (int g = 0; g < groups; g++) {
      LockstepFit.Model m = models.get(g);
      if (m.start().length != width) {
        throw new IllegalArgumentException("model " + g + " starts with " + m.start().length
            + " parameters, not (d + 1) x C = " + p + " x " + columns.classes());
      }
      Standardization own = m.standardization() == null ? base : m.standardization();
      state[g] = new State(m, new StandardizationMap(own, base), !own.hasUnitScales(),
          settings.rule().get(), width);
    }
    Evaluator evaluator = new Evaluator(opener, columns, p, width);
    BackendInfo info = evaluator.backend.info();
    boolean unweighted = data.weights() == null && !columns.hasClassWeights();
    try {
      List<Integer> all = range(groups);
      Point[] full = evaluator.full(state, all);
      for (int g : all) {
        State s = state[g];
        if (!Double.isFinite(full[g].value)) {
          s.stop(StopReason.DIVERGED, "the objective is " + full[g].value + " at the start");
          continue;
        }
        s.initial = full[g].value;
        s.cap = Math.abs(full[g].value);
        s.previous = s.best = s.stallBest = full[g].value;
        s.point = full[g];
      }
      Shuffle shuffle = new Shuffle(rows, settings.seed());
      int epochs = 0;
      long iterations = 0;
      while (true) {
        for (int g : running(state)) {
          State s = state[g];
          if (test(s).holds(s.point.gradient, s.point.value)) {
            s.settle(StopReason.GRADIENT_TOLERANCE, null);
          } else if (stopRequested.get()) {
            s.theta = s.bestTheta;
            s.stop(StopReason.INTERRUPTED, String.format(Locale.ROOT, "interrupted at epoch %d;"
                + " the best model so far has objective %.10g", epochs, s.best));
          } else if (epochs >= settings.maxEpochs()) {
            s.stop(StopReason.MAX_ITERATIONS, "stopped at the cap of " + settings.maxEpochs()
                + " epochs before converging");
          }
        }
        List<Integer> running = running(state);
        if (running.isEmpty()) {
          break;
        }
        int[] order = shuffle.nextEpoch();
        for (int from = 0; from < rows; from += settings.batchSize()) {
          Batch batch = new Batch(order, from, Math.min(rows, from + settings.batchSize()));
          double[][] gradients = evaluator.gradients(state, running, batch);
          double rate = settings.schedule().rate(settings.learningRate(), epochs, iterations);
          for (int k = 0; k < running.size(); k++) {
            State s = state[running.get(k)];
            s.rule.update(s.theta, gradients[k], rate);
            s.steps++;
          }
          iterations++;
          if (stopRequested.get()) {
            break;
          }
        }
        epochs++;
        List<Integer> finite = new ArrayList<>();
        for (int g : running) {
          State s = state[g];
          s.epochs++;
          if (Arrays.stream(s.theta).allMatch(Double::isFinite)) {
            finite.add(g);
          } else {
            s.theta = s.lastFinite;
            s.stop(StopReason.DIVERGED, "the parameters became NaN/Inf at epoch " + epochs);
          }
        }
        full = evaluator.full(state, finite);
        for (int g : finite) {
          State s = state[g];
          Point q = full[g];
          if (!Double.isFinite(q.value)) {
            s.theta = s.lastFinite;
            s.stop(StopReason.DIVERGED, "the objective became " + q.value + " at epoch "
                + epochs);
            continue;
          }
          s.point = q;
          s.lastFinite = s.theta.clone();
          s.lowest = Math.min(s.lowest, q.value);
          if (q.value < s.best) {
            s.best = q.value;
            s.bestTheta = s.theta.clone();
          }
          s.growing = q.value > s.previous ? s.growing + 1 : 0;
          if (s.growing >= GROWTH_LIMIT && q.value > s.initial) {
            s.stop(StopReason.DIVERGED, "the objective grew for " + s.growing
                + " epochs in a row");
            continue;
          }
          if (s.initial > 0 && q.value > BLOWUP * s.initial) {
            s.theta = s.bestTheta;
            s.stop(StopReason.DIVERGED, String.format(Locale.ROOT, "the objective reached"
                + " %.3g, %.3g times its start, at epoch %d: lower the learning rate%s", q.value,
                q.value / s.initial, epochs,
                StoppingRules.Divergence.remedies(s.model.l2() > 0 || s.model.l1() > 0,
                    s.standardized)));
            continue;
          }
          if (unweighted && columns.loss() == Loss.LOGISTIC && s.model.l2() == 0
              && q.weight > 0 && q.value < Math.log(2) / q.weight) {
            s.stop(StopReason.SEPARABLE, "no finite optimum: the mean loss fell below ln(2)/n,"
                + " so the classes are separable; add a penalty with l2(...), e.g. l2(0.01)");
            continue;
          }
          if (q.value < s.stallBest - settings.objectiveTolerance() * Math.abs(s.stallBest)) {
            s.stallBest = q.value;
            s.stalled = 0;
          } else if (settings.objectiveTolerance() > 0 && ++s.stalled >= Trainer.STALL_EPOCHS) {
            s.theta = s.bestTheta;
            // Every model starts from the constant model: one whose epochs never did better
            // made no progress at all (its rate too high), which is no stall.
            StoppingRules.Stop never = StoppingRules.Divergence.neverImproved(s.initial,
                s.lowest, s.initial, epochs, settings.learningRate(),
                s.model.l2() > 0 || s.model.l1() > 0, s.standardized);
            if (never != null) {
              s.stop(StopReason.DIVERGED, never.message());
              continue;
            }
            s.settle(StopReason.OBJECTIVE_TOLERANCE, String.format(Locale.ROOT, "objective no"
                + " longer improving (the best epoch's objective has not improved by a relative"
                + " %.1g for %d epochs; keeping that epoch's model)",
                settings.objectiveTolerance(), Trainer.STALL_EPOCHS));
            continue;
          }
          s.previous = q.value;
        }
      }
      // The final parameters of every model with finite ones, judged in one last pass.
      List<Integer> judged = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        if (Arrays.stream(state[g].theta).allMatch(Double::isFinite)) {
          judged.add(g);
        }
      }
      Point[] end;
      if (judge == null) {
        evaluator.compactTo(judged);
        end = evaluator.full(state, judged);
      } else {
        end = judged(state, judged, columns, p, evaluator);
      }
      List<LockstepFit.ModelResult> results = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        results.add(state[g].result(end[g], g));
      }
      return new LockstepFit.Result(List.copyOf(results), evaluator.passes,
          evaluator.columnEvaluations, info, (System.nanoTime() - start) / 1e9, epochs);
    } finally {
      evaluator.backend.close();
    }
  }

  /**
   * The groups' full objectives and gradients (indexed by group; null for the others) on a
   * backend of {@link #judge} opened on their columns only; the pass counts in {@code counts}.
   */
  private Point[] judged(State[] state, List<Integer> groups, Columns columns, int p,
      Evaluator counts) {
    Point[] out = new Point[state.length];
    if (groups.isEmpty()) {
      return out;
    }
    int[] wanted = groups.stream().mapToInt(Integer::intValue).toArray();
    // Counted as the backend's own last pass was.
    counts.passes++;
    counts.columnEvaluations += (long) wanted.length * columns.classes();
    LockstepFit.Evaluated[] at = LockstepFit.evaluateOnce(judge, columns, wanted,
        g -> state[g].map, g -> state[g].theta, g -> state[g].model.l2(), p);
    for (int k = 0; k < wanted.length; k++) {
      out[wanted[k]] = new Point(at[k].value(), at[k].gradient(), at[k].weight());
    }
    return out;
  }

  private GradientTest test(State s) {
    return new GradientTest(settings.gradientTolerance(), s.cap, scale);
  }

  private static List<Integer> range(int n) {
    List<Integer> all = new ArrayList<>();
    for (int g = 0; g < n; g++) {
      all.add(g);
    }
    return all;
  }

  private static List<Integer> running(State[] state) {
    List<Integer> r = new ArrayList<>();
    for (int g = 0; g < state.length; g++) {
      if (state[g].reason == null) {
        r.add(g);
      }
    }
    return r;
  }

  /** A model's objective at its parameters: value, gradient (own space), weight. */
  private record Point(double value, double[] gradient, double weight) {}

  /** The backend, the groups it evaluates, and the passes made. */
  private static final class Evaluator {
    private final LockstepFit.Opener opener;
    private final Columns columns;
    private final int p;
    private final int width;
    private GradientBackend backend;
    private int[] open;
    private boolean compact = true;
    private int passes;
    private long columnEvaluations;

    Evaluator(LockstepFit.Opener opener, Columns columns, int p, int width) {
      this.opener = opener;
      this.columns = columns;
      this.p = p;
      this.width = width;
      this.backend = opener.open(columns);
      this.open = new int[columns.groups()];
      for (int g = 0; g < open.length; g++) {
        open[g] = g;
      }
    }

    /**
     * Makes the backend evaluate the given groups: reopens on them when one of them is not open
     * (the last judgement of models dropped earlier), or when they are half the open ones or
     * fewer.
     */
    void compactTo(List<Integer> groups) {
      boolean missing = false;
      for (int g : groups) {
        missing |= Arrays.stream(open).noneMatch(o -> o == g);
      }
      if (!missing && (!compact || groups.isEmpty() || open.length < 2
          || groups.size() > open.length / 2)) {
        return;
      }
      int[] wanted = groups.stream().mapToInt(Integer::intValue).toArray();
      GradientBackend fewer;
      try {
        fewer = opener.open(LockstepFit.select(columns, wanted));
      } catch (BackendUnavailableException e) {
        compact = false;
        if (!missing) {
          return;
        }
        // Every group again, as the first backend evaluated them.
        fewer = opener.open(columns);
        wanted = new int[columns.groups()];
        for (int g = 0; g < wanted.length; g++) {
          wanted[g] = g;
        }
      }
      backend.close();
      backend = fewer;
      open = wanted;
    }

    /** One pass over the batch with the groups' current parameters; the others held. */
    private BatchedEvaluation evaluate(State[] state, Batch batch) {
      double[] w = new double[open.length * width];
      for (int k = 0; k < open.length; k++) {
        State s = state[open[k]];
        double[] x = Arrays.stream(s.theta).allMatch(Double::isFinite) ? s.theta : s.lastFinite;
        s.map.toBase(x, w, k * width);
      }
      passes++;
      columnEvaluations += (long) open.length * columns.classes();
      try {
        return backend.evaluateColumns(w, batch);
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new BackendFailureException(backend.info(), e);
      }
    }

    private int slot(int g) {
      for (int k = 0; k < open.length; k++) {
        if (open[k] == g) {
          return k;
        }
      }
      throw new IllegalStateException("group " + g + " is not evaluated");
    }

    /** Each group's mini-batch gradient plus penalty, in its own space. */
    double[][] gradients(State[] state, List<Integer> groups, Batch batch) {
      compactTo(groups);
      BatchedEvaluation e = evaluate(state, batch);
      double[][] out = new double[groups.size()][];
      for (int k = 0; k < groups.size(); k++) {
        State s = state[groups.get(k)];
        double[] g = s.map.gradientToOwn(e.gradient(), slot(groups.get(k)) * width, width);
        LockstepFit.penalty(s.model.l2(), s.theta, g, p);
        out[k] = g;
      }
      return out;
    }

    /** Each group's full objective and gradient (indexed by group; null for the others). */
    Point[] full(State[] state, List<Integer> groups) {
      Point[] out = new Point[state.length];
      if (groups.isEmpty()) {
        return out;
      }
      compactTo(groups);
      BatchedEvaluation e = evaluate(state, Batch.all(backend.rows()));
      for (int g : groups) {
        State s = state[g];
        int k = slot(g);
        double[] grad = s.map.gradientToOwn(e.gradient(), k * width, width);
        double value = e.loss()[k] + LockstepFit.penalty(s.model.l2(), s.theta, grad, p);
        out[g] = new Point(value, grad, e.weight()[k]);
      }
      return out;
    }
  }

  /** One model's parameters, rule and stopping state. */
  private final class State {
    final LockstepFit.Model model;
    final StandardizationMap map;
    /** Whether the model runs on standardized features (not the raw ones). */
    final boolean standardized;
    final UpdateRule rule;
    double[] theta;
    double[] lastFinite;
    double[] bestTheta;
    Point point;
    double initial;
    double cap;
    double previous;
    double best;
    double stallBest;
    /** The lowest objective of an epoch's end (the start's excluded). */
    double lowest = Double.POSITIVE_INFINITY;
    int stalled;
    int growing;
    int steps;
    int epochs;
    StopReason reason;
    String message;
    boolean settled;

    State(LockstepFit.Model model, StandardizationMap map, boolean standardized,
        UpdateRule rule, int width) {
      this.model = model;
      this.map = map;
      this.standardized = standardized;
      this.rule = rule;
      rule.reset(width);
      this.theta = model.start();
      this.lastFinite = theta.clone();
      this.bestTheta = theta.clone();
    }

    void stop(StopReason why, String detail) {
      reason = why;
      message = detail != null ? detail : why.description();
    }

    void settle(StopReason why, String detail) {
      stop(why, detail);
      settled = true;
    }

    LockstepFit.ModelResult result(Point end, int g) {
      if (end == null) {
        return new LockstepFit.ModelResult(theta.clone(), reason, message, false, steps,
            evaluations(), Double.NaN, Double.NaN, 0);
      }
      GradientTest test = test(this);
      boolean holds = Double.isFinite(end.value) && test.holds(end.gradient, end.value);
      StopReason r = reason;
      String m = message;
      if (settled && !holds) {
        r = StopReason.STALLED;
        m = "stalled: " + m + "; " + test.describe(end.gradient, end.value);
      } else if (settled) {
        m = "converged: " + (reason == StopReason.GRADIENT_TOLERANCE ? "" : m + "; ")
            + test.describe(end.gradient, end.value);
      }
      return new LockstepFit.ModelResult(theta.clone(), r, m, settled && holds, steps,
          evaluations(), end.value, norm(end.gradient), 0);
    }

    /**
     * The model's evaluations, counted as one model's mini-batch fit counts them: a batch's per
     * step, and a full one at the start and after each epoch it ran.
     */
    int evaluations() {
      return steps + 1 + epochs;
    }
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
