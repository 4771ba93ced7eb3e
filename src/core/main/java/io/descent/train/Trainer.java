package io.descent.train;

import io.descent.data.BinaryLabels;
import io.descent.data.Dataset;
import io.descent.data.Split;
import io.descent.data.Standardization;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Trains a model: splits and checks the data, standardizes it, opens a backend through the
 * backend chain ({@code BackendChain}: the auto order, fallback to the next backend when one
 * fails, the float64 finish), and runs one fit ({@code Fit}: parameters, evaluation, judgement
 * and report) in its regime's loop ({@code FullBatchLoop} or {@code MiniBatchLoop}).
 *
 * <p>Stopping rules ({@code StoppingRules}), checked after every iteration (full batch) or epoch
 * (mini-batch): gradient norm, relative objective change (twice in a row for full batch; no
 * improvement of the best epoch for {@value #STALL_EPOCHS} epochs for mini-batches), the
 * backend's precision limit (the line search finds no decrease), the iteration/epoch cap, early
 * stopping on a validation split, divergence (NaN/Inf, or an objective that grows for {@value
 * StoppingRules.Divergence#GROWTH_LIMIT} epochs in a row above its starting value), and
 * separability (see {@link Separation}).
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
  /** Epochs without a relative improvement above the objective tolerance that end a fit. */
  public static final int STALL_EPOCHS = StoppingRules.Stall.EPOCHS;
  /**
   * The relative noise declared for a float32 backend's objective (2^-22, twice float32's unit
   * roundoff): the largest difference from the float64 reference measured over random points on
   * the shipped datasets was 1.6e-7 (OpenCL on mtcars). Within it, L-BFGS takes steps by their
   * slopes while they keep bringing the gradient down ({@code Lbfgs.slopesStillHelp}); after that
   * its line searches give up within a few evaluations, and the fit moves on to its float64
   * finish.
   */
  static final double FLOAT32_NOISE = 0x1p-22;
  /** The phases a fit reports to {@link TrainingListener#phase}, in order. */
  public static final String PHASE_STANDARDIZE = "standardize";
  /** See {@link #PHASE_STANDARDIZE}. */
  public static final String PHASE_OPEN = "open";
  /** See {@link #PHASE_STANDARDIZE}. */
  public static final String PHASE_FIT = "fit";
  /** See {@link #PHASE_STANDARDIZE}. */
  public static final String PHASE_FINISH_OPEN = "float64FinishOpen";
  /** See {@link #PHASE_STANDARDIZE}. */
  public static final String PHASE_FINISH = "float64Finish";
  /** See {@link #PHASE_STANDARDIZE}. */
  public static final String PHASE_JUDGE = "judge";
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final BackendOpener opener;
  /** The model a fit starts from, or null for the constant model. */
  private LinearModel init;
  /** Normal equations or passes for linear fits. */
  private Solver solver = Solver.DEFAULT;

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

  /**
   * How linear fits evaluate their objective: from the moments computed in one pass (the normal
   * equations), one pass per evaluation, or by the rule of {@link Solver#AUTO} (the default).
   *
   * @return this trainer
   */
  public Trainer solver(Solver solver) {
    this.solver = java.util.Objects.requireNonNull(solver, "solver");
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
    data.requireTarget();
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
    train.requireTarget();
    validation.requireTarget();
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
    if (config.loss() == Loss.LOGISTIC && train.labels().isPresent()
        && validation.labels().isPresent()
        && !train.labels().get().equals(validation.labels().get())) {
      // Scored with the other coding, every validation row would count as the other class.
      BinaryLabels t = train.labels().get();
      BinaryLabels v = validation.labels().get();
      throw new IllegalArgumentException(validation.source() + " codes its target as "
          + v.negative() + " = 0, " + v.positive() + " = 1 but the training set uses "
          + t.negative() + " = 0, " + t.positive() + " = 1: read both with the same positive"
          + " label");
    }
    return run(train, validation, new int[0], config, listener, start);
  }

  private FitResult run(Dataset given, Dataset validation, int[] heldOut, TrainingConfig config,
      TrainingListener caller, long start) {
    requireWeight(given, "training");
    try {
      if (config.loss() == Loss.LOGISTIC) {
        requireTwoClasses(given);
        requireBothClasses(given);
      }
      if (config.loss() == Loss.LINEAR) {
        requireNumericTarget(given);
      }
      if (config.loss().coupled()) {
        requireEveryClass(given);
      }
    } catch (MissingClassException e) {
      if (heldOut.length == 0) {
        throw e;
      }
      // The held-out rows were drawn at random: say so, since the data may hold every class.
      throw e.setAside("validationFraction(" + config.validationFraction() + ") held out "
          + heldOut.length);
    }
    // Checked on every row (their messages speak of the rows that weigh more than 0).
    Dataset train = withoutWeightlessRows(given);
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
      public void phase(String name, double seconds) {
        caller.phase(name, seconds);
      }

      @Override
      public void finished(FitResult result) {
        caller.finished(result);
      }
    };
    if (validation != null) {
      requireWeight(validation, "validation");
    }
    if (init != null) {
      WarmStart.check(init, train, config.loss());
    }
    Columns columns = config.loss().coupled()
        ? Columns.multinomial(train.classLabels().orElseThrow().size())
        : Columns.single(config.loss());
    // Weighted when the data has row weights.
    long standardizing = System.nanoTime();
    Standardization fitted = config.standardize() ? Standardization.fit(train)
        : Standardization.identity(train.features());
    fitted.coarseFeatures(train.featureNames()).forEach(listener::message);
    Standardization standardization = config.standardize() ? fitted : centred(train);
    if (!config.isFullBatch() && config.batchSize() > train.rows()) {
      // As scikit-learn's MLP warns and clips: each epoch is one step on every row.
      listener.message("the batch size " + config.batchSize() + " is more than the "
          + train.rows() + " training rows: each epoch is one step over all of them (full-batch"
          + " descent at the mini-batch rule's rate)");
    }
    // Refuses the normal equations where they do not apply before anything opens.
    solver.normalFor(config.loss(), config.isFullBatch(), train.rows(), train.features());
    listener.phase(PHASE_STANDARDIZE, (System.nanoTime() - standardizing) / 1e9);
    // A small linear fit on the normal equations, with nothing to validate on, computes its
    // moments on the host under auto: sooner than OpenCL's platform starts (see onHost).
    boolean onHost = validation == null
        && NormalEquations.onHost(config.backend(), config.openCl(), solver,
            config.isFullBatch(), train, columns);
    BackendChain chain = new BackendChain(onHost ? BackendKind.REFERENCE.label()
        : config.backend(), opener::open, config.openCl(), listener::message);
    Dataset validating = validation;
    return chain.run(kind -> {
      long opening = System.nanoTime();
      Pair pair = onHost ? new Pair(Backends.normalEquations(kind, train, standardization,
          columns, config.openCl()), null)
          : openPair(chain, kind, train, validating, standardization, columns);
      listener.phase(PHASE_OPEN, (System.nanoTime() - opening) / 1e9);
      return pair;
    }, (pair, kind, fallback) -> {
          try (pair) {
            GradientBackend training = NormalEquations.choose(solver, config, pair.train(),
                train, standardization, columns, listener::message);
            Fit fit = new Fit(config, columns, training, pair.validation(), train,
                standardization, listener, start, fallback, init, chain, stopRequested);
            listener.started(training.info(), config.optimizerDescription(),
                config.isFullBatch() ? config.maxIterations() : config.maxEpochs());
            long fitting = System.nanoTime();
            if (config.isFullBatch()) {
              new FullBatchLoop(fit).run();
            } else {
              new MiniBatchLoop(fit).run();
            }
            long judging = System.nanoTime();
            fit.reportPhases(fitting, judging);
            fit.judge();
            FitResult result = fit.result().with(heldOut, notices);
            listener.phase(PHASE_JUDGE, (System.nanoTime() - judging) / 1e9);
            listener.finished(result);
            return result;
          }
        });
  }

  /** The training backend and, with a validation set, its validation backend, of one kind. */
  private record Pair(GradientBackend train, GradientBackend validation)
      implements AutoCloseable {
    @Override
    public void close() {
      try (GradientBackend t = train; GradientBackend v = validation) {
        // closes both
      }
    }
  }

  private static Pair openPair(BackendChain chain, BackendKind kind, Dataset train,
      Dataset validation, Standardization standardization, Columns columns) {
    GradientBackend backend = chain.open(kind, train, standardization, columns);
    try {
      return new Pair(backend, validation == null ? null
          : chain.open(kind, validation, standardization, columns));
    } catch (BackendUnavailableException e) {
      backend.close();
      throw e;
    }
  }

  /** A weighted set needs a row that weighs more than 0 (a split may leave none). */
  /**
   * The rows of weight above 0: a row of weight 0 takes no part in the objective, the weighted
   * standardization or the checks, as a row absent from the file (an integer weight is that
   * many copies of the row, 0 none), so it is left out before any backend reads it. Kept, its
   * values still met the kernels: a fill value such as 9.97e36 in a feature of spread 1e-3 left
   * float32's range once standardized, and 0 times infinity made the objective NaN (ND4J and
   * OpenCL; the float64 reference fitted it).
   */
  static Dataset withoutWeightlessRows(Dataset data) {
    double[] w = data.weights();
    if (w == null) {
      return data;
    }
    int kept = 0;
    for (double s : w) {
      kept += s > 0 ? 1 : 0;
    }
    if (kept == w.length) {
      return data;
    }
    int[] rows = new int[kept];
    for (int i = 0, k = 0; i < w.length; i++) {
      if (w[i] > 0) {
        rows[k++] = i;
      }
    }
    return data.rows(rows);
  }

  static void requireWeight(Dataset data, String what) {
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
  static void requireBothClasses(Dataset train) {
    double[] y = train.y();
    double[] weight = classWeights(y, train.weights());
    if (weight[0] > 0 && weight[1] > 0) {
      return;
    }
    int only = weight[1] > 0 ? 1 : 0;
    String label = train.labels().map(l -> l.label(only)).orElse(String.valueOf(only));
    boolean present = weight[1 - only] == 0 && hasClass(y, 1 - only);
    throw new MissingClassException(train.source() + ": every training row of target \""
        + train.targetName() + "\" " + (present ? "that weighs more than 0 " : "") + "is "
        + label + ": logistic regression needs rows of both classes");
  }

  /**
   * The total weight of the rows of class 0 and of class 1 (a target above 0.5), each row 1 where
   * {@code weights} is null. Plain loops over the arrays: a fit's checks run once, mostly before
   * the JIT has compiled them, where a call per row (a million rows) took 12 to 14 ms.
   */
  private static double[] classWeights(double[] y, double[] weights) {
    double[] weight = new double[2];
    if (weights == null) {
      int ones = 0;
      for (double v : y) {
        ones += v > 0.5 ? 1 : 0;
      }
      weight[0] = y.length - ones;
      weight[1] = ones;
      return weight;
    }
    for (int i = 0; i < y.length; i++) {
      weight[y[i] > 0.5 ? 1 : 0] += weights[i];
    }
    return weight;
  }

  static double totalWeight(Dataset data) {
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
   * A linear model fits a number: a target read as class labels (coded 0 .. C-1 in their
   * stable order) would be fitted by its class indices, which mean nothing as numbers (labels
   * 10, -5 and 7 were fitted as 2, 0 and 1). Binary labels are fitted as their 0 and 1 (a
   * linear probability model, as scikit-learn's LinearRegression fits a 0/1 target).
   *
   * @throws IllegalArgumentException for a target of class labels
   */
  static void requireNumericTarget(Dataset train) {
    java.util.Optional<io.descent.data.ClassLabels> classes = train.classLabels();
    if (classes.isPresent()) {
      throw new IllegalArgumentException(train.source() + ": target \"" + train.targetName()
          + "\" holds the class labels " + classes.get() + ": a linear model fits a number;"
          + " read the target as numbers, or fit the classes with logistic(), multinomial()"
          + " or oneVsRest()");
    }
    requireSquaresInRange(train);
  }

  /**
   * Squared error sums the squares of the residuals, which at the start (every weight 0) are the
   * target's values: where their sum leaves float64's range (a value of about 1.3e154 or more,
   * or many a little smaller) the objective is infinite before the first step. A target of
   * 1e160 met "the objective or its gradient is not finite at the starting point (value NaN)",
   * which named neither the target nor a remedy. Rows of weight 0 do not count.
   *
   * @throws IllegalArgumentException naming the target's largest magnitude
   */
  static void requireSquaresInRange(Dataset train) {
    double[] y = train.y();
    double[] w = train.weights();
    double squares = 0;
    double largest = 0;
    for (int i = 0; i < y.length; i++) {
      if (w == null || w[i] > 0) {
        squares += y[i] * y[i];
        largest = Math.max(largest, Math.abs(y[i]));
      }
    }
    if (!Double.isFinite(squares)) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%s: target"
          + " \"%s\" reaches %.4g in magnitude: the sum of its squares, which squared error"
          + " starts from, overflows float64 (about 1.8e308); divide the target by a power of"
          + " ten (the weights scale with it)", train.source(), train.targetName(), largest));
    }
  }

  /**
   * Logistic regression fits a 0/1 target: a target of more than two classes (a class target,
   * or numbers other than 0 and 1) is refused with the fits that take it.
   */
  static void requireTwoClasses(Dataset train) {
    java.util.Optional<io.descent.data.ClassLabels> classes = train.classLabels();
    boolean manyClasses = classes.isPresent() && classes.get().size() > 2;
    if (!manyClasses && isBinary(train.y())) {
      return;
    }
    // Refused: the first three distinct values, for the message; no boxing per row (a million
    // rows took 10-50 ms through a set of Doubles in a fresh JVM).
    double[] seen = new double[3];
    int distinct = 0;
    boolean binary = true;
    for (double y : train.y()) {
      binary &= y == 0 || y == 1;
      if (distinct < seen.length && !among(seen, distinct, y)) {
        seen[distinct++] = y;
      }
    }
    java.util.Set<Double> values = new java.util.TreeSet<>();
    for (int k = 0; k < distinct; k++) {
      values.add(seen[k]);
    }
    if (manyClasses || !binary && values.size() > 2) {
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
   * Whether every value is 0 or 1. A loop of its own that stops at the first other value: the
   * check that looked for the first three distinct values in the same pass, a call per row, took
   * 20 to 23 ms of a million-row fit in a fresh JVM.
   */
  private static boolean isBinary(double[] y) {
    for (double v : y) {
      if (v != 0 && v != 1) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code y} is among {@code seen[0, count)}, as a set of Doubles tells. */
  private static boolean among(double[] seen, int count, double y) {
    for (int k = 0; k < count; k++) {
      if (Double.compare(seen[k], y) == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Multinomial regression needs training rows of every class that weigh more than 0: a class
   * without any has no finite intercept (its probability falls towards 0 without end).
   */
  static void requireEveryClass(Dataset train) {
    io.descent.data.ClassLabels classes = train.classLabels().orElseThrow();
    boolean[] seen = new boolean[classes.size()];
    boolean[] weighs = new boolean[classes.size()];
    double[] y = train.y();
    for (int i = 0; i < y.length; i++) {
      seen[(int) y[i]] = true;
      weighs[(int) y[i]] |= train.weight(i) > 0;
    }
    for (int c = 0; c < seen.length; c++) {
      if (!weighs[c]) {
        throw new MissingClassException(train.source() + ": no training row of target \""
            + train.targetName() + "\" " + (seen[c] ? "that weighs more than 0 " : "")
            + "is of class \"" + classes.label(c) + "\": multinomial regression needs rows of"
            + " every class");
      }
    }
  }

  /**
   * The intercept of the constant model: mean(y) for least squares, logit(mean(y)) for log loss.
   * Starting there removes the largest component of the error before the first step, which
   * matters most for rules whose steps do not scale with the gradient (AdaGrad, RMSProp, Adam).
   */
  /**
   * The space a fit of the raw features runs in: each feature less its (weighted) mean, its scale
   * kept (1), as scikit-learn fits an intercept on raw features. The penalties, which leave the
   * intercept free, are the same there; the model is reported on the raw features ({@link
   * Fit#buildResult}). On the raw features themselves a column far from 0 against its spread
   * (1e8 +- 3) made every margin a difference of large terms: its float64 gradient carried their
   * rounding (4.6e-1 at the optimum), so no fit passed the gradient test, an L1 fit kept every
   * weight 0, and a fit starting at its exact minimizer ran to the iteration cap.
   */
  static Standardization centred(Dataset train) {
    return Standardization.fit(train).withUnitScales();
  }

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

  static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
