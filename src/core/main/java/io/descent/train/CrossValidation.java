package io.descent.train;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.data.Shuffle;
import io.descent.data.Standardization;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import io.descent.model.ClassificationMetrics;
import io.descent.model.LinearModel;
import io.descent.model.Metrics;
import io.descent.model.ModelMetrics;
import io.descent.model.RegressionMetrics;
import io.descent.optim.Lbfgs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * K-fold cross-validation of a grid of L2 penalties, every (penalty, fold) model fitted together
 * in lockstep ({@link LockstepFit}): one pass over the rows evaluates all {@code folds x
 * settings} columns, group {@code s * folds + f} fitting setting s without the rows of fold f.
 *
 * <p>Each fold's models are standardized on that fold's training rows (as {@code train} on those
 * rows would be), start where the trainer starts (the intercept of the constant model, weights
 * 0) and stop by the trainer's full-batch rules, so each is the model {@code train} would fit
 * on the fold's training rows, to the optimizer's tolerance. Each model is then scored on its
 * held-out fold: the validation loss is the mean per-row loss as the objective defines it
 * ({@code log(1 + e^m) - y m} for logistic, {@code (1/2)(y - m)^2} for linear, no penalty), with
 * accuracy (logistic) or R2 (linear) beside it. The best setting has the lowest mean validation
 * loss over the folds; the first of equals wins.
 *
 * <p>Folds: a seeded shuffle dealt round-robin, so fold sizes differ by at most one; for the
 * logistic loss each class is shuffled and dealt in turn (stratified), so every fold has the
 * classes in about the data's proportions.
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

  /**
   * What to cross-validate, and how.
   *
   * @param loss linear or logistic
   * @param l2 the penalties to compare, each finite and {@code >= 0}, at least one
   * @param folds the number of folds, {@code >= 2}
   * @param seed the seed of the fold assignment
   * @param backend {@code auto}, {@code opencl}, {@code nd4j} or {@code reference}
   * @param openCl the OpenCL options (null for the defaults)
   * @param settings the full-batch optimizer and stopping rules of every model
   * @param miniBatch when not null, the mini-batch rule and stopping rules every model runs
   *     instead of {@code settings} ({@link LockstepMiniBatch})
   */
  public record Options(Loss loss, List<Double> l2, int folds, long seed, String backend,
      OpenClOptions openCl, LockstepFit.Settings settings, LockstepMiniBatch.Settings miniBatch) {
    /** Checks every value, with messages naming the value and the rule. */
    public Options {
      Objects.requireNonNull(loss, "loss");
      if (loss.coupled()) {
        throw new IllegalArgumentException("cross-validation fits linear or logistic models, not "
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

  /**
   * One model's score on its held-out fold.
   *
   * @param fold the fold left out
   * @param rows the held-out rows
   * @param loss the mean validation loss (NaN when the fit diverged)
   * @param metric accuracy (logistic) or R2 (linear) on the held-out rows
   * @param fit how its fit ended
   */
  public record FoldScore(int fold, int rows, double loss, double metric,
      LockstepFit.ModelResult fit) {}

  /**
   * One penalty's scores over the folds; standard deviations are population ones (ddof 0, as
   * scikit-learn's {@code cv_results_}).
   *
   * @param l2 the penalty
   * @param meanLoss the mean over folds of the validation loss
   * @param sdLoss its standard deviation over folds
   * @param meanMetric the mean accuracy or R2
   * @param sdMetric its standard deviation
   * @param folds every fold's score, in fold order
   */
  public record SettingScore(double l2, double meanLoss, double sdLoss, double meanMetric,
      double sdMetric, List<FoldScore> folds) {
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

  /** "accuracy" for the logistic loss, "r2" for the linear one. */
  public static String metricName(Loss loss) {
    return loss == Loss.LOGISTIC ? "accuracy" : "r2";
  }

  /**
   * The fold of every row: a seeded shuffle dealt round-robin over {@code folds}, class by class
   * when stratified (0/1 targets).
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
      for (double cls : new double[] {0, 1}) {
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
   * @param messages receives one line per skipped backend
   * @throws IllegalArgumentException when the data has fewer rows than folds, or (logistic) a
   *     fold's training rows hold one class only
   * @throws BackendUnavailableException when the chosen backend cannot run
   */
  public Result run(Dataset data, Consumer<String> messages) {
    Loss loss = options.loss();
    int k = options.folds();
    boolean stratified = loss == Loss.LOGISTIC;
    int[] rowFold = folds(data, k, stratified, options.seed());
    int[][] train = new int[k][];
    int[][] held = new int[k][];
    for (int f = 0; f < k; f++) {
      int fold = f;
      train[f] = java.util.stream.IntStream.range(0, data.rows()).filter(i -> rowFold[i] != fold)
          .toArray();
      held[f] = java.util.stream.IntStream.range(0, data.rows()).filter(i -> rowFold[i] == fold)
          .toArray();
      if (loss == Loss.LOGISTIC) {
        requireBothClasses(data, train[f], f);
      }
    }
    Standardization base = Standardization.fit(data);
    Standardization[] own = new Standardization[k];
    double[] intercept = new double[k];
    for (int f = 0; f < k; f++) {
      // One fold's copy at a time: the trainer standardizes the rows it trains on the same way.
      Dataset rows = data.rows(train[f]);
      own[f] = Standardization.fit(rows);
      intercept[f] = Trainer.initialIntercept(loss, rows.y());
    }
    int settings = options.l2().size();
    int groups = settings * k;
    int[] heldOut = new int[groups];
    List<LockstepFit.Model> models = new ArrayList<>(groups);
    int p = data.features() + 1;
    for (int s = 0; s < settings; s++) {
      for (int f = 0; f < k; f++) {
        heldOut[s * k + f] = f;
        double[] start = new double[p];
        start[0] = intercept[f];
        models.add(new LockstepFit.Model(options.l2().get(s), own[f], start));
      }
    }
    Columns columns = Columns.of(loss, groups).withFolds(rowFold, heldOut);
    List<String> notices = new ArrayList<>();
    Consumer<String> notice = line -> {
      notices.add(line);
      messages.accept(line);
    };
    LockstepFit.Result result;
    try (ChosenBackend chosen = new ChosenBackend(options.backend(), data, base, columns,
        options.openCl(), notice)) {
      if (options.miniBatch() != null) {
        LockstepMiniBatch fit = new LockstepMiniBatch(options.miniBatch());
        running = fit::requestStop;
        if (stopRequested) {
          fit.requestStop();
        }
        result = fit.fit(data, chosen.opener(), columns, base, models);
      } else {
        LockstepFit fit = new LockstepFit(options.settings());
        running = fit::requestStop;
        if (stopRequested) {
          fit.requestStop();
        }
        result = fit.fit(data, chosen.opener(), chosen.float64(), columns, base, models);
      }
    } finally {
      running = null;
    }
    return score(data, held, own, result, stratified, notices);
  }

  private Result score(Dataset data, int[][] held, Standardization[] own,
      LockstepFit.Result fit, boolean stratified, List<String> notices) {
    int k = options.folds();
    Dataset[] validation = new Dataset[k];
    for (int f = 0; f < k; f++) {
      validation[f] = data.rows(held[f]);
    }
    List<SettingScore> scores = new ArrayList<>();
    int best = -1;
    for (int s = 0; s < options.l2().size(); s++) {
      List<FoldScore> folds = new ArrayList<>();
      double[] losses = new double[k];
      double[] metrics = new double[k];
      for (int f = 0; f < k; f++) {
        LockstepFit.ModelResult r = fit.models().get(s * k + f);
        double lossValue = Double.NaN;
        double metric = Double.NaN;
        if (allFinite(r.theta())) {
          LinearModel model = LinearModel.of(options.loss(), data.featureNames(),
              data.targetName(), data.labels().orElse(null), own[f], r.theta());
          ModelMetrics m = Metrics.evaluate(model, validation[f]);
          if (m instanceof ClassificationMetrics c) {
            lossValue = c.meanLogLoss();
            metric = c.accuracy();
          } else if (m instanceof RegressionMetrics q) {
            lossValue = q.mse() / 2;
            metric = q.r2();
          }
        }
        losses[f] = lossValue;
        metrics[f] = metric;
        folds.add(new FoldScore(f, held[f].length, lossValue, metric, r));
      }
      SettingScore score = new SettingScore(options.l2().get(s), mean(losses), sd(losses),
          mean(metrics), sd(metrics), List.copyOf(folds));
      scores.add(score);
      if (!Double.isNaN(score.meanLoss())
          && (best < 0 || score.meanLoss() < scores.get(best).meanLoss())) {
        best = s;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("no setting has a finite validation loss: every fit"
          + " diverged");
    }
    return new Result(List.copyOf(scores), best, k, stratified, fit, List.copyOf(notices));
  }

  /** Logistic regression needs both classes among a fold's training rows. */
  private static void requireBothClasses(Dataset data, int[] rows, int fold) {
    double[] y = data.y();
    for (int i : rows) {
      if (y[i] != y[rows[0]]) {
        return;
      }
    }
    throw new IllegalArgumentException(data.source() + ": the training rows of fold " + fold
        + " hold one class of target \"" + data.targetName() + "\" only: logistic regression"
        + " needs both; use fewer folds");
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
