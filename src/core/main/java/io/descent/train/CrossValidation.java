package io.descent.train;

import io.descent.Descent;
import io.descent.data.BinaryLabels;
import io.descent.data.ClassLabels;
import io.descent.data.ClassWeights;
import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import io.descent.data.Shuffle;
import io.descent.data.Standardization;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.GramBackend;
import io.descent.gradient.HostMoments;
import io.descent.gradient.Moments;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.loss.Softmax;
import io.descent.model.ClassificationMetrics;
import io.descent.model.LinearModel;
import io.descent.model.Metrics;
import io.descent.model.ModelMetrics;
import io.descent.model.MulticlassMetrics;
import io.descent.model.RegressionMetrics;
import io.descent.optim.Lbfgs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * K-fold cross-validation of a grid of penalty settings (an L2 penalty, and optionally an L1 one:
 * {@link Options#l1()}), every (setting, fold) model fitted together in lockstep ({@link
 * LockstepFit}; OWL-QN for a setting with an L1 penalty): one pass over the rows evaluates all
 * {@code folds x settings} columns, group {@code s * folds + f} fitting setting s without the
 * rows of fold f.
 *
 * <p>Each fold's models are standardized on that fold's training rows (as {@code train} on those
 * rows would be), start where the trainer starts (the intercept of the constant model, or for
 * multinomial the intercepts of the constant model over the C classes, weights 0) and stop by
 * the trainer's full-batch rules, so each is the model {@code train} would fit on the fold's
 * training rows, to the optimizer's tolerance. Each model is then scored on its held-out fold:
 * the validation loss is the mean per-row loss as the objective defines it ({@code log(1 + e^m)
 * - y m} for logistic, {@code log sum_k e^(m_k) - m_y} for multinomial, {@code (1/2)(y - m)^2}
 * for linear, no penalty), with accuracy (logistic, multinomial) or R2 (linear) beside it. The
 * best setting has the lowest mean validation loss over the folds; the first of equals wins.
 *
 * <p>Weights: with row weights ({@link Dataset#weights()}) or class weights ({@link
 * Options#classWeights()}), each fold's models are the weighted fits {@code train} makes on the
 * fold's training rows: standardization, initial intercepts and loss weighted. Balanced class
 * weights are counted on each fold's training rows, as {@code train} on those rows counts them
 * (and as scikit-learn's {@code GridSearchCV} does with {@code class_weight='balanced'}); the
 * folds' weights then differ, and each group carries its fold's in a class-weight table ({@link
 * Columns#withClassWeights}), so every fold still shares the one lockstep fit. The validation
 * loss and metric are then weighted means over the
 * held-out rows, each row weighing its own weight times its class weight (balanced: the weights
 * of the fold's training rows, as {@code train} weighs a validation set); R2 is the weighted one
 * ({@code 1 - sum s (y - p)^2 / sum s (y - ybar_s)^2}).
 *
 * <p>Folds: a seeded shuffle dealt round-robin, so fold sizes differ by at most one; for the
 * logistic and multinomial losses each class is shuffled and dealt in turn (stratified), so
 * every fold has the classes in about the data's proportions.
 */
public final class CrossValidation {
  /** The default number of folds. */
  public static final int DEFAULT_FOLDS = 5;
  /** The default grid of L2 penalties, as written on a command line. */
  public static final String DEFAULT_L2_GRID = "1e-4,1e-3,1e-2,1e-1,1";
  /** The default grid of L2 penalties: {@value #DEFAULT_L2_GRID}. */
  public static final List<Double> DEFAULT_L2 = java.util.Arrays.stream(
      DEFAULT_L2_GRID.split(",")).map(Double::valueOf).toList();

  private final Options options;
  private volatile Runnable running;
  private volatile boolean stopRequested;
  private Solver solver = Solver.DEFAULT;

  /**
   * What to cross-validate, and how.
   *
   * @param loss linear, logistic or multinomial (a class target: {@link Dataset#classLabels()})
   * @param l2 the penalties to compare, each finite and {@code >= 0}, at least one
   * @param folds the number of folds, {@code >= 2}
   * @param seed the seed of the fold assignment
   * @param backend {@code auto}, {@code opencl}, {@code nd4j} or {@code reference}
   * @param openCl the OpenCL options (null for the defaults)
   * @param settings the full-batch optimizer and stopping rules of every model
   * @param miniBatch when not null, the mini-batch rule and stopping rules every model runs
   *     instead of {@code settings} ({@link LockstepMiniBatch})
   * @param classWeights weights per class multiplying the rows' own (logistic, multinomial);
   *     null for none
   * @param l1 the L1 penalty of each setting, paired with {@code l2} (the same length), each
   *     finite and {@code >= 0}; null or empty for none. A setting with an L1 penalty runs
   *     OWL-QN ({@link LockstepFit}); full-batch fits only
   */
  public record Options(Loss loss, List<Double> l2, int folds, long seed, String backend,
      OpenClOptions openCl, LockstepFit.Settings settings, LockstepMiniBatch.Settings miniBatch,
      ClassWeights classWeights, List<Double> l1) {
    /** Checks every value, with messages naming the value and the rule. */
    public Options {
      Objects.requireNonNull(loss, "loss");
      if (classWeights != null && loss == Loss.LINEAR) {
        throw new IllegalArgumentException("class weights need a classification loss, not "
            + loss.label());
      }
      l2 = List.copyOf(l2);
      if (l2.isEmpty()) {
        throw new IllegalArgumentException("l2 must have at least one penalty");
      }
      for (double v : l2) {
        if (!(v >= 0) || !Double.isFinite(v)) {
          throw new IllegalArgumentException("l2 must be finite and >= 0, got " + v);
        }
      }
      if (folds < 2) {
        throw new IllegalArgumentException("folds must be >= 2, got " + folds);
      }
      Backends.candidates(Objects.requireNonNull(backend, "backend"));
      openCl = openCl == null ? OpenClOptions.defaults() : openCl;
      Objects.requireNonNull(settings, "settings");
      l1 = l1 == null || l1.isEmpty() ? java.util.Collections.nCopies(l2.size(), 0.0)
          : List.copyOf(l1);
      if (l1.size() != l2.size()) {
        throw new IllegalArgumentException(l1.size() + " L1 penalties for " + l2.size()
            + " settings: give one per setting");
      }
      for (double v : l1) {
        if (!(v >= 0) || !Double.isFinite(v)) {
          throw new IllegalArgumentException("l1 must be finite and >= 0, got " + v);
        }
        if (v > 0 && miniBatch != null) {
          throw new IllegalArgumentException("an L1 penalty in cross-validation needs a"
              + " full-batch fit (OWL-QN), not a mini-batch rule");
        }
      }
    }

    /** Options without L1 penalties. */
    public Options(Loss loss, List<Double> l2, int folds, long seed, String backend,
        OpenClOptions openCl, LockstepFit.Settings settings,
        LockstepMiniBatch.Settings miniBatch, ClassWeights classWeights) {
      this(loss, l2, folds, seed, backend, openCl, settings, miniBatch, classWeights, null);
    }

    /** The same options with these L1 penalties, one per setting (null for none). */
    public Options withL1(List<Double> penalties) {
      return new Options(loss, l2, folds, seed, backend, openCl, settings, miniBatch,
          classWeights, penalties);
    }

    /** Options without class weights. */
    public Options(Loss loss, List<Double> l2, int folds, long seed, String backend,
        OpenClOptions openCl, LockstepFit.Settings settings,
        LockstepMiniBatch.Settings miniBatch) {
      this(loss, l2, folds, seed, backend, openCl, settings, miniBatch, null);
    }

    /** The same options with these class weights (null for none). */
    public Options withClassWeights(ClassWeights weights) {
      return new Options(loss, l2, folds, seed, backend, openCl, settings, miniBatch, weights,
          l1);
    }

    /** Full-batch options: every model runs {@code settings}' optimizer. */
    public Options(Loss loss, List<Double> l2, int folds, long seed, String backend,
        OpenClOptions openCl, LockstepFit.Settings settings) {
      this(loss, l2, folds, seed, backend, openCl, settings, null);
    }

    /** The defaults of {@link Descent}: L-BFGS, its iteration cap and tolerances. */
    public static LockstepFit.Settings defaultSettings() {
      return new LockstepFit.Settings(new Lbfgs(), Descent.DEFAULT_MAX_ITERATIONS,
          Descent.DEFAULT_TOLERANCE, Descent.DEFAULT_FULL_BATCH_OBJECTIVE_TOLERANCE);
    }
  }

  /** The mean over folds of the weights not exactly zero (intercepts excluded). */
  private static double meanNonzero(List<FoldScore> folds, int parameters) {
    double s = 0;
    for (FoldScore f : folds) {
      s += io.descent.loss.Objective.nonzero(f.fit().theta(), parameters);
    }
    return s / folds.size();
  }

  /**
   * One model's score on its held-out fold.
   *
   * @param fold the fold left out
   * @param rows the held-out rows
   * @param weight their total weight (row times class weights; the row count when unweighted)
   * @param loss the mean validation loss (NaN when the fit diverged)
   * @param metric accuracy (logistic, multinomial) or R2 (linear) on the held-out rows
   * @param fit how its fit ended
   */
  public record FoldScore(int fold, int rows, double weight, double loss, double metric,
      LockstepFit.ModelResult fit) {}

  /**
   * One penalty's scores over the folds; standard deviations are population ones (ddof 0, as
   * scikit-learn's {@code cv_results_}).
   *
   * @param l2 the L2 penalty
   * @param meanLoss the mean over folds of the validation loss
   * @param sdLoss its standard deviation over folds
   * @param meanMetric the mean accuracy or R2
   * @param sdMetric its standard deviation
   * @param folds every fold's score, in fold order
   * @param l1 the L1 penalty (0 for none)
   * @param meanNonzero the mean over folds of the weights (intercepts excluded, every class's)
   *     not exactly zero; NaN where not counted
   */
  public record SettingScore(double l2, double meanLoss, double sdLoss, double meanMetric,
      double sdMetric, List<FoldScore> folds, double l1, double meanNonzero) {
    /** Scores of a setting without an L1 penalty, its nonzero weights not counted. */
    public SettingScore(double l2, double meanLoss, double sdLoss, double meanMetric,
        double sdMetric, List<FoldScore> folds) {
      this(l2, meanLoss, sdLoss, meanMetric, sdMetric, folds, 0, Double.NaN);
    }

    /** Folds whose fit converged. */
    public int converged() {
      return (int) folds.stream().filter(f -> f.fit().converged()).count();
    }
  }

  /**
   * The whole cross-validation.
   *
   * @param settings every penalty's scores, in the order given
   * @param best the index of the best setting (lowest mean validation loss)
   * @param folds the number of folds
   * @param stratified whether the folds were stratified by class
   * @param fit the lockstep fit of every model
   * @param notices skipped backends
   */
  public record Result(List<SettingScore> settings, int best, int folds, boolean stratified,
      LockstepFit.Result fit, List<String> notices) {
    /** The best setting's scores. */
    public SettingScore bestSetting() {
      return settings.get(best);
    }
  }

  /**
   * How linear cross-validations evaluate (see {@link Solver}; {@link Solver#DEFAULT} unless
   * set): with the normal equations, the moments of every fold are computed in one pass and
   * every model's statistics are the total less its held-out fold's.
   *
   * @return this cross-validation
   * @throws IllegalArgumentException when {@link Solver#NORMAL} is asked for a loss other than
   *     linear or for mini-batch options
   */
  public CrossValidation solver(Solver solver) {
    solver.normalFor(options.loss(), options.miniBatch() == null, 2, 1);
    this.solver = solver;
    return this;
  }

  /** A cross-validation with these options. */
  public CrossValidation(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Asks a running cross-validation to stop every model after its current iteration. */
  public void requestStop() {
    stopRequested = true;
    Runnable stop = running;
    if (stop != null) {
      stop.run();
    }
  }

  /** "accuracy" for the logistic and multinomial losses, "r2" for the linear one. */
  public static String metricName(Loss loss) {
    return loss == Loss.LINEAR ? "r2" : "accuracy";
  }

  /**
   * The fold of every row: a seeded shuffle dealt round-robin over {@code folds}, class by class
   * (in increasing order of the target's values: 0/1, or class indices) when stratified.
   *
   * @throws IllegalArgumentException when there are fewer rows than folds
   */
  public static int[] folds(Dataset data, int folds, boolean stratified, long seed) {
    int n = data.rows();
    if (folds < 2 || folds > n) {
      throw new IllegalArgumentException(data.source() + ": cannot deal " + n + " rows into "
          + folds + " folds: folds must be between 2 and the number of rows");
    }
    int[] fold = new int[n];
    SplittableRandom random = new SplittableRandom(seed);
    int next = 0;
    if (stratified) {
      double[] y = data.y();
      for (double cls : java.util.stream.DoubleStream.of(y).distinct().sorted().toArray()) {
        int[] members = java.util.stream.IntStream.range(0, n).filter(i -> y[i] == cls)
            .toArray();
        Shuffle.shuffle(members, random);
        for (int i : members) {
          fold[i] = next;
          next = (next + 1) % folds;
        }
      }
    } else {
      int[] order = java.util.stream.IntStream.range(0, n).toArray();
      Shuffle.shuffle(order, random);
      for (int i : order) {
        fold[i] = next;
        next = (next + 1) % folds;
      }
    }
    return fold;
  }

  /**
   * Runs the cross-validation on the data.
   *
   * @param messages receives one line per skipped backend and notice; null for none
   * @throws IllegalArgumentException when the data has fewer rows than folds, (logistic) a
   *     fold's training rows hold one class only, (multinomial) the target has one class or a
   *     fold's training rows lack a class, or class weights do not fit the target
   * @throws BackendUnavailableException when the chosen backend cannot run
   */
  public Result run(Dataset given, Consumer<String> messages) {
    given.requireTarget();
    Loss loss = options.loss();
    if (loss == Loss.LINEAR) {
      Trainer.requireNumericTarget(given); // else a fit of class indices as numbers
    } else if (loss == Loss.LOGISTIC) {
      Trainer.requireTwoClasses(given); // else one fold's row and value, with no remedy
    }
    int k = options.folds();
    boolean stratified = loss != Loss.LINEAR;
    // Multinomial: classes as the trainer codes them (a numeric target's distinct values).
    Dataset data = loss.coupled() ? given.asClasses() : given;
    int classes = loss.coupled() ? data.classLabels().orElseThrow().size() : 1;
    int[] rowFold = folds(data, k, stratified, options.seed());
    int[][] train = new int[k][];
    int[][] held = new int[k][];
    for (int f = 0; f < k; f++) {
      int fold = f;
      train[f] = java.util.stream.IntStream.range(0, data.rows()).filter(i -> rowFold[i] != fold)
          .toArray();
      held[f] = java.util.stream.IntStream.range(0, data.rows()).filter(i -> rowFold[i] == fold)
          .toArray();
    }
    // The rows' weights as each fold's fits see them. Balanced class weights, counted on each
    // fold's training rows, differ from fold to fold: a class-weight table per group carries
    // them, so every fold still shares the one lockstep fit.
    ClassWeights cw = options.classWeights();
    boolean balanced = cw != null && cw.isBalanced();
    Dataset shared = cw == null || balanced ? data : cw.applyTo(data);
    int labels = loss.coupled() ? classes : 2;
    double[][] foldClassWeights = new double[k][];
    Dataset[] weighted = new Dataset[k];
    // Weights that leave a class nothing in every fold: said as train says it, not as a fold's.
    if (loss == Loss.LOGISTIC) {
      Trainer.requireBothClasses(shared);
    } else if (loss.coupled()) {
      Trainer.requireEveryClass(shared);
    }
    for (int f = 0; f < k; f++) {
      requireHeldOutWeight(shared, held[f], f);
    }
    for (int f = 0; f < k; f++) {
      if (balanced) {
        foldClassWeights[f] = cw.perClass(data, train[f]);
        double[] w = new double[data.rows()];
        for (int i = 0; i < w.length; i++) {
          w[i] = data.weight(i) * foldClassWeights[f][(int) data.y()[i]];
        }
        weighted[f] = data.withWeights(w);
      } else {
        weighted[f] = shared;
      }
      if (loss == Loss.LOGISTIC) {
        requireBothClasses(weighted[f], train[f], f);
      }
      if (loss.coupled()) {
        requireEveryClass(weighted[f], train[f], f);
      }
    }
    Standardization[] own = new Standardization[k];
    double[][] start = new double[k][];
    int p = data.features() + 1;
    for (int f = 0; f < k; f++) {
      // One fold's copy at a time: the trainer standardizes the rows it trains on the same way.
      Dataset rows = weighted[f].rows(train[f]);
      own[f] = Standardization.fit(rows);
      start[f] = new double[p * classes];
      if (loss.coupled()) {
        double[] b = Trainer.initialIntercepts(classes, rows.y(), rows.weights());
        for (int c = 0; c < classes; c++) {
          start[f][c * p] = b[c];
        }
      } else {
        start[f][0] = Trainer.initialIntercept(loss, rows.y(), rows.weights());
      }
    }
    int settings = options.l2().size();
    List<String> notices = new ArrayList<>();
    Consumer<String> notice = line -> {
      notices.add(line);
      if (messages != null) { // null: no lines wanted, as fit's
        messages.accept(line);
      }
    };
    if (stratified) {
      sparseClasses(data, rowFold, k).forEach(notice);
    }
    // One lockstep fit of every (setting, fold) model: group s * k + f.
    int groups = settings * k;
    int[] heldOut = new int[groups];
    List<LockstepFit.Model> models = new ArrayList<>(groups);
    double[] table = balanced ? new double[groups * labels] : null;
    for (int s = 0; s < settings; s++) {
      for (int f = 0; f < k; f++) {
        heldOut[s * k + f] = f;
        models.add(new LockstepFit.Model(options.l2().get(s), options.l1().get(s), own[f],
            start[f]));
        if (balanced) {
          System.arraycopy(foldClassWeights[f], 0, table, (s * k + f) * labels, labels);
        }
      }
    }
    Columns columns = (loss.coupled() ? Columns.multinomial(classes, groups)
        : Columns.of(loss, groups)).withFolds(rowFold, heldOut);
    if (balanced) {
      columns = columns.withClassWeights(labels, table);
    }
    LockstepFit.Result all = separations(fit(shared, columns, models, notice), weighted, train,
        own, classes);
    Dataset[] validation = new Dataset[k];
    for (int f = 0; f < k; f++) {
      validation[f] = weighted[f].rows(held[f]);
    }
    if (loss == Loss.LINEAR) {
      int flat = 0;
      for (Dataset v : validation) {
        flat += spread(v) > 0 ? 0 : 1;
      }
      if (flat > 0) {
        notice.accept("the target has no spread over the validation rows of " + flat + " fold"
            + (flat == 1 ? "" : "s") + " (one value, as a single row has): R2 is undefined"
            + " there, and so is its mean (NaN; scikit-learn's r2_score gives NaN for one row"
            + " and, by its force_finite, 0 or 1 for more)");
      }
    }
    return score(data, validation, own, all, stratified, notices);
  }

  /**
   * {@code fit} with every unpenalized classification model whose fold's training rows its
   * parameters prove separable stopped as {@link StopReason#SEPARABLE}, as {@code train}'s
   * judgement stops such a fit ({@link Separation}): the lockstep's own test, a mean loss below
   * ln(2)/n, sees complete separation only, and a class separable from the others (iris's
   * setosa) left unpenalized multinomial folds "converged" with scores of no optimum. A fold that
   * did not converge is probed from its weights ({@link Separation#proof}), as {@code train}
   * judges a fit: a mini-batch fit on breast_cancer_wdbc (separable) stopped short of a
   * separating hyperplane, was scored, chosen, and its refit then failed.
   *
   * @param weighted each fold's rows as its fits weigh them
   * @param train each fold's training rows
   * @param own each fold's standardization
   * @param classes C for a multinomial fit, else 1
   */
  private LockstepFit.Result separations(LockstepFit.Result fit, Dataset[] weighted,
      int[][] train, Standardization[] own, int classes) {
    if (options.loss() == Loss.LINEAR) {
      return fit;
    }
    int k = options.folds();
    List<LockstepFit.ModelResult> models = new ArrayList<>(fit.models());
    boolean changed = false;
    for (int g = 0; g < models.size(); g++) {
      LockstepFit.ModelResult r = models.get(g);
      int s = g / k;
      int f = g % k;
      if (options.l2().get(s) != 0 || options.l1().get(s) != 0
          || r.stopReason() == StopReason.DIVERGED || r.stopReason() == StopReason.SEPARABLE
          || r.stopReason() == StopReason.INTERRUPTED || !allFinite(r.theta())) {
        continue;
      }
      Separation separation = new Separation(weighted[f].rows(train[f]), own[f],
          options.loss().coupled() ? classes : 0);
      double[] proof = separation.proof(r.theta(), r.converged(), options.miniBatch() != null
          ? options.miniBatch().gradientTolerance() : options.settings().gradientTolerance());
      if (proof != null) {
        String why = options.loss().coupled() ? separation.certificate(proof)
            : "every training row is on its own class's side";
        models.set(g, r.separable(proof, "no finite optimum: the fold's training rows are"
            + " separable (" + why + "); add a penalty with l2(...), e.g. l2(0.01)"));
        changed = true;
      }
    }
    return changed ? fit.withModels(models) : fit;
  }

  /** One lockstep fit of the models on the data (whose row weights they share). */
  private LockstepFit.Result fit(Dataset data, Columns columns, List<LockstepFit.Model> models,
      Consumer<String> notice) {
    Standardization base = Standardization.fit(data);
    try {
      if (options.miniBatch() == null
          && NormalEquations.onHost(options.backend(), options.openCl(), solver, true, data,
              columns)) {
        return lockstep(data, hostNormalEquations(data, base, columns),
            c -> new ReferenceBackend(data, base, c), columns, base, models);
      }
      try (ChosenBackend chosen = new ChosenBackend(options.backend(), data, base, columns,
          options.openCl(), notice)) {
        if (options.miniBatch() != null) {
          LockstepMiniBatch fit = new LockstepMiniBatch(options.miniBatch());
          running = fit::requestStop;
          if (stopRequested) {
            fit.requestStop();
          }
          return fit.fit(data, chosen.opener(), columns, base, models);
        }
        LockstepFit.Opener opener = null;
        if (solver.normalFor(options.loss(), true, data.rows(), data.features())) {
          opener = chosen.normalEquations(columns, solver == Solver.NORMAL, notice);
        }
        return lockstep(data, opener != null ? opener : chosen.opener(), chosen.float64(),
            columns, base, models);
      }
    } finally {
      running = null;
    }
  }

  /** A full-batch lockstep fit of the models, which {@link #requestStop} can stop. */
  private LockstepFit.Result lockstep(Dataset data, LockstepFit.Opener opener,
      LockstepFit.Opener float64, Columns columns, Standardization base,
      List<LockstepFit.Model> models) {
    LockstepFit fit = new LockstepFit(options.settings());
    running = fit::requestStop;
    if (stopRequested) {
      fit.requestStop();
    }
    return fit.fit(data, opener, float64, columns, base, models);
  }

  /**
   * The normal equations with every fold's moments computed on the host ({@link HostMoments},
   * one pass), opening no OpenCL platform: what {@code auto} does for a small linear
   * cross-validation ({@link NormalEquations#onHost}). A float64 finish, which the float64
   * normal equations never need, would run on the reference.
   */
  private static LockstepFit.Opener hostNormalEquations(Dataset data, Standardization base,
      Columns columns) {
    int[] rowFold = columns.hasFolds() ? columns.rowFolds() : null;
    int threads = HostMoments.threads(data.rows());
    Moments[] moments = HostMoments.compute(data, base.mean(), rowFold, Moments.folds(rowFold),
        threads);
    BackendInfo info = HostMoments.info(threads);
    return c -> new GramBackend(moments, data.rows(), base, c, info);
  }

  private Result score(Dataset data, Dataset[] validation, Standardization[] own,
      LockstepFit.Result fit, boolean stratified, List<String> notices) {
    int k = options.folds();
    List<SettingScore> scores = new ArrayList<>();
    int best = -1;
    for (int s = 0; s < options.l2().size(); s++) {
      List<FoldScore> folds = new ArrayList<>();
      double[] losses = new double[k];
      double[] metrics = new double[k];
      for (int f = 0; f < k; f++) {
        LockstepFit.ModelResult r = fit.models().get(s * k + f);
        double[] value = {Double.NaN, Double.NaN};
        // A fit that diverged has no score (its theta is a start or an early epoch's), nor one
        // that found no finite optimum (its theta is wherever it stopped): NaN, so that its
        // setting is never the best, as GridSearchCV's error_score=nan.
        if (r.stopReason() != StopReason.DIVERGED && r.stopReason() != StopReason.SEPARABLE
            && allFinite(r.theta())) {
          LinearModel model = options.loss().coupled()
              ? LinearModel.multinomial(data.featureNames(), data.targetName(),
                  data.classLabels().orElseThrow(), own[f], r.theta())
              : LinearModel.of(options.loss(), data.featureNames(), data.targetName(),
                  options.loss() == Loss.LINEAR ? null : data.labels().orElse(null), own[f],
                  r.theta());
          value = validationScore(model, validation[f]);
        }
        losses[f] = value[0];
        metrics[f] = value[1];
        double weight = 0;
        for (int i = 0; i < validation[f].rows(); i++) {
          weight += validation[f].weight(i);
        }
        folds.add(new FoldScore(f, validation[f].rows(), weight, value[0], value[1], r));
      }
      SettingScore score = new SettingScore(options.l2().get(s), mean(losses), sd(losses),
          mean(metrics), sd(metrics), List.copyOf(folds), options.l1().get(s),
          meanNonzero(folds, data.features() + 1));
      scores.add(score);
      if (!Double.isNaN(score.meanLoss())
          && (best < 0 || score.meanLoss() < scores.get(best).meanLoss())) {
        best = s;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("no setting has a finite validation loss: every"
          + " setting has a fit that diverged or found the classes separable (no finite"
          + " optimum; add a penalty with l2(...), e.g. l2(0.01))");
    }
    return new Result(List.copyOf(scores), best, k, stratified, fit, List.copyOf(notices));
  }

  /**
   * A model's validation loss and metric on held-out rows: as {@link Metrics} gives them for
   * unweighted rows, the weighted means (and weighted R2) for weighted ones.
   */
  static double[] validationScore(LinearModel model, Dataset rows) {
    if (rows.weights() == null) {
      ModelMetrics m = Metrics.evaluate(model, rows);
      if (m instanceof ClassificationMetrics c) {
        return new double[] {c.meanLogLoss(), c.accuracy()};
      } else if (m instanceof MulticlassMetrics c) {
        return new double[] {c.meanLogLoss(), c.accuracy()};
      }
      RegressionMetrics q = (RegressionMetrics) m;
      return new double[] {q.mse() / 2, q.r2()};
    }
    int n = rows.rows();
    double[] y = rows.y();
    CompensatedSum total = new CompensatedSum();
    CompensatedSum loss = new CompensatedSum();
    CompensatedSum metric = new CompensatedSum();
    for (int i = 0; i < n; i++) {
      total.add(rows.weight(i));
    }
    double sum = total.value();
    if (model.loss().coupled()) {
      int c = model.classCount();
      double[] m = model.classMargins(rows);
      for (int i = 0; i < n; i++) {
        int t = (int) y[i];
        double s = rows.weight(i);
        loss.add(s * Softmax.loss(m, i * c, c, t));
        metric.add(Softmax.argmax(m, i * c, c) == t ? s : 0);
      }
      return new double[] {loss.value() / sum, metric.value() / sum};
    }
    double[] m = model.margins(rows);
    if (model.loss() == Loss.LOGISTIC) {
      for (int i = 0; i < n; i++) {
        double s = rows.weight(i);
        loss.add(s * Loss.LOGISTIC.value(m[i], y[i]));
        metric.add((m[i] > 0 ? 1 : 0) == (y[i] > 0.5 ? 1 : 0) ? s : 0);
      }
      return new double[] {loss.value() / sum, metric.value() / sum};
    }
    CompensatedSum ySum = new CompensatedSum();
    for (int i = 0; i < n; i++) {
      ySum.add(rows.weight(i) * y[i]);
    }
    double mean = ySum.value() / sum;
    CompensatedSum spread = new CompensatedSum();
    for (int i = 0; i < n; i++) {
      double s = rows.weight(i);
      double e = y[i] - m[i];
      loss.add(s * e * e);
      spread.add(s * (y[i] - mean) * (y[i] - mean));
    }
    double sse = loss.value();
    // No spread of the target over the rows that weigh: R2 undefined (NaN), as Metrics has it.
    return new double[] {sse / sum / 2, spread.value() > 0 ? 1 - sse / spread.value()
        : Double.NaN};
  }

  /** Multinomial regression needs every class among a fold's training rows (weighing > 0). */
  private static void requireEveryClass(Dataset data, int[] rows, int fold) {
    ClassLabels classes = data.classLabels().orElseThrow();
    boolean[] seen = new boolean[classes.size()];
    boolean[] weighs = new boolean[classes.size()];
    for (int i : rows) {
      seen[(int) data.y()[i]] = true;
      weighs[(int) data.y()[i]] |= data.weight(i) > 0;
    }
    for (int c = 0; c < seen.length; c++) {
      if (!weighs[c]) {
        tooFew(data, c, classes.label(c));
        throw new IllegalArgumentException(data.source() + ": the training rows of fold " + fold
            + (seen[c] ? " that weigh more than 0" : "") + " hold no row of class \""
            + classes.label(c) + "\" of target \"" + data.targetName() + "\": multinomial"
            + " regression needs every class" + (seen[c] ? "" : "; use fewer folds"));
      }
    }
  }

  /**
   * Refuses a class with a single row (that weighs more than 0) in the whole data: whichever
   * fold holds it out, that fold's training rows lack the class, and no number of folds helps.
   */
  private static void tooFew(Dataset data, int cls, String label) {
    int rows = 0;
    for (int i = 0; i < data.rows(); i++) {
      if (classOf(data, i) == cls && data.weight(i) > 0) {
        rows++;
      }
    }
    if (rows < 2) {
      throw new IllegalArgumentException(data.source() + ": class \"" + label + "\" of target \""
          + data.targetName() + "\" has only " + rows + " row" + (rows == 1 ? "" : "s")
          + (data.weights() == null ? "" : rows == 1 ? " that weighs more than 0"
              : " that weigh more than 0") + ": cross-validation"
          + " needs 2 or more of each class, so that every fold's training rows hold one");
    }
  }

  /** Row i's class: the class index of a multinomial target, else 1 for y > 0.5 and 0 below. */
  private static int classOf(Dataset data, int i) {
    double y = data.y()[i];
    return data.classLabels().isPresent() ? (int) y : y > 0.5 ? 1 : 0;
  }

  /**
   * The notice for each class whose rows miss the validation rows of some folds (a class of
   * fewer rows than folds, as scikit-learn's stratified folds warn): those folds' validation
   * figures then say nothing of that class. Empty for a numeric target.
   */
  static List<String> sparseClasses(Dataset data, int[] rowFold, int folds) {
    if (data.classLabels().isEmpty() && data.labels().isEmpty()) {
      return List.of();
    }
    int classes = data.classLabels().map(ClassLabels::size).orElse(2);
    boolean[][] held = new boolean[classes][folds];
    int[] rows = new int[classes];
    for (int i = 0; i < data.rows(); i++) {
      int c = classOf(data, i);
      held[c][rowFold[i]] = true;
      rows[c]++;
    }
    List<String> notices = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      int without = 0;
      for (boolean h : held[c]) {
        without += h ? 0 : 1;
      }
      if (without > 0 && rows[c] > 0) {
        String label = data.classLabels().isPresent() ? data.classLabels().get().label(c)
            : data.labels().get().label(c);
        notices.add("class \"" + label + "\" of target \"" + data.targetName() + "\" has "
            + rows[c] + " row" + (rows[c] == 1 ? "" : "s") + ", fewer than the " + folds
            + " folds: the validation rows of " + without + " fold" + (without == 1 ? "" : "s")
            + " hold none of it");
      }
    }
    return notices;
  }

  /**
   * A fold's validation loss is the weighted mean over its held-out rows: rows that all weigh 0
   * leave it undefined.
   */
  private static void requireHeldOutWeight(Dataset data, int[] held, int fold) {
    if (data.weights() == null) {
      return;
    }
    for (int i : held) {
      if (data.weight(i) > 0) {
        return;
      }
    }
    throw new IllegalArgumentException(data.source() + ": the held-out rows of fold " + fold
        + " all weigh 0, so its validation loss is undefined: use fewer folds, or fewer rows"
        + " of weight 0");
  }

  /** Logistic regression needs both classes among a fold's training rows (weighing > 0). */
  private static void requireBothClasses(Dataset data, int[] rows, int fold) {
    // As the trainer: of the rows that weigh more than 0 (with weights).
    double[] y = data.y();
    double[] weight = new double[2];
    for (int i : rows) {
      weight[y[i] > 0.5 ? 1 : 0] += data.weight(i);
    }
    if (weight[0] > 0 && weight[1] > 0) {
      return;
    }
    int missing = weight[0] > 0 ? 1 : 0;
    tooFew(data, missing, data.labels().orElse(BinaryLabels.zeroOne()).label(missing));
    throw new IllegalArgumentException(data.source() + ": the training rows of fold " + fold
        + (data.weights() == null ? "" : " that weigh more than 0") + " hold one class of"
        + " target \"" + data.targetName() + "\" only: logistic regression needs both; use fewer"
        + " folds");
  }

  /** The weighted sum of squares of the target about its weighted mean, over the rows. */
  private static double spread(Dataset rows) {
    CompensatedSum sum = new CompensatedSum();
    CompensatedSum weight = new CompensatedSum();
    for (int i = 0; i < rows.rows(); i++) {
      sum.add(rows.weight(i) * rows.y()[i]);
      weight.add(rows.weight(i));
    }
    double mean = sum.value() / weight.value();
    CompensatedSum squares = new CompensatedSum();
    for (int i = 0; i < rows.rows(); i++) {
      double e = rows.y()[i] - mean;
      squares.add(rows.weight(i) * e * e);
    }
    return squares.value();
  }

  private static boolean allFinite(double[] v) {
    return Arrays.stream(v).allMatch(Double::isFinite);
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double sd(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / v.length);
  }
}
