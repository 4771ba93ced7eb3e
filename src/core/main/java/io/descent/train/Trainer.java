package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Shuffle;
import io.descent.data.Split;
import io.descent.data.Standardization;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import io.descent.model.LinearModel;
import io.descent.optim.DifferentiableFunction;
import io.descent.optim.FullBatchOptimizer;
import io.descent.optim.Iteration;
import io.descent.optim.Point;
import io.descent.optim.UpdateRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The training loop: opens a backend on the data, drives the optimizer, applies the stopping
 * rules, verifies gradients against the reference when asked, and builds the model.
 *
 * <p>Stopping rules, checked after every iteration (full batch) or epoch (mini-batch): gradient
 * norm, relative objective change (twice in a row for full batch; no improvement of the best
 * epoch for {@value #STALL_EPOCHS} epochs for mini-batches), the backend's precision limit (the
 * line search finds no decrease), the iteration/epoch cap, early stopping on a validation split,
 * divergence (NaN/Inf, or an objective that grows for {@value #GROWTH_LIMIT} epochs in a row
 * above its starting value), and separability (see {@link Separation}).
 *
 * <p>However a fit ends (except by failure or interruption), it is judged at its final weights
 * in float64 on the full data: unpenalized logistic regression is refused as {@link
 * StopReason#SEPARABLE} when the weights separate the classes or an L-BFGS probe finds weights
 * that do; and a fit is called converged only when the {@link GradientTest} holds there. A stop
 * because the objective no longer improves without that is {@link StopReason#STALLED}. A float32
 * full-batch fit that stops before the test holds in float64 first continues in float64 (the
 * float64 finish).
 *
 * <p>A trainer can be stopped from another thread ({@link #requestStop()}); the loop ends after
 * the current step with {@link StopReason#INTERRUPTED} and the best parameters so far.
 */
public final class Trainer {
  private static final int GROWTH_LIMIT = 5;
  /** A mini-batch objective this many times its start has diverged, however it got there. */
  private static final double BLOWUP = 1e3;
  /** Epochs without a relative improvement above the objective tolerance that end a fit. */
  static final int STALL_EPOCHS = 5;
  /**
   * The relative noise declared for a float32 backend's objective (2^-22, twice float32's unit
   * roundoff): the largest difference from the float64 reference measured over random points on
   * the shipped datasets was 1.6e-7 (OpenCL on mtcars). Line searches that cannot see past it
   * give up within a few evaluations, and the fit moves on to its float64 finish.
   */
  static final double FLOAT32_NOISE = 0x1p-22;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final BackendOpener opener;
  /** The model a fit starts from, or null for the constant model. */
  private LinearModel init;

  /** Opens one kind of backend on data; {@link Backends#open(BackendKind, Dataset,
   * Standardization, Loss, OpenClOptions)} in production, a wrapper in fault-injection tests. */
  @FunctionalInterface
  public interface BackendOpener {
    /** Opens the backend, or throws {@link BackendUnavailableException} saying why not. */
    GradientBackend open(BackendKind kind, Dataset data, Standardization standardization,
        Loss loss, OpenClOptions openCl);

    /**
     * Opens the backend on these columns: a single column through {@link #open(BackendKind,
     * Dataset, Standardization, Loss, OpenClOptions)}, others (a multinomial model's classes)
     * with {@link Backends}.
     */
    default GradientBackend open(BackendKind kind, Dataset data,
        Standardization standardization, Columns columns, OpenClOptions openCl) {
      return columns.isSingle() ? open(kind, data, standardization, columns.loss(), openCl)
          : Backends.open(kind, data, standardization, columns, openCl);
    }
  }

  /** A trainer that opens backends with {@link Backends}. */
  public Trainer() {
    this(Backends::open);
  }

  /** A trainer that opens backends with the given opener. */
  public Trainer(BackendOpener opener) {
    this.opener = java.util.Objects.requireNonNull(opener, "opener");
  }

  /**
   * Starts the fits of this trainer from {@code model}'s weights (a warm start; see {@link
   * WarmStart}) instead of the constant model; null for the constant model. Each fit checks that
   * the model fits its data and loss.
   *
   * @return this trainer
   */
  public Trainer startFrom(LinearModel model) {
    this.init = model;
    return this;
  }

  /** Asks a running {@link #fit} to stop after its current step; safe from any thread. */
  public void requestStop() {
    stopRequested.set(true);
  }

  /**
   * Fits a model.
   *
   * @throws io.descent.gradient.BackendUnavailableException when the chosen backend cannot run
   * @throws VerificationException when {@code verifyEvery} finds a gradient out of tolerance
   */
  public FitResult fit(Dataset data, TrainingConfig config, TrainingListener listener) {
    long start = System.nanoTime();
    if (data.rows() == 0) {
      throw new IllegalArgumentException(data.source() + ": no rows to train on");
    }
    Dataset train = config.loss().coupled() ? data.asClasses() : data;
    Dataset validation = null;
    int[] heldOut = new int[0];
    if (config.validationFraction() > 0) {
      Split split = Split.shuffled(data.rows(), config.validationFraction(), config.seed());
      if (split.train().length == 0 || split.test().length == 0) {
        throw new IllegalArgumentException("validation fraction " + config.validationFraction()
            + " leaves an empty training or validation set on " + data.rows() + " rows");
      }
      validation = train.rows(split.test());
      train = train.rows(split.train());
      heldOut = split.test().clone();
      java.util.Arrays.sort(heldOut);
    }
    return run(train, validation, heldOut, config, listener, start);
  }

  /**
   * Fits a model on {@code train}, stopping early on {@code validation}'s loss (patience as in
   * the configuration), which must have the same features; the configuration's validation
   * fraction must then be 0.
   *
   * @throws IllegalArgumentException when the validation set's features differ, or a
   *     validation fraction is configured as well
   */
  public FitResult fit(Dataset train, Dataset validation, TrainingConfig config,
      TrainingListener listener) {
    long start = System.nanoTime();
    if (train.rows() == 0) {
      throw new IllegalArgumentException(train.source() + ": no rows to train on");
    }
    java.util.Objects.requireNonNull(validation, "validation");
    if (config.validationFraction() > 0) {
      throw new IllegalArgumentException("a validation set was given, so validationFraction"
          + " must be 0, got " + config.validationFraction());
    }
    if (validation.rows() == 0) {
      throw new IllegalArgumentException(validation.source() + ": no validation rows");
    }
    if (!validation.featureNames().equals(train.featureNames())) {
      throw new IllegalArgumentException("the validation set's features " + validation
          .featureNames() + " differ from the training set's " + train.featureNames());
    }
    if (config.loss().coupled()) {
      train = train.asClasses();
      validation = validation.withClassLabels(train.classLabels().orElseThrow());
    }
    return run(train, validation, new int[0], config, listener, start);
  }

  private FitResult run(Dataset train, Dataset validation, int[] heldOut, TrainingConfig config,
      TrainingListener caller, long start) {
    List<String> notices = new java.util.ArrayList<>();
    TrainingListener listener = new TrainingListener() {
      @Override
      public void message(String line) {
        notices.add(line);
        caller.message(line);
      }

      @Override
      public void started(BackendInfo backend, String optimizer, int limit) {
        caller.started(backend, optimizer, limit);
      }

      @Override
      public void step(int epoch, int done, int rows) {
        caller.step(epoch, done, rows);
      }

      @Override
      public void progress(Progress p) {
        caller.progress(p);
      }

      @Override
      public void finished(FitResult result) {
        caller.finished(result);
      }
    };
    requireWeight(train, "training");
    if (validation != null) {
      requireWeight(validation, "validation");
    }
    if (config.loss() == Loss.LOGISTIC) {
      requireTwoClasses(train);
      requireBothClasses(train);
    }
    if (init != null) {
      WarmStart.check(init, train, config.loss());
    }
    Columns columns;
    if (config.loss().coupled()) {
      requireEveryClass(train);
      columns = Columns.multinomial(train.classLabels().orElseThrow().size());
    } else {
      columns = Columns.single(config.loss());
    }
    // Weighted when the data has row weights.
    Standardization standardization = config.standardize() ? Standardization.fit(train)
        : Standardization.identity(train.features());
    List<BackendKind> candidates = Backends.candidates(config.backend());
    for (int k = 0; k < candidates.size(); k++) {
      BackendKind kind = candidates.get(k);
      boolean last = k == candidates.size() - 1;
      GradientBackend backend;
      GradientBackend validationBackend = null;
      try {
        backend = opener.open(kind, train, standardization, columns, config.openCl());
        try {
          validationBackend = validation == null ? null
              : opener.open(kind, validation, standardization, columns, config.openCl());
        } catch (BackendUnavailableException e) {
          backend.close();
          throw e;
        }
      } catch (BackendUnavailableException e) {
        if (candidates.size() == 1) {
          throw e;
        }
        listener.message("skipped " + kind.label() + ": " + e.getMessage());
        if (last) {
          throw new BackendUnavailableException("no backend could run; the last, "
              + kind.label() + ": " + e.getMessage(), e);
        }
        continue;
      }
      try (backend; GradientBackend validating = validationBackend) {
        Loop loop = new Loop(config, columns, backend, validationBackend, train,
            standardization, listener, start, k > 0 && candidates.size() > 1);
        listener.started(backend.info(), config.optimizerDescription(),
            config.isFullBatch() ? config.maxIterations() : config.maxEpochs());
        if (config.isFullBatch()) {
          loop.runFullBatch();
        } else {
          loop.runMiniBatch();
        }
        loop.judge();
        FitResult result = loop.result().with(heldOut, notices);
        listener.finished(result);
        return result;
      } catch (BackendFailureException e) {
        if (last || candidates.size() == 1) {
          throw e;
        }
        listener.message(kind.label() + " failed during training (" + e.getCause().getMessage()
            + "); falling back to " + candidates.get(k + 1).label()
            + " and starting again; its result will be verified against the reference");
      }
    }
    throw new AssertionError("unreachable");
  }

  /** A weighted set needs a row that weighs more than 0 (a split may leave none). */
  private static void requireWeight(Dataset data, String what) {
    if (data.weights() == null) {
      return;
    }
    for (double s : data.weights()) {
      if (s > 0) {
        return;
      }
    }
    throw new IllegalArgumentException(data.source() + ": every " + what + " row weighs 0");
  }

  /**
   * Logistic regression needs rows of both classes with a weight above 0: with one, the loss has
   * no minimum.
   */
  private static void requireBothClasses(Dataset train) {
    double[] y = train.y();
    double[] weight = new double[2];
    for (int i = 0; i < y.length; i++) {
      weight[y[i] > 0.5 ? 1 : 0] += train.weight(i);
    }
    if (weight[0] > 0 && weight[1] > 0) {
      return;
    }
    int only = weight[1] > 0 ? 1 : 0;
    String label = train.labels().map(l -> l.label(only)).orElse(String.valueOf(only));
    boolean present = weight[1 - only] == 0 && hasClass(y, 1 - only);
    throw new IllegalArgumentException(train.source() + ": every training row of target \""
        + train.targetName() + "\" " + (present ? "that weighs more than 0 " : "") + "is "
        + label + ": logistic regression needs rows of both classes");
  }

  private static double totalWeight(Dataset data) {
    if (data.weights() == null) {
      return data.rows();
    }
    double total = 0;
    for (double s : data.weights()) {
      total += s;
    }
    return total;
  }

  private static boolean hasClass(double[] y, int cls) {
    for (double v : y) {
      if ((v > 0.5 ? 1 : 0) == cls) {
        return true;
      }
    }
    return false;
  }

  /**
   * Logistic regression fits a 0/1 target: a target of more than two classes (a class target,
   * or numbers other than 0 and 1) is refused with the fits that take it.
   */
  private static void requireTwoClasses(Dataset train) {
    java.util.Optional<io.descent.data.ClassLabels> classes = train.classLabels();
    java.util.Set<Double> values = new java.util.TreeSet<>();
    boolean binary = true;
    for (double y : train.y()) {
      binary &= y == 0 || y == 1;
      if (values.size() < 3) {
        values.add(y);
      }
    }
    if (classes.isPresent() && classes.get().size() > 2 || !binary && values.size() > 2) {
      String which = classes.map(c -> c.size() + " classes " + c).orElse("more than two values");
      throw new IllegalArgumentException(train.source() + ": target \"" + train.targetName()
          + "\" has " + which + ": logistic regression fits two classes; fit every class with"
          + " multinomial(), or one logistic model per class with oneVsRest()");
    }
    if (!binary) {
      throw new IllegalArgumentException(train.source() + ": target \"" + train.targetName()
          + "\" has values " + values + ": logistic regression needs a target of 0 and 1");
    }
  }

  /**
   * Multinomial regression needs training rows of every class: a class without any has no
   * finite intercept (its probability falls towards 0 without end).
   */
  private static void requireEveryClass(Dataset train) {
    io.descent.data.ClassLabels classes = train.classLabels().orElseThrow();
    boolean[] seen = new boolean[classes.size()];
    for (double y : train.y()) {
      seen[(int) y] = true;
    }
    for (int c = 0; c < seen.length; c++) {
      if (!seen[c]) {
        throw new IllegalArgumentException(train.source() + ": no training row of target \""
            + train.targetName() + "\" is of class \"" + classes.label(c) + "\": multinomial"
            + " regression needs rows of every class");
      }
    }
  }

  /** The state of one fit. */
  private final class Loop {
    private final TrainingConfig config;
    /** What the backends evaluate: one column, or a multinomial model's C classes. */
    private final Columns columns;
    /** d + 1, the parameters of one column (theta holds columns.count() of them). */
    private final int parameters;
    private final GradientBackend backend;
    private final GradientBackend validationBackend;
    private final Dataset train;
    private final Standardization standardization;
    private final TrainingListener listener;
    private final long start;
    private final Objective objective;
    private final Verifier verifier;
    private final boolean fallback;
    private final int rows;
    /** The sum of the training rows' weights (the row count when unweighted). */
    private final double totalWeight;
    private final Separation separation;
    private final ReferenceBackend reference;
    private Point lastReference;
    private GradientBackend polish;
    private int polishFrom;
    private final List<Progress> history = new ArrayList<>();
    private long evaluations;
    private int iterations;
    private int epochs;
    private double[] theta;
    private double initialObjective = Double.POSITIVE_INFINITY;
    private StopReason stopReason;
    private String message;
    /** What ended a fit that stopped because it stopped improving, before it is judged. */
    private String trigger;
    // Early stopping state.
    private double bestValidation = Double.POSITIVE_INFINITY;
    private double[] bestTheta;
    private int sinceBest;
    private int nextSeparationCheck = 10;

    Loop(TrainingConfig config, Columns columns, GradientBackend backend,
        GradientBackend validationBackend, Dataset train, Standardization standardization,
        TrainingListener listener, long start, boolean fallback) {
      this.fallback = fallback;
      this.config = config;
      this.columns = columns;
      this.parameters = train.features() + 1;
      this.backend = backend;
      this.validationBackend = validationBackend;
      this.train = train;
      this.standardization = standardization;
      this.listener = listener;
      this.start = start;
      this.objective = new Objective(config.loss(), config.l2());
      this.rows = train.rows();
      this.totalWeight = totalWeight(train);
      this.separation = new Separation(train, standardization,
          columns.loss().coupled() ? columns.classes() : 0);
      this.reference = new ReferenceBackend(train, standardization, columns);
      this.verifier = config.verifyEvery() > 0 || fallback
          ? new Verifier(train, standardization, columns, backend.tolerance()) : null;
      if (init != null) {
        this.theta = WarmStart.theta(init, standardization);
      } else if (columns.loss().coupled()) {
        this.theta = new double[parameters * columns.count()];
        double[] b = initialIntercepts(columns.classes(), train.y(), train.weights());
        for (int c = 0; c < b.length; c++) {
          theta[c * parameters] = b[c];
        }
      } else {
        this.theta = new double[parameters];
        theta[0] = initialIntercept(config.loss(), train.y(), train.weights());
      }
    }

    private double seconds() {
      return (System.nanoTime() - start) / 1e9;
    }

    /** Whether the training backend computes in float32 (and so can be finished in float64). */
    private boolean float32() {
      return "float32".equals(backend.info().precision());
    }

    /**
     * Switches to float64 for the rest of a full-batch fit, when float32 arithmetic can make no
     * further progress before the gradient tolerance (iterative refinement). Float32 rounds the
     * weights themselves to about 7 digits, so on an ill-conditioned problem (spambase
     * unpenalized, condition number ~6.5e4) the line search stalls with the objective still 1e-5
     * above the optimum; a few float64 iterations finish the job.
     */
    private void startPolish() {
      polish = openFloat64();
      polishFrom = iterations;
    }

    /**
     * A float64 backend on the training data: the same OpenCL device in double precision where
     * it has fp64, otherwise the reference. The caller closes it.
     */
    private GradientBackend openFloat64() {
      if (backend.info().kind() == BackendKind.OPENCL) {
        try {
          return opener.open(BackendKind.OPENCL, train, standardization, columns,
              config.openCl().withPrecision("double").withLayout(backend.info().layout()));
        } catch (BackendUnavailableException e) {
          listener.message("float64 on opencl unavailable (" + e.getMessage()
              + "); using the reference");
        }
      }
      return new ReferenceBackend(train, standardization, columns);
    }

    /**
     * Whether a float32 full-batch fit that is about to stop must go on in float64 first: the
     * gradient test does not hold in float64 at its weights.
     */
    private boolean float64FinishNeeded() {
      if (polish != null || !float32()) {
        return false;
      }
      Point p = referenceAt(theta);
      return !test().holds(p.gradient(), p.value());
    }

    /** The full objective and gradient at x by the float64 reference, for judging a fit. */
    private Point referenceAt(double[] x) {
      if (lastReference == null || !java.util.Arrays.equals(lastReference.x(), x)) {
        Evaluation e = model(reference.evaluateColumns(x, Batch.all(rows)));
        double[] g = e.gradient().clone();
        objective.addPenaltyGradient(x, g, parameters);
        lastReference = new Point(x.clone(), e.loss() + objective.penalty(x, parameters), g);
      }
      return lastReference;
    }

    /** The backend's evaluation; a failure inside the backend becomes a BackendFailure. */
    private Evaluation evaluate(double[] x, Batch batch) {
      return evaluate(polish != null ? polish : backend, x, batch);
    }

    private Evaluation evaluate(GradientBackend active, double[] x, Batch batch) {
      try {
        return model(active.evaluateColumns(x, batch));
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new BackendFailureException(active.info(), e);
      }
    }

    /** Full data term plus penalty, with its gradient. */
    private Point full(double[] x) {
      return full(polish != null ? polish : backend, x);
    }

    private Point full(GradientBackend active, double[] x) {
      Evaluation e = evaluate(active, x, Batch.all(rows));
      evaluations++;
      double[] g = e.gradient().clone();
      objective.addPenaltyGradient(x, g, parameters);
      return new Point(x.clone(), e.loss() + objective.penalty(x, parameters), g);
    }

    /** The evaluation of the one model the columns hold: its loss and its whole gradient. */
    private Evaluation model(BatchedEvaluation e) {
      return new Evaluation(e.loss()[0], e.gradient());
    }

    void runFullBatch() {
      FullBatchOptimizer optimizer = config.fullBatch();
      DifferentiableFunction f = this::full;
      var run = optimizer.start(float32() ? f.withRelativeNoise(FLOAT32_NOISE) : f, theta);
      Point p = run.current();
      theta = p.x().clone();
      if (!Double.isFinite(p.value())) {
        stop(StopReason.DIVERGED, "the objective is " + p.value() + " at the start: check the"
            + " data for extreme values, and keep standardization on");
        return;
      }
      initialObjective = Math.abs(p.value());
      record(p, 0, 0);
      double previous = p.value();
      int smallChanges = 0;
      while (true) {
        StopReason settled = null;
        if (gradientConverged(p)) {
          settled = StopReason.GRADIENT_TOLERANCE;
        } else {
          if (stopRequested.get()) {
            stop(StopReason.INTERRUPTED, String.format(Locale.ROOT, "interrupted at iteration %d"
                + " (objective %.10g)", iterations, p.value()));
            return;
          }
          if (iterations >= config.maxIterations()) {
            stop(StopReason.MAX_ITERATIONS, "stopped at the cap of " + config.maxIterations()
                + " iterations before converging: raise maxIterations(...)"
                + quasiSeparationHint());
            return;
          }
          if (config.verifyEvery() > 0 && iterations % config.verifyEvery() == 0) {
            Evaluation fresh = evaluate(theta, Batch.all(rows));
            evaluations++;
            verifier.verify(iterations, theta, Batch.all(rows), fresh);
          }
          Iteration it = run.iterate();
          iterations++;
          p = it.point();
          if (!Double.isFinite(p.value())) {
            stop(StopReason.DIVERGED, "the objective became " + p.value() + " at iteration "
                + iterations + ": keep standardization on, or add a penalty with l2(...)");
            return;
          }
          theta = p.x().clone();
          record(p, it.stepSize(), 0);
          if (separable(p.value(), iterations) || validationStop()) {
            return;
          }
          double change = Math.abs(previous - p.value());
          smallChanges = config.objectiveTolerance() > 0 && change <= config.objectiveTolerance()
              * Math.max(Math.abs(p.value()), 1e-300) ? smallChanges + 1 : 0;
          previous = p.value();
          if (it.lineSearchFailed()) {
            settled = StopReason.PRECISION_LIMIT;
          } else if (smallChanges >= 2) {
            settled = StopReason.OBJECTIVE_TOLERANCE;
          }
        }
        if (settled == null) {
          continue;
        }
        if (float64FinishNeeded()) {
          startPolish();
          // The optimizer starts afresh (new curvature memory) on the float64 function, which
          // has no noise to declare.
          run = optimizer.start(f, theta);
          p = run.current();
          previous = p.value();
          smallChanges = 0;
          continue;
        }
        stopSettled(settled, switch (settled) {
          case PRECISION_LIMIT -> "objective no longer improving (the line search finds no"
              + " decrease at the backend's precision)";
          case OBJECTIVE_TOLERANCE -> String.format(Locale.ROOT, "objective no longer improving"
              + " (relative change below %.1g twice in a row)", config.objectiveTolerance());
          default -> null;
        });
        return;
      }
    }

    void runMiniBatch() {
      UpdateRule rule = config.updateRule();
      rule.reset(theta.length);
      Shuffle shuffle = new Shuffle(rows, config.seed());
      Point p = full(theta);
      if (!Double.isFinite(p.value())) {
        stop(StopReason.DIVERGED, "the objective is " + p.value() + " at the start: check the"
            + " data for extreme values, and keep standardization on");
        return;
      }
      initialObjective = Math.abs(p.value());
      record(p, 0, 0);
      double initial = p.value();
      double previous = p.value();
      int growing = 0;
      double rate = 0;
      double[] lastFinite = theta.clone();
      double[] best = theta.clone();
      double bestObjective = p.value();
      double stallBest = p.value();
      int stalled = 0;
      while (true) {
        if (gradientConverged(p)) {
          stopSettled(StopReason.GRADIENT_TOLERANCE, null);
          return;
        }
        if (stopRequested.get()) {
          theta = best;
          stop(StopReason.INTERRUPTED, String.format(Locale.ROOT, "interrupted at epoch %d, step"
              + " %d; the best model so far has objective %.10g", epochs, iterations,
              bestObjective));
          return;
        }
        if (epochs >= config.maxEpochs()) {
          stop(StopReason.MAX_ITERATIONS, String.format(Locale.ROOT, "stopped at the cap of %d"
              + " epochs before converging (the best objective still improved by more than a"
              + " relative %.1g within the last %d epochs): raise maxEpochs(...), or let the"
              + " rate decay with schedule(...)", config.maxEpochs(), config.objectiveTolerance(),
              STALL_EPOCHS) + quasiSeparationHint());
          return;
        }
        int[] order = shuffle.nextEpoch();
        for (int from = 0; from < rows; from += config.batchSize()) {
          Batch batch = new Batch(order, from, Math.min(rows, from + config.batchSize()));
          Evaluation e = evaluate(theta, batch);
          evaluations++;
          if (config.verifyEvery() > 0 && iterations % config.verifyEvery() == 0) {
            verifier.verify(iterations, theta, batch, e);
          }
          double[] g = e.gradient().clone();
          unbias(g, batch);
          objective.addPenaltyGradient(theta, g, parameters);
          rate = config.schedule().rate(config.learningRate(), epochs, iterations);
          rule.update(theta, g, rate);
          iterations++;
          listener.step(epochs, Math.min(rows, from + config.batchSize()), rows);
          if (stopRequested.get()) {
            break;
          }
        }
        epochs++;
        if (!allFinite(theta)) {
          theta = lastFinite;
          stop(StopReason.DIVERGED, divergenceAdvice("the parameters became NaN/Inf", rate));
          return;
        }
        p = full(theta);
        if (!Double.isFinite(p.value())) {
          theta = lastFinite;
          stop(StopReason.DIVERGED, divergenceAdvice("the objective became " + p.value(), rate));
          return;
        }
        lastFinite = theta.clone();
        if (p.value() < bestObjective) {
          bestObjective = p.value();
          best = theta.clone();
        }
        record(p, rate, epochs);
        growing = p.value() > previous ? growing + 1 : 0;
        if (growing >= GROWTH_LIMIT && p.value() > initial) {
          stop(StopReason.DIVERGED, divergenceAdvice("the objective grew for " + growing
              + " epochs in a row", rate));
          return;
        }
        if (initial > 0 && p.value() > BLOWUP * initial) {
          theta = best;
          stop(StopReason.DIVERGED, divergenceAdvice(String.format(Locale.ROOT, "the objective"
              + " reached %.3g, %.0f times its start", p.value(), p.value() / initial), rate));
          return;
        }
        if (separable(p.value(), epochs) || validationStop()) {
          return;
        }
        // Stalled when the best objective has not improved by more than the tolerance for
        // STALL_EPOCHS epochs: mini-batch noise keeps consecutive epochs apart, so their
        // difference alone would rarely fall below any useful tolerance. Whether that is
        // convergence, the gradient test decides when the fit is judged.
        if (p.value() < stallBest - config.objectiveTolerance() * Math.abs(stallBest)) {
          stallBest = p.value();
          stalled = 0;
        } else if (config.objectiveTolerance() > 0 && ++stalled >= STALL_EPOCHS) {
          theta = best;
          stopSettled(StopReason.OBJECTIVE_TOLERANCE, String.format(Locale.ROOT, "objective no"
              + " longer improving (the best epoch's objective has not improved by a relative"
              + " %.1g for %d epochs; keeping that epoch's model)", config.objectiveTolerance(),
              STALL_EPOCHS));
          return;
        }
        previous = p.value();
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
      double[] weights = train.weights();
      if (weights == null) {
        return;
      }
      double batchWeight = 0;
      for (int b = 0; b < batch.size(); b++) {
        batchWeight += weights[batch.row(b)];
      }
      double factor = batchWeight * rows / (batch.size() * totalWeight);
      for (int j = 0; j < g.length; j++) {
        g[j] *= factor;
      }
    }

    private String divergenceAdvice(String what, double rate) {
      return String.format(Locale.ROOT, "%s at epoch %d: lower the learning rate (now %.3g),"
          + " keep standardization on, or add a penalty with l2(...)", what, epochs, rate);
    }

    /** The gradient test on the training backend's own gradient (float32 or float64). */
    private boolean gradientConverged(Point p) {
      return test().holds(p.gradient(), p.value());
    }

    private GradientTest test() {
      return new GradientTest(config.gradientTolerance(), initialObjective);
    }

    /**
     * Whether unpenalized logistic regression has no finite optimum, stopping if so. The test is
     * complete separation: theta puts every training row strictly on its own side, so scaling
     * theta up lowers every row's loss and the infimum 0 is never reached. It runs (one pass over
     * the data in float64) when the mean log loss falls below ln(2)/n (weighted: {@link
     * Separation#lossImplyingSeparation()}), which implies it, and otherwise at steps 10, 20, 40, 80, ... (iterations, or epochs for mini-batches), so that a
     * slow optimizer cannot run to its cap on separable data while a large fit pays for a handful
     * of passes.
     */
    private boolean separable(double value, int step) {
      if (!unpenalizedLogistic()) {
        return false;
      }
      boolean due = step >= nextSeparationCheck;
      if (due) {
        nextSeparationCheck = 2 * step;
      }
      if (!(due || value < separation.lossImplyingSeparation())
          || !separation.separates(theta)) {
        return false;
      }
      stopSeparable();
      return true;
    }

    /**
     * Judges a fit that ended by any other way than failure or interruption, in float64 at its
     * final weights on the full training data. Unpenalized logistic regression is refused when
     * the weights separate the classes, or when they do not pass the gradient test and an L-BFGS
     * probe from them finds weights that do (a slow optimizer may stop anywhere on the way to a
     * separating hyperplane; a fit that passes it has no such way left to go, since on
     * separable classes the gradient vanishes only as the loss does). A stop on the objective
     * (or on a float32 gradient) stands as converged only when the gradient test holds;
     * otherwise it is {@link StopReason#STALLED}, with the figures.
     */
    void judge() {
      if (stopReason == StopReason.DIVERGED || stopReason == StopReason.INTERRUPTED
          || stopReason == StopReason.SEPARABLE) {
        return;
      }
      Point end = referenceAt(theta);
      GradientTest test = test();
      boolean holds = test.holds(end.gradient(), end.value());
      if (unpenalizedLogistic() && (separation.separates(theta) || !holds && probeSeparates())) {
        stopSeparable();
        return;
      }
      if (!settled()) {
        return;
      }
      String figures = test.describe(end.gradient(), end.value());
      if (holds) {
        message = "converged: " + (trigger == null ? "" : trigger + "; ") + figures;
        return;
      }
      stop(StopReason.STALLED, "stalled: " + (trigger != null ? trigger : "the float32 gradient"
          + " passes the test, the float64 gradient does not") + "; " + figures
          + stallAdvice());
    }

    /** Whether the fit stopped because it converged or stopped improving in its own terms. */
    private boolean settled() {
      return stopReason == StopReason.GRADIENT_TOLERANCE
          || stopReason == StopReason.OBJECTIVE_TOLERANCE
          || stopReason == StopReason.PRECISION_LIMIT;
    }

    private String stallAdvice() {
      if (!config.isFullBatch()) {
        return ": a constant learning rate leaves the weights circling the optimum; let it decay"
            + " with schedule(...), or train full batch with optimizer(\"lbfgs\")";
      }
      return stopReason == StopReason.OBJECTIVE_TOLERANCE
          ? ": lower objectiveTolerance(...) to go on" : "";
    }

    /**
     * Looks for a separating hyperplane from theta, in float64: on the float64 backend of the
     * float64 finish if one is open, on the training backend if it computes in float64, else on
     * one opened for the probe. On success theta becomes the separating weights.
     */
    private boolean probeSeparates() {
      try (GradientBackend own = polish == null && float32() ? openFloat64() : null) {
        GradientBackend float64 = own != null ? own : polish != null ? polish : backend;
        double[] found = separation.probe(x -> full(float64, x), theta, test());
        if (found == null) {
          return false;
        }
        theta = found;
        return true;
      }
    }

    /** Unpenalized logistic or multinomial regression, which separable data leaves unbounded. */
    private boolean unpenalizedLogistic() {
      return (config.loss() == Loss.LOGISTIC || config.loss().coupled()) && config.l2() == 0;
    }

    private void stopSeparable() {
      if (config.loss().coupled()) {
        stop(StopReason.SEPARABLE, "no finite optimum: the classes are separable ("
            + separation.certificate(theta) + ", so the loss keeps falling as the weights"
            + " grow, and its infimum is never reached); add a penalty with l2(...), e.g."
            + " l2(0.01)");
        return;
      }
      stop(StopReason.SEPARABLE, "no finite optimum: the classes are separable (every training"
          + " row is classified correctly, so the loss keeps falling towards 0 as the weights"
          + " grow); add a penalty with l2(...), e.g. l2(0.01)");
    }

    private String quasiSeparationHint() {
      return unpenalizedLogistic() ? Separation.quasiSeparationHint(theta, parameters) : "";
    }

    /** Early stopping: true (and stopped) when validation loss has not improved for patience. */
    private boolean validationStop() {
      if (validationBackend == null) {
        return false;
      }
      double v = history.get(history.size() - 1).validationLoss();
      if (v < bestValidation * (1 - 1e-12)) {
        bestValidation = v;
        bestTheta = theta.clone();
        sinceBest = 0;
        return false;
      }
      sinceBest++;
      if (sinceBest >= config.patience()) {
        theta = bestTheta;
        stop(StopReason.EARLY_STOPPING, String.format(Locale.ROOT, "stopped early: validation"
            + " loss %.6g has not improved for %d %s; keeping the best model", bestValidation,
            sinceBest, config.isFullBatch() ? "iterations" : "epochs"));
        return true;
      }
      return false;
    }

    private void record(Point p, double step, int epoch) {
      double validationLoss = Double.NaN;
      if (validationBackend != null) {
        validationLoss = validationBackend.evaluateColumns(p.x(),
            Batch.all(validationBackend.rows())).loss()[0];
        if (bestTheta == null) {
          bestTheta = p.x().clone();
          bestValidation = validationLoss;
        }
      }
      Progress progress = new Progress(iterations, epoch, p.value(), norm(p.gradient()), step,
          seconds(), validationLoss);
      history.add(progress);
      listener.progress(progress);
    }

    private void stop(StopReason reason, String detail) {
      this.stopReason = reason;
      this.message = detail != null ? detail : reason.description();
    }

    /**
     * Stops on a rule that may or may not be convergence; {@link #judge()} decides with the
     * gradient test. {@code why} says what the rule saw, null for the gradient test itself.
     */
    private void stopSettled(StopReason reason, String why) {
      stop(reason, why);
      this.trigger = why;
    }

    private Map<String, Object> hyperparameters() {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("loss", config.loss().label());
      h.put("l2", config.l2());
      h.put("layout", backend.info().layout());
      if (config.isFullBatch()) {
        h.put("maxIterations", config.maxIterations());
      } else {
        h.put("learningRate", config.learningRate());
        h.put("schedule", config.schedule().toString());
        h.put("batchSize", config.batchSize());
        h.put("maxEpochs", config.maxEpochs());
      }
      h.put("gradientTolerance", config.gradientTolerance());
      h.put("objectiveTolerance", config.objectiveTolerance());
      h.put("validationFraction", config.validationFraction());
      h.put("patience", config.patience());
      h.put("verifyEvery", config.verifyEvery());
      if (train.weights() != null) {
        h.put("weighted", true);
      }
      if (init != null) {
        h.put("warmStart", true);
      }
      if (polish != null) {
        h.put("polish", polish.info().summary());
        h.put("polishIterations", iterations - polishFrom);
      }
      return h;
    }

    FitResult result() {
      try {
        return buildResult();
      } finally {
        if (polish != null) {
          polish.close();
        }
      }
    }

    private FitResult buildResult() {
      if (polish != null) {
        message += String.format(Locale.ROOT, "; the last %d iterations ran in float64 on %s,"
            + " where float32 could make no further progress", iterations - polishFrom,
            polish.info().summary());
      }
      if (fallback) {
        // A fallback backend's result is checked at the final point, whatever --verify-every:
        // the fallback itself, even when a float64 finish computed the last iterations.
        verifier.verify(iterations, theta, Batch.all(rows),
            evaluate(backend, theta, Batch.all(rows)));
      }
      LinearModel model;
      if (columns.loss().coupled()) {
        // The model reports its parameters centered over the classes (the same predictions,
        // a penalty no larger): the objective is judged at those.
        model = LinearModel.multinomial(train.featureNames(), train.targetName(),
            train.classLabels().orElseThrow(), standardization, theta);
        theta = model.theta();
      } else {
        model = LinearModel.of(config.loss(), train.featureNames(), train.targetName(),
            train.labels().orElse(null), standardization, theta);
      }
      // The reported objective comes from the float64 reference, whatever backend trained.
      Point end = referenceAt(theta);
      double[] g = end.gradient();
      double finalObjective = end.value();
      double verification = verifier == null ? Double.NaN : verifier.largestError();
      return new FitResult(model, stopReason, message, iterations, epochs, evaluations,
          backend.info(), config.optimizerDescription(), finalObjective, norm(g), seconds(),
          verification, config.seed(), rows, List.copyOf(history), config.l2(),
          config.standardize(), hyperparameters(), null, null, config.optimizerSettings());
    }
  }

  /**
   * The intercept of the constant model: mean(y) for least squares, logit(mean(y)) for log loss.
   * Starting there removes the largest component of the error before the first step, which
   * matters most for rules whose steps do not scale with the gradient (AdaGrad, RMSProp, Adam).
   */
  static double initialIntercept(Loss loss, double[] y) {
    return initialIntercept(loss, y, null);
  }

  /** As {@link #initialIntercept(Loss, double[])} with row weights (null for none): weighted. */
  static double initialIntercept(Loss loss, double[] y, double[] weights) {
    double sum = 0;
    double total = 0;
    for (int i = 0; i < y.length; i++) {
      double s = weights == null ? 1 : weights[i];
      sum += s * y[i];
      total += s;
    }
    double mean = sum / total;
    if (loss == Loss.LINEAR) {
      return mean;
    }
    double p = Math.min(Math.max(mean, 1e-6), 1 - 1e-6);
    return Math.log(p / (1 - p));
  }

  /**
   * The intercepts of the constant multinomial model, {@code log} of each class's share of the
   * rows (of their weight, with row weights; null for none), centered: the probabilities then
   * match the classes' frequencies before the first step.
   */
  static double[] initialIntercepts(int classes, double[] y, double[] weights) {
    double[] count = new double[classes];
    double total = 0;
    for (int i = 0; i < y.length; i++) {
      double s = weights == null ? 1 : weights[i];
      count[(int) y[i]] += s;
      total += s;
    }
    double[] b = new double[classes];
    double mean = 0;
    for (int c = 0; c < classes; c++) {
      b[c] = Math.log(Math.max(count[c] / total, 1e-12));
      mean += b[c] / classes;
    }
    for (int c = 0; c < classes; c++) {
      b[c] -= mean;
    }
    return b;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static boolean allFinite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
