package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import io.descent.optim.DifferentiableFunction;
import io.descent.optim.FullBatchOptimizer;
import io.descent.optim.Iteration;
import io.descent.optim.OwlQn;
import io.descent.optim.Point;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;

/**
 * Fits many independent models in lockstep: each model (a group of {@link Columns}) runs its own
 * full-batch optimizer with its own penalty, standardization and stopping rules, and one batched
 * evaluation ({@link GradientBackend#evaluateColumns}) serves the current trial point of every
 * model still running. A model that stops is evaluated no more: once the running models are at
 * most half of the columns the backend evaluates, the backend is reopened on theirs alone.
 *
 * <p>How: each model's optimizer runs, unchanged, on a thread of its own against a {@link
 * DifferentiableFunction} whose {@code evaluate} hands its point to the coordinator (the calling
 * thread) and waits. When every running model is waiting, the coordinator evaluates all their
 * points in one pass and answers each. A model's sequence of points depends only on its own
 * answers, and a backend's column k depends only on column k's weights, so results are the same
 * bits on every run, whatever the threads' timing; and the same as fitting each model alone, up
 * to the rounding of the standardization map. A fit of one model runs it on the calling thread,
 * each evaluation straight on the backend: the same evaluations and bits, without two thread
 * switches per evaluation (a regularization path on the normal equations fits its penalties so,
 * one after another).
 *
 * <p>Each model's parameters live in its own standardized space ({@link Model#standardization()},
 * e.g. a cross-validation fold's training rows) and are mapped exactly to the backend's ({@link
 * StandardizationMap}); its penalty {@code (l2/2) ||w||^2} is added on the host, per column,
 * intercepts excluded.
 *
 * <p>A model with an L1 penalty ({@link Model#l1()} &gt; 0, elastic net with its l2) runs {@link
 * OwlQn} (the settings' optimizer when that is OWL-QN, else OWL-QN with its defaults) given its
 * penalty on every weight, no intercept; its points carry the whole objective and the smooth
 * part's gradient, and its gradient test bounds the KKT violation ({@link
 * Objective#kktViolation}) instead of the gradient's max-norm, as a single fit's does. Weights the
 * optimum puts at zero come out exactly zero.
 *
 * <p>Stopping rules per model, after each iteration, as the trainer's full-batch loop: the
 * gradient test ({@code max |g| <= tolerance * max(1, |J|)}; for squared error with the
 * target's scale, see {@link GradientTest}), the iteration cap, a relative
 * objective change below the objective tolerance twice in a row, a line search that finds no
 * decrease (the backend's precision), divergence, and for unpenalized logistic (and
 * multinomial) models a mean loss below {@code ln(2) s_min / S} (s_min the smallest weight
 * above 0 of the model's rows, S their total: {@code ln(2) / n} on unweighted rows), which
 * proves the classes separable (see
 * {@link Separation#lossImplyingSeparation()}). A model whose start is not finite diverges at
 * once. A stop other than by the gradient test counts as converged only when
 * the test holds at the final point.
 *
 * <p>On a float32 backend each model's line searches know the values' noise, and a model that
 * stops by its own rules is then judged in float64 and, where its gradient test fails there,
 * finished in float64 (see {@link #fit(Dataset, Opener, Opener, Columns, Standardization,
 * List)}), as the trainer finishes a float32 fit.
 *
 * <p>With {@link Settings#verifyEvery} every so many passes check each evaluated model against
 * the float64 reference; {@link #onIteration} follows each model's iterations (a history).
 *
 * {@link #withEarlyStopping} stops each model on its own validation loss.
 *
 * <p>Not yet: mini-batch update rules (full-batch optimizers only; see {@link
 * LockstepMiniBatch}) and separability of weighted rows.
 */
public final class LockstepFit {
  private final Settings settings;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private volatile IterationListener listener;
  private long started;
  /** The scale given by {@link #targetScale(double)}; NaN: computed from the data. */
  private double targetScale = Double.NaN;
  /** The weight given by {@link #smallestRowWeight(double)}; NaN: from the data's rows. */
  private double smallestRowWeight = Double.NaN;
  /** The gradient test's scale of the fit running ({@link GradientTest}). */
  private double scale = 1.0;
  private double largestVerificationError = Double.NaN;
  private int verifications;

  /** Told of each model's progress; called from the models' threads, one call at a time. */
  @FunctionalInterface
  public interface IterationListener {
    /**
     * Model {@code model} reached {@code iteration} (0: its start).
     *
     * @param objective its objective there (data term plus penalty)
     * @param gradientNorm the Euclidean norm of its gradient there
     * @param elapsedSeconds since the fit started
     */
    void iteration(int model, int iteration, double objective, double gradientNorm,
        double elapsedSeconds);
  }

  /** The validation loss of a model at a point of its own space, for early stopping. */
  @FunctionalInterface
  public interface Validation {
    /** Model {@code model}'s loss on its validation rows at {@code theta}; any thread. */
    double loss(int model, double[] theta);
  }

  private volatile Validation validation;
  private volatile int patience;

  /**
   * Stops each model early on its own validation loss, as the trainer's full-batch loop does:
   * the loss at its start and after each iteration; when it has not improved (by a relative
   * 1e-12) for {@code patience} iterations the model stops with {@link
   * StopReason#EARLY_STOPPING}, keeping its point of the best validation loss (a usable fit,
   * counted as converged). Null for none.
   */
  public LockstepFit withEarlyStopping(Validation validation, int patience) {
    if (validation != null && patience < 1) {
      throw new IllegalArgumentException("patience must be >= 1, got " + patience);
    }
    this.validation = validation;
    this.patience = patience;
    return this;
  }

  /** Tells {@code listener} of every model's start and iterations; null for none. */
  public LockstepFit onIteration(IterationListener listener) {
    this.listener = listener;
    return this;
  }

  /**
   * The largest scaled error the {@link Settings#verifyEvery verification} found (the larger of
   * the gradient's and the loss's), NaN when nothing was verified.
   */
  public synchronized double largestVerificationError() {
    return largestVerificationError;
  }

  /** How many model evaluations the verification checked. */
  public synchronized int verifications() {
    return verifications;
  }

  private synchronized void verified(Verifier.Check check) {
    double e = Math.max(check.error(), check.lossError());
    largestVerificationError = Double.isNaN(largestVerificationError) ? e
        : Math.max(largestVerificationError, e);
    verifications++;
  }

  private synchronized void tell(int model, int iteration, Point point) {
    IterationListener l = listener;
    if (l != null) {
      l.iteration(model, iteration, point.value(), norm(point.gradient()),
          (System.nanoTime() - started) / 1e9);
    }
  }

  /**
   * One model of the fit.
   *
   * @param l2 its L2 penalty, finite and {@code >= 0}
   * @param l1 its L1 penalty, finite and {@code >= 0}; above 0 the model runs OWL-QN
   * @param standardization the space its parameters live in; null for the backend's own
   * @param start its starting parameters, {@code (d + 1) x C}, column-major; copied
   */
  public record Model(double l2, double l1, Standardization standardization, double[] start) {
    /** Checks the penalties and copies the start. */
    public Model {
      if (!(l2 >= 0) || !Double.isFinite(l2)) {
        throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
      }
      if (!(l1 >= 0) || !Double.isFinite(l1)) {
        throw new IllegalArgumentException("l1 must be finite and >= 0, got " + l1);
      }
      start = start.clone();
    }

    /** A model with an L2 penalty only (l1 = 0). */
    public Model(double l2, Standardization standardization, double[] start) {
      this(l2, 0, standardization, start);
    }

    /** Its penalties with a loss: the objective whose KKT violation it is judged by. */
    Objective objective(Loss loss) {
      return new Objective(loss, l2, l1);
    }

    /** A copy of the starting parameters. */
    @Override
    public double[] start() {
      return start.clone();
    }
  }

  /**
   * What every model shares.
   *
   * @param optimizer the full-batch optimizer each model runs
   * @param maxIterations the iteration cap per model, {@code > 0}
   * @param gradientTolerance the gradient test's relative tolerance, {@code >= 0}
   * @param objectiveTolerance the relative objective change that stops, twice in a row; 0 = off
   * @param verifyEvery every this many batched passes, each evaluated model's loss and gradient
   *     are recomputed by the float64 {@link ReferenceBackend} and a {@link
   *     VerificationException} ends the fit when either is off by more than the backend's
   *     tolerance ({@link Verifier}); 0 = never
   */
  public record Settings(FullBatchOptimizer optimizer, int maxIterations,
      double gradientTolerance, double objectiveTolerance, int verifyEvery) {
    /** Settings without verification. */
    public Settings(FullBatchOptimizer optimizer, int maxIterations, double gradientTolerance,
        double objectiveTolerance) {
      this(optimizer, maxIterations, gradientTolerance, objectiveTolerance, 0);
    }

    /** Checks every value. */
    public Settings {
      if (verifyEvery < 0) {
        throw new IllegalArgumentException("verifyEvery must be >= 0, got " + verifyEvery);
      }
      Objects.requireNonNull(optimizer, "optimizer");
      if (maxIterations <= 0) {
        throw new IllegalArgumentException("maxIterations must be > 0, got " + maxIterations);
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

  /**
   * How one model ended.
   *
   * @param theta its final parameters in its own standardized space, {@code (d + 1) x C}
   * @param stopReason why it stopped
   * @param message the stop with its figures
   * @param converged whether the gradient test holds at theta
   * @param iterations optimizer iterations
   * @param evaluations evaluations of its objective (each a share of one batched pass)
   * @param objective data term plus penalty at theta
   * @param gradientNorm the Euclidean norm of the objective's gradient at theta (with an L1
   *     penalty: of its smooth part's)
   * @param float64Iterations of the iterations, those of the float64 finish (0 without one)
   * @param kktViolation the violation of the optimality condition at theta that the gradient test
   *     bounds: the gradient's max-norm, or with an L1 penalty the KKT violation ({@link
   *     Objective#kktViolation}); NaN where not known
   */
  public record ModelResult(double[] theta, StopReason stopReason, String message,
      boolean converged, int iterations, int evaluations, double objective,
      double gradientNorm, int float64Iterations, double kktViolation) {
    /** A result whose KKT violation is not known (NaN). */
    public ModelResult(double[] theta, StopReason stopReason, String message,
        boolean converged, int iterations, int evaluations, double objective,
        double gradientNorm, int float64Iterations) {
      this(theta, stopReason, message, converged, iterations, evaluations, objective,
          gradientNorm, float64Iterations, Double.NaN);
    }

    /**
     * This result stopped as {@link StopReason#SEPARABLE} by a judgement after the fit, at
     * {@code proof} (weights proving it), with its counts and figures.
     */
    ModelResult separable(double[] proof, String message) {
      return new ModelResult(proof, StopReason.SEPARABLE, message, false, iterations,
          evaluations, objective, gradientNorm, float64Iterations, kktViolation);
    }
  }

  /**
   * The whole fit.
   *
   * @param models one result per model, in order
   * @param passes batched evaluations, each one pass over the rows
   * @param columnEvaluations columns evaluated, summed over the passes
   * @param backend what evaluated (the first backend opened)
   * @param seconds wall time
   * @param epochs a mini-batch fit's passes over the training rows (the most of any model); 0
   *     for a full-batch fit
   */
  public record Result(List<ModelResult> models, int passes, long columnEvaluations,
      BackendInfo backend, double seconds, int epochs) {
    /** A full-batch fit's result (no epochs). */
    public Result(List<ModelResult> models, int passes, long columnEvaluations,
        BackendInfo backend, double seconds) {
      this(models, passes, columnEvaluations, backend, seconds, 0);
    }

    /** The same fit with these model results. */
    Result withModels(List<ModelResult> results) {
      return new Result(List.copyOf(results), passes, columnEvaluations, backend, seconds,
          epochs);
    }
  }

  /** Opens a backend evaluating the given columns; the fit closes it. */
  @FunctionalInterface
  public interface Opener {
    /** Opens the backend (on the same data and base standardization every time). */
    GradientBackend open(Columns columns);
  }

  /** A fit with these settings. */
  public LockstepFit(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Asks a running fit to stop every model after its current iteration; any thread. */
  public void requestStop() {
    stopRequested.set(true);
  }

  /**
   * Sets the gradient test's scale for squared error, the target's standard deviation, where the
   * data given to {@code fit} does not hold the rows (a distributed fit); otherwise {@code fit}
   * computes it from the data's targets ({@link GradientTest#targetScale}). Not used for the
   * logistic losses. Returns this fit.
   *
   * @param standardDeviation the targets' (weighted) standard deviation; 0 or not finite: 1
   */
  public LockstepFit targetScale(double standardDeviation) {
    this.targetScale = standardDeviation > 0 && Double.isFinite(standardDeviation)
        ? standardDeviation : 1.0;
    return this;
  }

  /**
   * For data whose rows are elsewhere (a Spark driver's fit over its partitions, which hands
   * {@link #fit} a dataset of no rows): the smallest weight above 0 of the rows, so that an
   * unpenalized logistic model still stops as separable when its mean loss falls below ln(2)
   * times it over the total weight (every row's loss then below ln 2: every row classified
   * correctly). Not for columns with class weights (their rows' weights differ by class).
   *
   * @param weight the smallest positive row weight; NaN or not above 0: none
   */
  public LockstepFit smallestRowWeight(double weight) {
    this.smallestRowWeight = weight > 0 && Double.isFinite(weight) ? weight : Double.NaN;
    return this;
  }

  /**
   * Fits every model.
   *
   * @param data the data the opener opens the backend on (its row weights matter here)
   * @param opener opens the backend, first on {@code columns}, later on subsets of its groups
   * @param columns the columns of every model: its groups are the models, in order
   * @param base the standardization the backend applies
   * @param models one per group of {@code columns}
   * @throws IllegalArgumentException when the sizes disagree
   * @throws BackendFailureException when the backend fails during the fit
   */
  public Result fit(Dataset data, Opener opener, Columns columns, Standardization base,
      List<Model> models) {
    return fit(data, opener, c -> new ReferenceBackend(data, base, c), columns, base, models);
  }

  /**
   * Fits every model, finishing on {@code float64} the models that a float32 backend leaves
   * short of the gradient test: when the backend computes in float32, every model that stopped
   * by its own rules is judged at its final point in float64 (one pass), and those whose
   * gradient test fails there go on, in lockstep, on the float64 backend from where they
   * stopped, as the trainer's float64 finish does. Their iterations count on from the first
   * part.
   *
   * @param float64 opens a float64 backend on the same data and base standardization
   * @see #fit(Dataset, Opener, Columns, Standardization, List)
   */
  public Result fit(Dataset data, Opener opener, Opener float64, Columns columns,
      Standardization base, List<Model> models) {
    if (models.size() != columns.groups()) {
      throw new IllegalArgumentException(columns.groups() + " groups of columns but "
          + models.size() + " models");
    }
    int p = base.features() + 1;
    for (int g = 0; g < models.size(); g++) {
      if (models.get(g).start().length != p * columns.classes()) {
        throw new IllegalArgumentException("model " + g + " starts with "
            + models.get(g).start().length + " parameters, not (d + 1) x C = " + p + " x "
            + columns.classes());
      }
    }
    started = System.nanoTime();
    scale = Double.isNaN(targetScale) || columns.loss() != Loss.LINEAR
        ? GradientTest.targetScale(columns.loss(), data.y(), data.weights()) : targetScale;
    Run first = new Run(data, opener, columns, base, models, new int[models.size()],
        new int[models.size()], null, identity(models.size()));
    Result r = first.go();
    if (!first.float32) {
      return r;
    }
    return finish(r, first, float64, columns, base, models, data);
  }

  /** The float64 judgement of every settled model, and the float64 finish of those it fails. */
  private Result finish(Result r, Run first, Opener float64, Columns columns,
      Standardization base, List<Model> models, Dataset data) {
    long start = System.nanoTime();
    int[] settled = java.util.stream.IntStream.range(0, models.size())
        .filter(g -> first.settledReason[g] != null).toArray();
    if (settled.length == 0) {
      return r;
    }
    ModelResult[] results = r.models().toArray(new ModelResult[0]);
    int p = base.features() + 1;
    int width = columns.classes() * p;
    int passes = r.passes() + 1;
    long columnEvaluations = r.columnEvaluations() + (long) settled.length * columns.classes();
    List<Integer> redo = new ArrayList<>();
    Evaluated[] judged = evaluateOnce(float64, columns, settled,
        g -> first.maps[g], g -> results[g].theta(), g -> models.get(g).l2(), p);
    for (int k = 0; k < settled.length; k++) {
      int g = settled[k];
      double[] theta = results[g].theta();
      double[] grad = judged[k].gradient();
      Objective objective = models.get(g).objective(columns.loss());
      double value = judged[k].value() + objective.l1Penalty(theta, p);
      double violation = objective.kktViolation(theta, grad, p);
      GradientTest test = new GradientTest(settings.gradientTolerance(), first.cap[g], scale);
      if (test.holdsFor(violation, value)) {
        results[g] = new ModelResult(theta, first.settledReason[g], "converged: "
            + describe(test, objective, theta, grad, value, p), true,
            results[g].iterations(), results[g].evaluations(), value, norm(grad), 0,
            violation);
      } else {
        redo.add(g);
      }
    }
    if (!redo.isEmpty()) {
      int[] groups = redo.stream().mapToInt(Integer::intValue).toArray();
      List<Model> again = new ArrayList<>();
      int[] iterations = new int[groups.length];
      int[] evaluations = new int[groups.length];
      double[] caps = new double[groups.length];
      for (int k = 0; k < groups.length; k++) {
        int g = groups[k];
        again.add(new Model(models.get(g).l2(), models.get(g).l1(),
            models.get(g).standardization(), results[g].theta()));
        iterations[k] = results[g].iterations();
        evaluations[k] = results[g].evaluations();
        caps[k] = first.cap[g];
      }
      Run second = new Run(data, float64, select(columns, groups), base, again,
          iterations, evaluations, caps, groups);
      Result r2 = second.go();
      passes += r2.passes();
      columnEvaluations += r2.columnEvaluations();
      for (int k = 0; k < groups.length; k++) {
        ModelResult m = r2.models().get(k);
        int more = m.iterations() - iterations[k];
        results[groups[k]] = new ModelResult(m.theta(), m.stopReason(), m.message()
            + Fit.finishNote(more, r2.backend().summary(), first.settledReason[groups[k]]),
            m.converged(),
            m.iterations(),
            m.evaluations(), m.objective(), m.gradientNorm(), more, m.kktViolation());
      }
    }
    return new Result(List.of(results), passes, columnEvaluations, r.backend(),
        r.seconds() + (System.nanoTime() - start) / 1e9);
  }

  /**
   * {@code r} with every model's objective, gradient norm and KKT violation recomputed by {@code
   * judge} at its final parameters, in one pass over the columns of those models: the figures a
   * fit reports, whatever backend trained (for one model the trainer's judgement computes them
   * with the float64 reference). A model that diverged, was interrupted or was found separable
   * keeps its own figures, as the trainer's judgement leaves such a fit; its stop and message
   * stay as they are. The pass is not counted among the fit's passes, as the trainer does not
   * count its judgement among the evaluations.
   *
   * @param judge opens the backend that recomputes (the float64 reference)
   * @param columns the columns of every model, as the fit had them
   * @param base the standardization {@code judge}'s backends apply
   * @param models the models as the fit was given them (their penalties and standardizations)
   */
  public static Result recomputed(Result r, Opener judge, Columns columns, Standardization base,
      List<Model> models) {
    int p = base.features() + 1;
    List<ModelResult> results = new ArrayList<>(r.models());
    int[] judged = java.util.stream.IntStream.range(0, results.size()).filter(g -> {
      ModelResult m = results.get(g);
      return m.stopReason() != StopReason.DIVERGED && m.stopReason() != StopReason.INTERRUPTED
          && m.stopReason() != StopReason.SEPARABLE
          && Arrays.stream(m.theta()).allMatch(Double::isFinite);
    }).toArray();
    if (judged.length == 0) {
      return r;
    }
    Evaluated[] at = evaluateOnce(judge, columns, judged, g -> {
      Standardization own = models.get(g).standardization();
      return new StandardizationMap(own == null ? base : own, base);
    }, g -> results.get(g).theta(), g -> models.get(g).l2(), p);
    for (int k = 0; k < judged.length; k++) {
      ModelResult m = results.get(judged[k]);
      double[] theta = m.theta();
      double[] grad = at[k].gradient();
      Objective objective = models.get(judged[k]).objective(columns.loss());
      double value = at[k].value() + objective.l1Penalty(theta, p);
      results.set(judged[k], new ModelResult(theta, m.stopReason(), m.message(),
          m.converged(), m.iterations(), m.evaluations(), value, norm(grad),
          m.float64Iterations(), objective.kktViolation(theta, grad, p)));
    }
    return r.withModels(results);
  }

  /**
   * A model evaluated at its parameters: its loss plus L2 penalty, its gradient in its own
   * standardization (with the penalty's), and the weight of its rows.
   */
  record Evaluated(double value, double[] gradient, double weight) {}

  /**
   * Evaluates the models {@code groups} at their parameters in one pass of a backend that
   * {@code opener} opens on their columns only (a last judgement's, apart from the fit's own
   * backend), in the order of {@code groups}.
   *
   * @param maps each group's map between its own standardization and the backend's
   * @param thetas each group's parameters, in its own standardization
   * @param l2 each group's L2 penalty
   * @param p parameters of one class (d + 1)
   */
  static Evaluated[] evaluateOnce(Opener opener, Columns columns, int[] groups,
      IntFunction<StandardizationMap> maps, IntFunction<double[]> thetas,
      IntToDoubleFunction l2, int p) {
    int width = columns.classes() * p;
    double[] w = new double[groups.length * width];
    StandardizationMap[] own = new StandardizationMap[groups.length];
    for (int k = 0; k < groups.length; k++) {
      own[k] = maps.apply(groups[k]);
      own[k].toBase(thetas.apply(groups[k]), w, k * width);
    }
    Evaluated[] out = new Evaluated[groups.length];
    try (GradientBackend backend = opener.open(select(columns, groups))) {
      BatchedEvaluation e = backend.evaluateColumns(w, Batch.all(backend.rows()));
      for (int k = 0; k < groups.length; k++) {
        double[] theta = thetas.apply(groups[k]);
        double[] grad = own[k].gradientToOwn(e.gradient(), k * width, width);
        double value = e.loss()[k] + penalty(l2.applyAsDouble(groups[k]), theta, grad, p);
        out[k] = new Evaluated(value, grad, e.weight()[k]);
      }
    }
    return out;
  }

  /**
   * The gradient test's figures at theta: the gradient's max-norm, or with an L1 penalty the KKT
   * violation.
   */
  private static String describe(GradientTest test, Objective objective, double[] theta,
      double[] grad, double value, int p) {
    return objective.l1() > 0
        ? test.describeKkt(objective.kktViolation(theta, grad, p), value)
        : test.describe(grad, value);
  }

  /** Adds {@code l2 * w} of every column to the gradient and returns {@code (l2/2)||w||^2}. */
  static double penalty(double l2, double[] x, double[] grad, int p) {
    if (l2 == 0) {
      return 0;
    }
    double s = 0;
    for (int o = 0; o < x.length; o += p) {
      for (int j = o + 1; j < o + p; j++) {
        s += x[j] * x[j];
        grad[j] += l2 * x[j];
      }
    }
    return 0.5 * l2 * s;
  }

  /** What a waiting model gets back: its share of one batched evaluation, base space. */
  private record Answer(double loss, double[] gradient, double weight) {}

  /**
   * Carries a failure of a single model's inline evaluation out of its optimizer (which takes
   * an {@link IllegalArgumentException} at its start for a point that is not finite), to be
   * thrown as it is, as the coordinator throws it when the model has a thread.
   */
  private static final class InlineFailure extends RuntimeException {
    InlineFailure(RuntimeException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    @Override
    public synchronized RuntimeException getCause() {
      return (RuntimeException) super.getCause();
    }
  }

  /** Thrown inside a model's thread when the fit is abandoned (the backend failed). */
  private static final class Abandoned extends RuntimeException {
    Abandoned() {
      super("the lockstep fit was abandoned", null, false, false);
    }
  }

  /** One fit in progress: the coordinator's state, guarded by {@link #lock}. */
  private final class Run {
    private final Opener opener;
    private final Columns columns;
    private final List<Model> models;
    private final int groups;
    private final int classes;
    private final int p;
    private final StandardizationMap[] maps;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition requested = lock.newCondition();
    private final Condition answered = lock.newCondition();
    private final double[][] request;
    private final double[][] held;
    private final Answer[] answer;
    private final boolean[] done;
    private final ModelResult[] results;
    private final Throwable[] failures;
    private boolean abandoned;
    private int passes;
    private long columnEvaluations;
    /**
     * Per group: the smallest weight above 0 of its rows (row weight x fold x class weight), for
     * the separability proof of unpenalized logistic models; NaN where no model needs it.
     */
    private final double[] smallestWeight;
    private final int[] iterationsBefore;
    private final int[] evaluationsBefore;
    /** Per model: the |objective| its gradient test scales with at most (its start's). */
    private final double[] cap;
    /** Per model: the rule that settled it (its own terms), or null for any other stop. */
    private final StopReason[] settledReason;
    private boolean float32;
    /** With one model: the backend it evaluates on, from its own (the calling) thread. */
    private GradientBackend inline;

    private final Dataset data;
    private final Standardization base;
    /** Per group of this run: the index of its model in the whole fit. */
    private final int[] ids;
    /** Per group: its verifier, made at its first check. */
    private final Verifier[] verifiers;

    Run(Dataset data, Opener opener, Columns columns, Standardization base, List<Model> models,
        int[] iterationsBefore, int[] evaluationsBefore, double[] caps,
        int[] ids) {
      this.data = data;
      this.base = base;
      this.ids = ids;
      this.verifiers = new Verifier[models.size()];
      this.smallestWeight = smallestWeights(data, columns, models, smallestRowWeight);
      this.iterationsBefore = iterationsBefore;
      this.evaluationsBefore = evaluationsBefore;
      this.cap = caps != null ? caps.clone() : new double[models.size()];
      this.settledReason = new StopReason[models.size()];
      if (caps == null) {
        Arrays.fill(cap, Double.NaN);
      }
      this.opener = opener;
      this.columns = columns;
      this.models = List.copyOf(models);
      this.groups = models.size();
      this.classes = columns.classes();
      this.p = base.features() + 1;
      this.maps = new StandardizationMap[groups];
      this.request = new double[groups][];
      this.held = new double[groups][];
      this.answer = new Answer[groups];
      this.done = new boolean[groups];
      this.results = new ModelResult[groups];
      this.failures = new Throwable[groups];
      for (int g = 0; g < groups; g++) {
        Standardization own = models.get(g).standardization();
        maps[g] = new StandardizationMap(own == null ? base : own, base);
        held[g] = maps[g].toBase(models.get(g).start());
      }
    }

    Result go() {
      long start = System.nanoTime();
      GradientBackend backend = opener.open(columns);
      BackendInfo info = backend.info();
      float32 = "float32".equals(info.precision());
      if (groups == 1) {
        return alone(backend, info, start);
      }
      int[] open = identity(groups);
      boolean compact = true;
      List<Thread> threads = new ArrayList<>();
      try {
        for (int g = 0; g < groups; g++) {
          int group = g;
          Thread t = new Thread(() -> model(group), "descent-lockstep-" + g);
          t.setDaemon(true);
          threads.add(t);
          t.start();
        }
        while (true) {
          int[] running;
          lock.lock();
          try {
            while (!everyRunningModelWaits()) {
              requested.awaitUninterruptibly();
            }
            running = runningGroups();
          } finally {
            lock.unlock();
          }
          if (running.length == 0) {
            break;
          }
          if (compact && open.length > 1 && running.length <= open.length / 2) {
            GradientBackend fewer = null;
            try {
              fewer = opener.open(select(columns, running));
            } catch (BackendUnavailableException e) {
              // Evaluating the stopped models' columns too costs time, not correctness.
              compact = false;
            }
            if (fewer != null) {
              backend.close();
              backend = fewer;
              open = running;
            }
          }
          BatchedEvaluation e = evaluate(backend, open);
          lock.lock();
          try {
            for (int k = 0; k < open.length; k++) {
              int g = open[k];
              if (request[g] != null) {
                held[g] = request[g];
                request[g] = null;
                answer[g] = new Answer(e.loss()[k], Arrays.copyOfRange(e.gradient(),
                    k * classes * p, (k + 1) * classes * p), e.weight()[k]);
              }
            }
            answered.signalAll();
          } finally {
            lock.unlock();
          }
        }
      } catch (RuntimeException | Error e) {
        abandon();
        join(threads);
        throw e;
      } finally {
        backend.close();
      }
      join(threads);
      for (int g = 0; g < groups; g++) {
        if (failures[g] instanceof RuntimeException r) {
          throw r;
        } else if (failures[g] instanceof Error r) {
          throw r;
        }
      }
      return new Result(List.of(results), passes, columnEvaluations, info,
          (System.nanoTime() - start) / 1e9);
    }

    /**
     * One model: it runs on the calling thread, each evaluation straight on the backend, with
     * the same evaluations, rules and bits as on a thread of its own (lockstep with one model
     * waits for nobody), without a thread switch per evaluation.
     */
    private Result alone(GradientBackend backend, BackendInfo info, long start) {
      inline = backend;
      try {
        results[0] = new ModelRun(0).run();
      } catch (InlineFailure e) {
        throw e.getCause();
      } finally {
        inline = null;
        backend.close();
      }
      return new Result(List.of(results), passes, columnEvaluations, info,
          (System.nanoTime() - start) / 1e9);
    }

    /** One pass over the open groups, each at its requested (or held) point. */
    private BatchedEvaluation evaluate(GradientBackend backend, int[] open) {
      double[] w = new double[open.length * classes * p];
      lock.lock();
      try {
        for (int k = 0; k < open.length; k++) {
          int g = open[k];
          double[] x = request[g] != null ? request[g] : held[g];
          System.arraycopy(x, 0, w, k * classes * p, classes * p);
        }
      } finally {
        lock.unlock();
      }
      passes++;
      columnEvaluations += (long) open.length * classes;
      BatchedEvaluation e;
      try {
        e = backend.evaluateColumns(w, Batch.all(backend.rows()));
      } catch (IllegalArgumentException ex) {
        throw ex;
      } catch (RuntimeException ex) {
        throw new BackendFailureException(backend.info(), ex);
      }
      if (settings.verifyEvery() > 0 && passes % settings.verifyEvery() == 0) {
        verify(backend, open, w, e);
      }
      return e;
    }

    /** Every open group's share of the pass against the float64 reference, in base space. */
    private void verify(GradientBackend backend, int[] open, double[] w, BatchedEvaluation e) {
      int width = classes * p;
      for (int k = 0; k < open.length; k++) {
        int g = open[k];
        if (verifiers[g] == null) {
          verifiers[g] = new Verifier(data, base, select(columns, new int[] {g}),
              backend.tolerance());
        }
        Verifier.Check c = verifiers[g].verify(passes, Arrays.copyOfRange(w, k * width,
            (k + 1) * width), Batch.all(data.rows()), new io.descent.gradient.Evaluation(
                e.loss()[k], Arrays.copyOfRange(e.gradient(), k * width, (k + 1) * width)));
        verified(c);
      }
    }

    private boolean everyRunningModelWaits() {
      for (int g = 0; g < groups; g++) {
        if (!done[g] && request[g] == null) {
          return false;
        }
      }
      return true;
    }

    private int[] runningGroups() {
      return java.util.stream.IntStream.range(0, groups).filter(g -> !done[g]).toArray();
    }

    private void abandon() {
      lock.lock();
      try {
        abandoned = true;
        answered.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private void join(List<Thread> threads) {
      boolean interrupted = false;
      for (Thread t : threads) {
        while (true) {
          try {
            t.join();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    /** Model g's thread: its whole optimization, then its result. */
    private void model(int g) {
      try {
        results[g] = new ModelRun(g).run();
      } catch (Abandoned e) {
        // The coordinator throws the reason.
      } catch (RuntimeException | Error e) {
        failures[g] = e;
      } finally {
        lock.lock();
        try {
          done[g] = true;
          request[g] = null;
          requested.signal();
        } finally {
          lock.unlock();
        }
      }
    }

    /**
     * Hands model g's base-space point to the coordinator and waits for its evaluation (with one
     * model, evaluates it at once).
     */
    private Answer await(int g, double[] base) {
      if (inline != null) {
        request[g] = base;
        BatchedEvaluation e;
        try {
          e = evaluate(inline, new int[] {g});
        } catch (RuntimeException ex) {
          throw new InlineFailure(ex);
        }
        held[g] = base;
        request[g] = null;
        return new Answer(e.loss()[0], e.gradient(), e.weight()[0]);
      }
      lock.lock();
      try {
        if (abandoned) {
          throw new Abandoned();
        }
        request[g] = base;
        requested.signal();
        while (answer[g] == null) {
          if (abandoned) {
            throw new Abandoned();
          }
          answered.awaitUninterruptibly();
        }
        Answer a = answer[g];
        answer[g] = null;
        return a;
      } finally {
        lock.unlock();
      }
    }

    /** One model's optimization and stopping rules, on its own thread. */
    private final class ModelRun {
      private final int g;
      private final Model model;
      private final Objective penalties;
      private int evaluations;
      private double weight;

      ModelRun(int g) {
        this.g = g;
        this.model = models.get(g);
        this.penalties = model.objective(columns.loss());
        this.evaluations = evaluationsBefore[g];
      }

      /** The model's objective at x (own space): its data term, mapped back, plus penalty. */
      private Point objective(double[] x) {
        Answer a = await(g, maps[g].toBase(x));
        evaluations++;
        weight = a.weight();
        double[] grad = maps[g].gradientToOwn(a.gradient(), 0, a.gradient().length);
        // The smooth part only: OWL-QN adds the L1 term to the value itself.
        double penalty = penalty(model.l2(), x, grad, p);
        return new Point(x.clone(), a.loss() + penalty, grad);
      }

      /** The violation the gradient test bounds at a point: KKT with L1, else max |g|. */
      private double violation(Point point) {
        return penalties.kktViolation(point.x(), point.gradient(), p);
      }

      /**
       * The optimizer of this model: the settings', or with an L1 penalty OWL-QN (the settings'
       * own when it is OWL-QN) given the penalty on every weight, no intercept.
       */
      private FullBatchOptimizer optimizer() {
        FullBatchOptimizer o = settings.optimizer();
        if (model.l1() == 0) {
          return o;
        }
        OwlQn owlqn = o instanceof OwlQn q ? q : new OwlQn();
        int parameters = p;
        owlqn = owlqn.withPenalty(model.l1(), j -> Objective.penalized(j, parameters));
        var move = SoftmaxMoves.of(penalties, classes, parameters);
        return move == null ? owlqn : owlqn.withMove(move);
      }

      ModelResult run() {
        DifferentiableFunction f = this::objective;
        FullBatchOptimizer.Run run;
        try {
          run = optimizer().start(float32
              ? f.withRelativeNoise(Trainer.FLOAT32_NOISE) : f, model.start());
        } catch (IllegalArgumentException e) {
          Point none = new Point(model.start(), Double.NaN, new double[model.start().length]);
          return end(none, 0, StopReason.DIVERGED, "the objective is not finite at the start: "
              + e.getMessage());
        }
        Point point = run.current();
        if (Double.isNaN(cap[g])) {
          cap[g] = Math.abs(point.value());
        }
        if (iterationsBefore[g] == 0) {
          tell(ids[g], 0, point);
        }
        Validation v = validation;
        Point best = point;
        double bestValidation = v == null ? Double.NaN : v.loss(ids[g], point.x());
        int sinceBest = 0;
        GradientTest test = new GradientTest(settings.gradientTolerance(), cap[g], scale);
        double previous = point.value();
        int smallChanges = 0;
        int iterations = iterationsBefore[g];
        while (true) {
          if (test.holdsFor(violation(point), point.value())) {
            return end(point, iterations, StopReason.GRADIENT_TOLERANCE, null);
          }
          if (stopRequested.get()) {
            return end(point, iterations, StopReason.INTERRUPTED, String.format(Locale.ROOT,
                "interrupted at iteration %d (objective %.10g)", iterations, point.value()));
          }
          if (iterations >= settings.maxIterations()) {
            return end(point, iterations, StopReason.MAX_ITERATIONS, "stopped at the cap of "
                + settings.maxIterations() + " iterations before converging");
          }
          Iteration it = run.iterate();
          iterations++;
          if (!Double.isFinite(it.point().value())) {
            return end(point, iterations, StopReason.DIVERGED, "the objective became "
                + it.point().value() + " at iteration " + iterations);
          }
          point = it.point();
          tell(ids[g], iterations, point);
          if (separable(point)) {
            return end(point, iterations, StopReason.SEPARABLE, "no finite optimum: the mean"
                + " loss fell below " + (data.weights() == null && !columns.hasClassWeights()
                    && Double.isNaN(smallestRowWeight) ? "ln(2)/n"
                    : "ln(2) s_min / sum s (s the rows' weights; ln(2)/n where each weighs 1)")
                + ", so the classes are separable; add a penalty with l2(...), e.g. l2(0.01)");
          }
          if (v != null) {
            double loss = v.loss(ids[g], point.x());
            if (loss < bestValidation * (1 - 1e-12)) {
              bestValidation = loss;
              best = point;
              sinceBest = 0;
            } else if (++sinceBest >= patience) {
              settledReason[g] = null;
              return new ModelResult(best.x().clone(), StopReason.EARLY_STOPPING,
                  String.format(Locale.ROOT, "stopped early: validation loss %.6g has not"
                      + " improved for %d iterations; keeping the best model", bestValidation,
                      sinceBest), true, iterations, evaluations, best.value(),
                  norm(best.gradient()), 0);
            }
          }
          double change = Math.abs(previous - point.value());
          smallChanges = settings.objectiveTolerance() > 0 && change
              <= settings.objectiveTolerance() * Math.max(Math.abs(point.value()), 1e-300)
              ? smallChanges + 1 : 0;
          previous = point.value();
          if (it.lineSearchFailed()) {
            // The first iteration of the model's first run: its search never found a decrease.
            return end(point, iterations, StopReason.PRECISION_LIMIT, iterations == 1
                ? StoppingRules.noDecreaseFromTheStart(settings.optimizer(), point)
                : StoppingRules.noDecrease(settings.optimizer()));
          }
          if (smallChanges >= 2) {
            return end(point, iterations, StopReason.OBJECTIVE_TOLERANCE, String.format(
                Locale.ROOT, "objective no longer improving (relative change below %.1g twice"
                    + " in a row)", settings.objectiveTolerance()));
          }
        }
      }

      /**
       * Unpenalized logistic (or multinomial) regression with a weighted mean loss below ln(2)
       * s_min / S (S the group's total weight, s_min its smallest weight above 0; ln(2)/n
       * unweighted): then s_i l_i &lt;= sum_k s_k l_k &lt; ln(2) s_min gives l_i &lt; ln(2) for
       * every row that weighs, so every such row is on its own side (multinomial: its own
       * class's probability above 1/2, its margin the largest). (With l2 = 0 the objective is
       * the data term; S is the same in every full-batch evaluation.)
       */
      private boolean separable(Point point) {
        return columns.loss() != Loss.LINEAR && model.l2() == 0 && model.l1() == 0
            && weight > 0 && smallestWeight[g] > 0
            && point.value() < Math.log(2) * smallestWeight[g] / weight;
      }

      private ModelResult end(Point point, int iterations, StopReason reason, String detail) {
        double[] grad = point.gradient();
        GradientTest test = new GradientTest(settings.gradientTolerance(),
            Double.isNaN(cap[g]) ? Math.abs(point.value()) : cap[g], scale);
        double violation = Double.isFinite(point.value()) ? violation(point) : Double.NaN;
        boolean holds = Double.isFinite(point.value()) && test.holdsFor(violation, point.value());
        String message = detail != null ? detail : reason.description();
        boolean settled = reason == StopReason.GRADIENT_TOLERANCE
            || reason == StopReason.OBJECTIVE_TOLERANCE || reason == StopReason.PRECISION_LIMIT;
        settledReason[g] = settled ? reason : null;
        if (settled && !holds) {
          reason = StopReason.STALLED;
          message = "stalled: " + message + "; "
              + describe(test, penalties, point.x(), grad, point.value(), p);
        } else if (settled) {
          message = "converged: " + describe(test, penalties, point.x(), grad, point.value(), p);
        }
        return new ModelResult(point.x().clone(), reason, message, holds && settled, iterations,
            evaluations, point.value(), norm(grad), 0, violation);
      }
    }
  }

  /**
   * Per group, the smallest weight above 0 of its rows ({@link Columns#weight}), for the groups
   * whose model is unpenalized logistic regression (the only ones whose separability is
   * checked); NaN for the others.
   */
  private static double[] smallestWeights(Dataset data, Columns columns, List<Model> models,
      double given) {
    double[] smallest = new double[models.size()];
    Arrays.fill(smallest, Double.NaN);
    if (columns.loss() == Loss.LINEAR) {
      return smallest;
    }
    double[] y = data.y();
    for (int g = 0; g < models.size(); g++) {
      Model m = models.get(g);
      if (m.l2() != 0 || m.l1() != 0) {
        continue;
      }
      if (data.rows() == 0) {
        // The rows are elsewhere: the weight given for them, without class weights.
        smallest[g] = columns.hasClassWeights() ? Double.NaN : given;
        continue;
      }
      double min = Double.POSITIVE_INFINITY;
      for (int i = 0; i < y.length; i++) {
        double s = columns.weight(g, i, y[i], data.weight(i));
        if (s > 0 && s < min) {
          min = s;
        }
      }
      smallest[g] = Double.isFinite(min) ? min : Double.NaN;
    }
    return smallest;
  }

  /**
   * Columns of the given groups only, in that order, with their classes, folds and class weights.
   */
  static Columns select(Columns columns, int[] groups) {
    Columns c;
    if (columns.hasPositives()) {
      int[] positives = new int[groups.length];
      for (int k = 0; k < groups.length; k++) {
        positives[k] = columns.positive(groups[k]);
      }
      c = Columns.positives(positives);
    } else if (columns.loss().coupled()) {
      c = Columns.multinomial(columns.classes(), groups.length);
    } else {
      c = Columns.of(columns.loss(), groups.length);
    }
    if (columns.hasFolds()) {
      int[] heldOut = new int[groups.length];
      for (int k = 0; k < groups.length; k++) {
        heldOut[k] = columns.heldOut(groups[k]);
      }
      c = c.withFolds(columns.rowFolds(), heldOut);
    }
    if (columns.hasClassWeights()) {
      int labels = columns.labels();
      double[] all = columns.classWeights();
      double[] table = new double[groups.length * labels];
      for (int k = 0; k < groups.length; k++) {
        System.arraycopy(all, groups[k] * labels, table, k * labels, labels);
      }
      c = c.withClassWeights(labels, table);
    }
    return c;
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
