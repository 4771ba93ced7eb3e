package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import io.descent.model.LinearModel;
import io.descent.optim.Point;
import io.descent.train.StoppingRules.Stop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The state of one fit on one backend, shared by its regime loop ({@link FullBatchLoop} or
 * {@link MiniBatchLoop}): the parameters, counters and history; evaluation on the training
 * backend (or its float64 finish) and on the float64 reference; the stop, its judgement in
 * float64, and the report.
 */
final class Fit {
  final TrainingConfig config;
  /** What the backends evaluate: one column, or a multinomial model's C classes. */
  final Columns columns;
  /** d + 1, the parameters of one column (theta holds columns.count() of them). */
  final int parameters;
  final GradientBackend backend;
  final GradientBackend validationBackend;
  final Dataset train;
  final Standardization standardization;
  final TrainingListener listener;
  final Objective objective;
  final Verifier verifier;
  final int rows;
  /** The sum of the training rows' weights (the row count when unweighted). */
  final double totalWeight;
  /** The gradient test's scale ({@link GradientTest#targetScale}). */
  final double targetScale;
  final Separation separation;
  final AtomicBoolean stopRequested;
  private final BackendChain chain;
  private final long start;
  private final boolean fallback;
  private final boolean warmStart;
  private final ReferenceBackend reference;
  private final StoppingRules.EarlyStop earlyStop;
  private final StoppingRules.SeparationCheck separationCheck =
      new StoppingRules.SeparationCheck();
  private Point lastReference;
  private GradientBackend polish;
  private int polishFrom;
  /** The stop the float32 iterations reached where the float64 finish began. */
  private StopReason polishSettled;
  /** When the float64 finish began to open, and when it was open (nanoTime; 0 without one). */
  private long polishOpening;
  private long polishOpened;
  private final List<Progress> history = new ArrayList<>();
  long evaluations;
  int iterations;
  int epochs;
  double[] theta;
  double initialObjective = Double.POSITIVE_INFINITY;
  private StopReason stopReason;
  private String message;
  /** What ended a fit that stopped because it stopped improving, before it is judged. */
  private String trigger;

  Fit(TrainingConfig config, Columns columns, GradientBackend backend,
      GradientBackend validationBackend, Dataset train, Standardization standardization,
      TrainingListener listener, long start, boolean fallback, LinearModel init,
      BackendChain chain, AtomicBoolean stopRequested) {
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
    this.chain = chain;
    this.stopRequested = stopRequested;
    this.warmStart = init != null;
    this.objective = config.objective();
    this.rows = train.rows();
    this.totalWeight = Trainer.totalWeight(train);
    this.targetScale = GradientTest.targetScale(columns.loss(), train.y(), train.weights());
    this.separation = new Separation(train, standardization,
        columns.loss().coupled() ? columns.classes() : 0);
    this.reference = new ReferenceBackend(train, standardization, columns);
    this.verifier = config.verifyEvery() > 0 || fallback
        ? new Verifier(train, standardization, columns, backend.tolerance()) : null;
    this.earlyStop = validationBackend == null ? null
        : new StoppingRules.EarlyStop(config.patience(), config.isFullBatch());
    this.theta = init != null ? WarmStart.theta(init, standardization) : start(backend);
  }

  /**
   * A cold start: the constant model, or, for a linear fit of the raw features on the normal
   * equations without L1, their exact minimizer ({@link GramBackend#minimizer}): there a column
   * far from 0 against its spread (1e8 +- 3) makes the raw space so ill-conditioned that no
   * step from the constant model changed the objective at float64's resolution, and the fit
   * stalled there; from the minimizer the gradient test holds at once.
   */
  private double[] start(GradientBackend backend) {
    if (backend instanceof io.descent.gradient.GramBackend gram && !config.standardize()
        && columns.count() == 1 && objective.l1() == 0) {
      double[] t = gram.minimizer(objective.l2());
      if (java.util.Arrays.stream(t).allMatch(Double::isFinite)) {
        return t;
      }
    }
    return constantModel();
  }

  /** The constant model's parameters (intercepts only): a cold start's. */
  double[] constantModel() {
    if (columns.loss().coupled()) {
      double[] t = new double[parameters * columns.count()];
      double[] b = Trainer.initialIntercepts(columns.classes(), train.y(), train.weights());
      for (int c = 0; c < b.length; c++) {
        t[c * parameters] = b[c];
      }
      return t;
    }
    double[] t = new double[parameters];
    t[0] = Trainer.initialIntercept(config.loss(), train.y(), train.weights());
    return t;
  }

  /** Whether the fit starts from a model's weights ({@code --init}) rather than the constant. */
  boolean warmStart() {
    return warmStart;
  }

  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  boolean interruptRequested() {
    return stopRequested.get();
  }

  /** Whether the training backend computes in float32 (and so can be finished in float64). */
  boolean float32() {
    return "float32".equals(backend.info().precision());
  }

  /**
   * Reports the loop's phases to the listener: the iterations on the training backend, and
   * with a float64 finish its open and its iterations ({@code from..to}: the loop's nanoTime).
   */
  void reportPhases(long from, long to) {
    if (polishOpening == 0) {
      listener.phase(Trainer.PHASE_FIT, (to - from) / 1e9);
      return;
    }
    listener.phase(Trainer.PHASE_FIT, (polishOpening - from) / 1e9);
    listener.phase(Trainer.PHASE_FINISH_OPEN, (polishOpened - polishOpening) / 1e9);
    listener.phase(Trainer.PHASE_FINISH, (to - polishOpened) / 1e9);
  }

  /** Whether the float64 finish has started. */
  boolean polishing() {
    return polish != null;
  }

  /**
   * Switches to float64 for the rest of a full-batch fit, when float32 arithmetic can make no
   * further progress before the gradient tolerance (iterative refinement). Float32 rounds the
   * weights themselves to about 7 digits, so on an ill-conditioned problem (spambase
   * unpenalized, condition number ~6.5e4) the line search stalls with the objective still 1e-5
   * above the optimum; a few float64 iterations finish the job. {@code settled}: the stop the
   * float32 iterations reached.
   */
  void startPolish(StopReason settled) {
    polishSettled = settled;
    polishOpening = System.nanoTime();
    GradientBackend onTheSameRows = fallback ? null : chain.float64OnTheSameRows(backend);
    if (onTheSameRows != null) {
      // The float32 backend's device holds the raw rows, which the float64 kernels read as they
      // are: the finish opens on them (its targets, partial sums and kernel are all it makes),
      // and the float32 backend, which owns them, stays open until the fit's end.
      polish = onTheSameRows;
      polishFrom = iterations;
      polishOpened = System.nanoTime();
      return;
    }
    if (!fallback) {
      // Nothing evaluates the float32 backend once the finish has begun (a fallback backend is
      // checked once more at the end, so it stays), and its copy of the rows is as large as the
      // one the float64 backend makes: releasing it first lets the allocator hand the same,
      // already mapped memory out again. On a 1M x 64 train with huge pages the float64 open
      // took 0.24 to 0.41 s beside the float32 copy, most of it mapping fresh pages.
      backend.close();
    }
    polish = openFloat64();
    polishFrom = iterations;
    polishOpened = System.nanoTime();
  }

  /**
   * Why the float64 finish began, as its note in the fit's message ends, for the stop the
   * float32 iterations had reached: the line search found no decrease at float32's precision,
   * the objective's changes fell below the tolerance (the user's test, not float32's limit), or
   * the float32 gradient passed the test where the float64 one did not.
   */
  /**
   * What a fit's message adds for a float64 finish of {@code iterations} iterations on {@code
   * backend} (its summary), begun where the float32 iterations reached {@code settled}.
   */
  static String finishNote(int iterations, String backend, StopReason settled) {
    return iterations > 0
        ? String.format(Locale.ROOT, "; the last %s ran in float64 on %s, %s",
            iterations == 1 ? "iteration" : iterations + " iterations", backend,
            finishReason(settled))
        : "; a float64 finish on " + backend + " opened " + finishReason(settled)
            + ", but the iteration cap left it no iteration";
  }

  static String finishReason(StopReason settled) {
    return switch (settled) {
      case OBJECTIVE_TOLERANCE -> "after float32's objective changes fell below the tolerance"
          + " with the gradient test not met";
      case GRADIENT_TOLERANCE -> "where float32's gradient met the tolerance and float64's did"
          + " not";
      default -> "where float32 could make no further progress";
    };
  }

  /**
   * A float64 backend on the training data: the same OpenCL device in double precision where
   * it has fp64 (in the training backend's layout), otherwise the reference. The caller closes
   * it.
   */
  private GradientBackend openFloat64() {
    return chain.float64(backend.info().kind(), backend.info().layout(), train,
        standardization, columns);
  }

  /**
   * Whether a warm start on a float32 backend meets the gradient test in float64 at its first
   * point where float32's figures fail it by their rounding alone (an L1 fit's KKT violation at
   * its own optimum): from the optimum of the same problem a fit then stops at once, as it does
   * where float32's figures pass. One pass of the reference, whose figures the judgement reuses.
   */
  boolean warmStartConverged() {
    return warmStart && iterations == 0 && epochs == 0 && float32() && polish == null
        && !float64FinishNeeded();
  }

  /**
   * Whether a float32 full-batch fit that is about to stop must go on in float64 first: the
   * gradient test does not hold in float64 at its weights.
   */
  boolean float64FinishNeeded() {
    if (polish != null || !float32()) {
      return false;
    }
    Point p = referenceAt(theta);
    return !test().holdsFor(violation(p), p.value());
  }

  /**
   * Whether a float32 full-batch fit about to stop for {@code settled} should open its float64
   * finish. When the float32 gradient passed the test, the float64 reference decides ({@link
   * #float64FinishNeeded()}; its evaluation is the one the judgement reuses). Otherwise (the
   * objective stopped improving, or the line search found no decrease) the float32 gradient
   * fails the test, and the float64 finish opens without asking the reference first: its own
   * first evaluation, at the same weights, tells whether there is anything to finish (then
   * {@link #endPolishUnused()}), which saves one pass of the reference over the data.
   */
  boolean float64FinishMayBeNeeded(StopReason settled) {
    if (polish != null || !float32()) {
      return false;
    }
    return settled != StopReason.GRADIENT_TOLERANCE || float64FinishNeeded();
  }

  /**
   * Closes a float64 finish whose first evaluation found the test already passed: the fit stops
   * as it would have without one (and is judged by the reference as always).
   */
  void endPolishUnused() {
    polish.close();
    polish = null;
  }

  /**
   * The violation of the optimality condition at p (its x and the smooth part's gradient): the
   * gradient's max-norm, or with an L1 penalty the KKT violation.
   */
  double violation(Point p) {
    return objective.kktViolation(p.x(), p.gradient(), parameters);
  }

  /** Whether the fit has an L1 penalty (the KKT violation replaces the gradient norm). */
  boolean l1() {
    return objective.l1() > 0;
  }

  /** Whether the objective has a penalty (L2, L1 or both). */
  boolean penalized() {
    return objective.l1() > 0 || objective.l2() > 0;
  }

  /** Whether the fit runs on standardized features (not the raw ones). */
  boolean standardized() {
    return config.standardize();
  }

  /** The test's figures at p: the gradient's, or with an L1 penalty the KKT violation's. */
  String describe(GradientTest test, Point p) {
    return l1() ? test.describeKkt(violation(p), p.value())
        : test.describe(p.gradient(), p.value());
  }

  /** The full objective and gradient at x by the float64 reference, for judging a fit. */
  Point referenceAt(double[] x) {
    if (lastReference == null || !Arrays.equals(lastReference.x(), x)) {
      Evaluation e = model(reference.evaluateColumns(x, Batch.all(rows)));
      double[] g = e.gradient().clone();
      objective.addPenaltyGradient(x, g, parameters);
      lastReference = new Point(x.clone(), e.loss() + objective.penalty(x, parameters)
          + objective.l1Penalty(x, parameters), g);
    }
    return lastReference;
  }

  /** The backend's evaluation; a failure inside the backend becomes a BackendFailure. */
  Evaluation evaluate(double[] x, Batch batch) {
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

  /**
   * Full data term plus the smooth penalty (the L2 part), with its gradient: the smooth part,
   * which OWL-QN adds the L1 term to itself.
   */
  Point full(double[] x) {
    return full(polish != null ? polish : backend, x);
  }

  /**
   * The whole objective at x (the L1 term included) with the smooth part's gradient, as the
   * mini-batch loop and OWL-QN's points report it.
   */
  Point fullWithL1(double[] x) {
    Point p = full(x);
    return l1() ? new Point(p.x(), p.value() + objective.l1Penalty(x, parameters),
        p.gradient()) : p;
  }

  private Point full(GradientBackend active, double[] x) {
    Evaluation e = evaluate(active, x, Batch.all(rows));
    evaluations++;
    double[] g = e.gradient().clone();
    objective.addPenaltyGradient(x, g, parameters);
    return new Point(x.clone(), e.loss() + objective.penalty(x, parameters), g);
  }

  /** The evaluation of the one model the columns hold: its loss and its whole gradient. */
  private static Evaluation model(BatchedEvaluation e) {
    return new Evaluation(e.loss()[0], e.gradient());
  }

  /**
   * The periodic check of a full-batch evaluation at theta against the reference; with an L1
   * penalty it also reports the KKT violation there (from the reference's gradient) as a
   * message, since the gradient's size says nothing about optimality then.
   */
  void verifyFull(Evaluation fresh) {
    Verifier.Check c = verifier.verify(iterations, theta, Batch.all(rows), fresh);
    if (l1()) {
      double[] g = c.reference().gradient().clone();
      objective.addPenaltyGradient(theta, g, parameters);
      listener.message(String.format(Locale.ROOT, "verified at iteration %d: gradient error"
          + " %.3e against the float64 reference; KKT violation %.3e there, %d nonzero weights",
          iterations, c.error(), objective.kktViolation(theta, g, parameters),
          Objective.nonzero(theta, parameters)));
    }
  }

  /** Whether the periodic check against the reference ({@code verifyEvery}) is due now. */
  boolean verificationDue() {
    return config.verifyEvery() > 0 && iterations % config.verifyEvery() == 0;
  }

  /** The gradient norm rule, against the objective at the start. */
  StoppingRules.GradientNorm gradientNorm() {
    return new StoppingRules.GradientNorm(test(), this::violation);
  }

  GradientTest test() {
    return new GradientTest(config.gradientTolerance(), initialObjective, targetScale);
  }

  /**
   * Whether unpenalized logistic regression has no finite optimum, stopping if so. The test is
   * complete separation: theta puts every training row strictly on its own side, so scaling
   * theta up lowers every row's loss and the infimum 0 is never reached. It runs (one pass over
   * the data in float64) when the mean log loss falls below ln(2)/n (weighted: {@link
   * Separation#lossImplyingSeparation()}), which implies it, and otherwise on the schedule of
   * {@link StoppingRules.SeparationCheck}.
   */
  private boolean separable(double value, int step) {
    if (!unpenalizedLogistic()) {
      return false;
    }
    if (!separationCheck.due(value, step, separation.lossImplyingSeparation())
        || !separation.separates(theta)) {
      return false;
    }
    stopSeparable();
    return true;
  }

  /**
   * The rules every regime consults after a step: separation, then early stopping on the
   * validation loss. True when one stopped the fit.
   */
  boolean separableOrEarlyStop(double value, int step) {
    if (separable(value, step)) {
      return true;
    }
    if (earlyStop == null) {
      return false;
    }
    return apply(earlyStop.check(theta, history.get(history.size() - 1).validationLoss()));
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
    boolean holds = test.holdsFor(violation(end), end.value());
    if (unpenalizedLogistic() && (separation.separates(theta) || !holds && probeSeparates())) {
      stopSeparable();
      return;
    }
    if (!settled()) {
      return;
    }
    String figures = describe(test, end);
    if (holds) {
      message = "converged: " + (trigger == null ? "" : trigger + "; ") + figures;
      return;
    }
    stop(StopReason.STALLED, "stalled: " + (trigger != null ? trigger : (float32()
        ? "the float32 gradient passes the test, the float64 gradient does not"
        : "the backend's gradient passes the test, the float64 reference's does not"))
        + "; " + figures + stallAdvice());
  }

  /** Whether the fit stopped because it converged or stopped improving in its own terms. */
  private boolean settled() {
    return stopReason == StopReason.GRADIENT_TOLERANCE
        || stopReason == StopReason.OBJECTIVE_TOLERANCE
        || stopReason == StopReason.PRECISION_LIMIT;
  }

  /**
   * Whether a mini-batch fit's last epoch ran at the floor of a decaying learning rate ({@link
   * io.descent.optim.LearningRateSchedule#MIN_RATE}), where the weights no longer move: more
   * epochs or a lower objective tolerance cannot help there.
   */
  boolean rateAtFloor;

  /** The advice where {@link #rateAtFloor}. */
  static final String RATE_AT_FLOOR = "the decaying learning rate reached its floor, 2.2e-308,"
      + " where the weights no longer move: decay it more slowly with decay(...) or"
      + " decayInterval(...)";

  private String stallAdvice() {
    if (!config.isFullBatch()) {
      String fullBatch = "train full batch with optimizer(\""
          + (l1() ? io.descent.optim.OwlQn.NAME : io.descent.optim.Lbfgs.NAME) + "\")";
      if (rateAtFloor) {
        return ": " + RATE_AT_FLOOR + ", or " + fullBatch;
      }
      io.descent.optim.LearningRateSchedule schedule = config.schedule();
      boolean decays = !(schedule instanceof io.descent.optim.LearningRateSchedule.Constant)
          && !(schedule instanceof io.descent.optim.LearningRateSchedule.StepDecay step
              && step.factor() == 1)
          && !(schedule instanceof io.descent.optim.LearningRateSchedule.ExponentialDecay e
              && e.gamma() == 1);
      if (!decays && config.updateRule() instanceof io.descent.optim.AdaGrad) {
        return ": AdaGrad's steps shrink as its sums of squared gradients grow, and the noise"
            + " outlasted them; lower objectiveTolerance(...) to go on, or " + fullBatch;
      }
      return !decays
          ? ": with a constant learning rate" + (schedule instanceof
              io.descent.optim.LearningRateSchedule.Constant ? "" : " (a decay of 1 is none)")
              + " the steps were too large to settle (their noise, or an overshoot) or too small"
              + " to move the weights; let the rate decay with schedule(...), change"
              + " learningRate(...), or " + fullBatch
          : ": the decaying rate's steps no longer lower the objective (their noise outlasts"
              + " them, or they are too small to move the weights); lower"
              + " objectiveTolerance(...) to go on, or " + fullBatch;
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
    return (config.loss() == Loss.LOGISTIC || config.loss().coupled()) && config.l2() == 0
        && config.l1() == 0;
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

  /** What the cap's message adds for unpenalized logistic regression near separation. */
  String quasiSeparationHint() {
    return unpenalizedLogistic() ? Separation.quasiSeparationHint(theta, parameters) : "";
  }

  /** Records a step's progress (and the validation loss, when there is a validation set). */
  void record(Point p, double step, int epoch) {
    double validationLoss = Double.NaN;
    if (validationBackend != null) {
      validationLoss = validationBackend.evaluateColumns(p.x(),
          Batch.all(validationBackend.rows())).loss()[0];
      earlyStop.start(p.x(), validationLoss);
    }
    Progress progress = new Progress(iterations, epoch, p.value(), Trainer.norm(
        objective.subgradient(p.x(), p.gradient(), parameters)),
        step, seconds(), validationLoss);
    history.add(progress);
    listener.progress(progress);
  }

  /**
   * Applies a rule's verdict: keeps its parameters and stops (settled stops are judged later).
   * True when there was one.
   */
  boolean apply(Stop stop) {
    if (stop == null) {
      return false;
    }
    if (stop.keep() != null) {
      theta = stop.keep();
    }
    if (stop.settled()) {
      stopSettled(stop.reason(), stop.message());
    } else {
      stop(stop.reason(), stop.message());
    }
    return true;
  }

  void stop(StopReason reason, String detail) {
    this.stopReason = reason;
    this.message = detail != null ? detail : reason.description();
  }

  /**
   * Stops on a rule that may or may not be convergence; {@link #judge()} decides with the
   * gradient test. {@code why} says what the rule saw, null for the gradient test itself.
   */
  void stopSettled(StopReason reason, String why) {
    stop(reason, why);
    this.trigger = why;
  }

  private Map<String, Object> hyperparameters() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("loss", config.loss().label());
    h.put("l2", config.l2());
    if (config.l1() > 0) {
      h.put("l1", config.l1());
    }
    h.put("layout", backend.info().layout());
    if (backend instanceof io.descent.gradient.GramBackend gram) {
      h.put("solver", "normal equations (statistics from " + gram.source().summary() + ")");
    }
    h.putAll(config.runSettings());
    if (train.weights() != null) {
      h.put("weighted", true);
    }
    if (warmStart) {
      h.put("warmStart", true);
    }
    if (polish != null) {
      h.put("polish", polish.info().summary());
      h.put("polishIterations", iterations - polishFrom);
    }
    return h;
  }

  /** The fit's result (closing the float64 finish's backend). */
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
      message += finishNote(iterations - polishFrom, polish.info().summary(), polishSettled);
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
      // a penalty no larger): the objective is judged at those. With an L1 penalty only the
      // intercepts are: centering the weights would change the L1 term (and put nonzero values
      // where the optimum has exact zeros); the L2-only optimum is centered already.
      model = l1() ? LinearModel.multinomialInterceptsCentered(train.featureNames(),
          train.targetName(), train.classLabels().orElseThrow(), standardization, theta)
          : LinearModel.multinomial(train.featureNames(), train.targetName(),
              train.classLabels().orElseThrow(), standardization, theta);
      theta = model.theta();
    } else {
      model = LinearModel.of(config.loss(), train.featureNames(), train.targetName(),
          config.loss() == Loss.LINEAR ? null : binaryLabels(train), standardization, theta);
    }
    if (!config.standardize()) {
      model = onRawFeatures(model);
    }
    // The reported objective comes from the float64 reference, whatever backend trained.
    Point end = referenceAt(theta);
    double[] g = end.gradient();
    double finalObjective = end.value();
    double verification = verifier == null ? Double.NaN : verifier.largestError();
    return new FitResult(model, stopReason, message, iterations, epochs, evaluations,
        backend.info(), config.optimizerDescription(), finalObjective, Trainer.norm(g),
        seconds(), verification, config.seed(), rows, List.copyOf(history), config.l2(),
        config.standardize(), hyperparameters(), null, null, config.optimizerSettings(),
        config.l1(), violation(end), Objective.nonzero(theta, parameters));
  }
  /**
   * A model of the raw features fitted centred ({@link Trainer#centred}) as the identity's:
   * each column's intercept {@code b - sum_j w_j mean_j}, its weights as they are (scale 1).
   */
  private LinearModel onRawFeatures(LinearModel centredModel) {
    if (standardization.isIdentity()) {
      return centredModel;
    }
    Standardization raw = Standardization.identity(standardization.features());
    double[] t = new StandardizationMap(standardization, raw).toBase(centredModel.theta());
    if (columns.loss().coupled()) {
      // As buildResult: with L1 only the intercepts are centered over the classes.
      return l1() ? LinearModel.multinomialInterceptsCentered(train.featureNames(),
          train.targetName(), train.classLabels().orElseThrow(), raw, t)
          : LinearModel.multinomial(train.featureNames(), train.targetName(),
              train.classLabels().orElseThrow(), raw, t);
    }
    return LinearModel.of(config.loss(), train.featureNames(), train.targetName(),
            config.loss() == Loss.LINEAR ? null : binaryLabels(train), raw, t);
  }

  /**
   * A logistic model's labels: the data's binary labels, or where its target was read as two
   * class labels those two (the first, in their stable order, as 0), so that the model names
   * "no" and "yes" rather than 0 and 1; null for a target of plain 0 and 1.
   */
  static io.descent.data.BinaryLabels binaryLabels(Dataset train) {
    if (train.labels().isPresent()) {
      return train.labels().get();
    }
    return train.classLabels().filter(c -> c.size() == 2)
        .map(c -> new io.descent.data.BinaryLabels(c.label(0), c.label(1))).orElse(null);
  }
}
