package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Backends;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.GramBackend;
import io.descent.gradient.HostMoments;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import io.descent.optim.OwlQn;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A regularization path, as glmnet computes one: the elastic-net fits of N total penalties
 * {@code lambda}, with {@code l1 = lambda A} and {@code l2 = lambda (1 - A)} for an L1 ratio A in
 * (0, 1] (A = 1: the lasso), log-spaced from {@code lambda_max} down to {@code lambda_max *
 * minRatio}, largest first.
 *
 * <p>{@code lambda_max} is the smallest penalty whose optimum has every weight zero: at w = 0,
 * with the intercepts at their optimum (the constant model's), the subgradient condition holds
 * for every weight exactly when {@code l1 >= max_j |g_j|}, g the data term's gradient (the L2
 * part's is 0 there), so {@code lambda_max = max_j |g_j| / A}, over every class for a
 * multinomial model. It is computed in float64.
 *
 * <p>How: the penalties are fitted in blocks of {@link Options#block()} in lockstep ({@link
 * LockstepFit}, each model OWL-QN with the trainer's stopping rules and float64 finish, every
 * fit to the default tolerance as {@code train}'s), every model of a block warm-started from the
 * solution of the previous block's last (smallest) penalty, the first block from the constant
 * model (the solution at {@code lambda_max}). A block costs the passes of its slowest model,
 * so blocks of B penalties take about B times fewer passes over the data than fitting them one
 * after another, at the price of starts further from each optimum. ONE backend is opened for
 * the whole path (through the backend chain, as the trainer opens its own), with B columns,
 * and serves every block; a float32 backend's float64 finish likewise opens one float64
 * backend at most.
 *
 * <p>A linear path runs on the normal equations where {@code train}'s automatic solver would
 * ({@link Solver#AUTO}): only what computes the rows' moments is opened ({@link
 * NormalEquations#open}; on OpenCL a context and the moments kernel, released before the first
 * fit), and since an evaluation then reads no row, blocks buy nothing: the penalties are fitted
 * one after another on the calling thread, each warm-started from the previous one's solution,
 * by coordinate descent on the statistics ({@code GramCoordinateDescent}: glmnet's covariance
 * updates, {@code O(d)} per coordinate move, stopped by the same KKT test as OWL-QN's fits).
 * OWL-QN stays for what coordinate descent on the statistics cannot fit: logistic and
 * multinomial paths, and linear paths by passes (too many features for the normal equations,
 * or a device without float64 moments). Under {@code auto}, moments small enough for the host
 * to finish in about the time an OpenCL platform takes to start ({@link HostMoments#preferred})
 * are computed on the host without trying OpenCL, with a notice saying so.
 *
 * <p>Weights live in the standardized space of the training data (the space of the objective):
 * {@link Step#theta()} holds the standardized coefficients.
 */
public final class RegularizationPath {
  /** The default number of penalties. */
  public static final int DEFAULT_PENALTIES = 50;
  /**
   * The most penalties a path takes: {@value} (glmnet and scikit-learn take 100 by default;
   * a path's coefficients are kept for every penalty, and past about 2^31 values no Java array
   * holds them, whatever the heap).
   */
  public static final int MAX_PENALTIES = 100_000;
  /** The default L1 ratio A: the lasso (glmnet's alpha = 1). */
  public static final double DEFAULT_L1_RATIO = 1;
  /** The default smallest penalty over lambda_max when rows exceed features (glmnet's). */
  public static final double DEFAULT_MIN_RATIO = 1e-4;
  /** The default smallest penalty over lambda_max when rows do not exceed features (glmnet's). */
  public static final double DEFAULT_MIN_RATIO_WIDE = 1e-2;
  /**
   * The default number of penalties fitted in one lockstep block. Measured on diabetes.csv
   * (lasso, 50 penalties, reference backend, {@code RegularizationPathTest.blockSizes}): blocks
   * of 1, 5, 10, 25 and 50 took 15695, 4907, 2939, 1424 and 1431 passes over the data (column
   * evaluations: passes x block, 15695 to 71550); 25 is near the fewest passes at half the
   * column evaluations of one block of 50. Passes are not all of the time: on a CPU device
   * (PoCL, 100,000 x 64 logistic, 20 penalties) blocks of 1, 5 and 20 took 627, 156 and 53
   * passes but 5.6, 4.9 and 7.7 s, since each column costs its own arithmetic there; where a
   * pass costs about the same for 1 or 25 columns (a GPU) larger blocks win.
   */
  public static final int DEFAULT_BLOCK = 25;

  /**
   * The path's settings.
   *
   * @param l1Ratio A, the L1 share of each penalty, in (0, 1]
   * @param penalties N, the number of penalties, 1 to {@link #MAX_PENALTIES}
   * @param minRatio the smallest penalty over lambda_max, in (0, 1); null for the default
   *     ({@link #defaultMinRatio})
   * @param block penalties fitted in lockstep per block, {@code >= 1}
   */
  public record Options(double l1Ratio, int penalties, Double minRatio, int block) {
    /** Checks every value. */
    public Options {
      if (!(l1Ratio > 0 && l1Ratio <= 1)) {
        throw new IllegalArgumentException("the L1 ratio must be in (0, 1], got " + l1Ratio);
      }
      if (penalties < 1 || penalties > MAX_PENALTIES) {
        throw new IllegalArgumentException("the number of penalties must be 1 to "
            + MAX_PENALTIES + ", got " + penalties);
      }
      if (minRatio != null && !(minRatio > 0 && minRatio < 1)) {
        throw new IllegalArgumentException("the smallest penalty's ratio to the largest must be"
            + " in (0, 1), got " + minRatio);
      }
      if (block < 1) {
        throw new IllegalArgumentException("the block size must be >= 1, got " + block);
      }
    }

    /** The defaults: the lasso, {@value #DEFAULT_PENALTIES} penalties, glmnet's ratio. */
    public static Options defaults() {
      return new Options(DEFAULT_L1_RATIO, DEFAULT_PENALTIES, null, DEFAULT_BLOCK);
    }
  }

  /**
   * One penalty's fit.
   *
   * @param penalty the total penalty lambda
   * @param l1 its L1 strength, {@code lambda A}
   * @param l2 its L2 strength, {@code lambda (1 - A)}
   * @param objective data term plus both penalties at theta
   * @param dataTerm the data term (mean loss) at theta
   * @param nonzero weights (intercepts excluded) not exactly zero
   * @param kktViolation the largest violation of the optimality condition at theta
   * @param theta the standardized coefficients, {@code (d + 1) x C}, column-major, intercept
   *     first
   * @param converged whether the gradient (KKT) test holds at theta
   * @param stopReason why its fit stopped
   * @param message the stop with its figures
   * @param iterations its optimizer iterations
   */
  public record Step(double penalty, double l1, double l2, double objective, double dataTerm,
      int nonzero, double kktViolation, double[] theta, boolean converged,
      StopReason stopReason, String message, int iterations) {}

  /**
   * The whole path.
   *
   * @param steps one per penalty, largest first (fewer than asked when interrupted: the
   *     interrupted block's fits are {@link StopReason#INTERRUPTED}, later ones absent)
   * @param lambdaMax the largest penalty, the smallest that zeroes every weight
   * @param minRatio the smallest penalty over the largest
   * @param l1Ratio A
   * @param standardization the standardized space of the coefficients
   * @param classes the class labels of a multinomial path in column order; empty otherwise
   * @param passes evaluations over the data (batched), lambda_max's included
   * @param backend what ran the fits
   * @param seconds wall time of the whole path: {@code openSeconds + solveSeconds}
   * @param notices lines about skipped or failed backends
   * @param solver what fitted the penalties: {@link #COORDINATE_DESCENT} or {@link #OWL_QN}
   * @param openSeconds wall time until the fits could start: opening the backend, and on the
   *     normal equations computing the moments (an OpenCL platform's start and the kernel's
   *     build included)
   * @param solveSeconds wall time of lambda_max's evaluation and every penalty's fit
   */
  public record Result(List<Step> steps, double lambdaMax, double minRatio, double l1Ratio,
      Standardization standardization, List<String> classes, int passes, BackendInfo backend,
      double seconds, List<String> notices, String solver, double openSeconds,
      double solveSeconds) {}

  /**
   * {@link Result#solver()} of a linear path on the normal equations: coordinate descent on the
   * statistics ({@code GramCoordinateDescent}).
   */
  public static final String COORDINATE_DESCENT = "coordinate descent";
  /** {@link Result#solver()} of a path fitted by passes: OWL-QN in lockstep blocks. */
  public static final String OWL_QN = "OWL-QN";

  private final Loss loss;
  private final String backendChoice;
  private final OpenClOptions openCl;
  private final boolean standardize;
  private final LockstepFit.Settings settings;
  private final Options options;
  private volatile LockstepFit running;
  private volatile boolean stopRequested;

  /**
   * A path with the trainer's settings.
   *
   * @param config the loss, backend, standardization, iteration cap and tolerances (its
   *     optimizer is not used: every fit runs OWL-QN)
   * @param options the penalties
   */
  public RegularizationPath(TrainingConfig config, Options options) {
    this.loss = config.loss();
    this.backendChoice = config.backend();
    this.openCl = config.openCl();
    this.standardize = config.standardize();
    this.settings = new LockstepFit.Settings(new OwlQn(), config.maxIterations(),
        config.gradientTolerance(), config.objectiveTolerance());
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The default smallest ratio: {@value #DEFAULT_MIN_RATIO} when rows &gt; features, else 1e-2. */
  public static double defaultMinRatio(int rows, int features) {
    return rows > features ? DEFAULT_MIN_RATIO : DEFAULT_MIN_RATIO_WIDE;
  }

  /**
   * The N penalties, log-spaced from {@code max} down to {@code max * minRatio}, largest first.
   */
  public static double[] penalties(double max, double minRatio, int n) {
    double[] p = new double[n];
    for (int k = 0; k < n; k++) {
      p[k] = n == 1 ? max : max * Math.pow(minRatio, (double) k / (n - 1));
    }
    return p;
  }

  /** Asks a running path to stop after the current iteration of its fits; any thread. */
  public void requestStop() {
    stopRequested = true;
    LockstepFit fit = running;
    if (fit != null) {
      fit.requestStop();
    }
  }

  /**
   * Fits the path on the data.
   *
   * @param data the training rows (row weights count)
   * @param notice receives one line per skipped or failed backend
   * @throws IllegalArgumentException when the data cannot be fitted (as the trainer refuses it)
   * @throws io.descent.gradient.BackendUnavailableException when no backend can run
   */
  public Result run(Dataset data, Consumer<String> notice) {
    long start = System.nanoTime();
    data.requireTarget();
    if (data.rows() == 0) {
      throw new IllegalArgumentException(data.source() + ": no rows to fit");
    }
    Dataset train = loss.coupled() ? data.asClasses() : data;
    Trainer.requireWeight(train, "training");
    if (loss == Loss.LOGISTIC) {
      Trainer.requireTwoClasses(train);
      Trainer.requireBothClasses(train);
    }
    if (loss == Loss.LINEAR) {
      Trainer.requireNumericTarget(train);
    }
    int classes = 1;
    List<String> labels = List.of();
    if (loss.coupled()) {
      Trainer.requireEveryClass(train);
      classes = train.classLabels().orElseThrow().size();
      labels = train.classLabels().orElseThrow().labels();
    }
    // The standardization: from the moments on the normal equations (no pass of its own),
    // else fitted once when a backend that makes passes opens.
    Standardization[] fittedOnce = new Standardization[1];
    java.util.function.Supplier<Standardization> fitted = () -> {
      if (fittedOnce[0] == null) {
        // Raw features run centred, as train's (Trainer.centred), and are reported raw.
        fittedOnce[0] = standardize ? Standardization.fit(train) : Trainer.centred(train);
      }
      return fittedOnce[0];
    };
    int block = Math.min(options.block(), options.penalties());
    Columns columns = loss.coupled() ? Columns.multinomial(classes, block)
        : Columns.of(loss, block);
    List<String> notices = new ArrayList<>();
    Consumer<String> both = line -> {
      notices.add(line);
      notice.accept(line);
    };
    String choice = backendChoice;
    if (hostMoments(choice, openCl, train, columns)) {
      choice = BackendKind.REFERENCE.label();
      int threads = HostMoments.threads(train.rows());
      both.accept(String.format(java.util.Locale.ROOT, "the moments are computed on the host"
          + " (%.2g multiply-adds on %d thread%s: cheaper here than starting OpenCL)",
          HostMoments.multiplyAdds(train.rows(), train.features()), threads,
          threads == 1 ? "" : "s"));
    }
    BackendChain chain = new BackendChain(choice, Backends::open, openCl, both);
    int c = classes;
    List<String> classLabels = labels;
    // A linear path runs on the normal equations where train's auto would: the moments are
    // computed once, in one pass, for every penalty of the path, opening only what computes
    // them (the device is released before the first fit).
    return chain.run(kind -> NormalEquations.open(chain, kind, Solver.AUTO, true, train,
            standardize, fitted, columns),
        (backend, kind, fallback) -> {
          try (GradientBackend opened = backend) {
            Standardization std = opened instanceof GramBackend g ? g.standardization()
                : fitted.get();
            GradientBackend shared = NormalEquations.choose(Solver.AUTO, true, opened, train, std,
                columns, both);
            try (Float64 float64 = new Float64(chain, kind, shared, train, std, columns)) {
              return fit(train, std, columns, c, shared, float64, classLabels, notices, start);
            }
          }
        });
  }

  /**
   * Whether an automatic choice computes a linear path's moments on the host without trying
   * OpenCL: when the path runs on the normal equations and the moments are small enough ({@link
   * HostMoments#preferred}) that the host finishes them in about the time an OpenCL platform
   * takes to start.
   */
  static boolean hostMoments(String choice, OpenClOptions openCl, Dataset train,
      Columns columns) {
    return NormalEquations.onHost(choice, openCl, Solver.AUTO, true, train, columns);
  }

  /** The float64 backend of a float32 path, opened once when first needed. */
  private static final class Float64 implements AutoCloseable {
    private final BackendChain chain;
    private final BackendKind kind;
    private final GradientBackend training;
    private final Dataset data;
    private final Standardization std;
    private final Columns columns;
    private GradientBackend opened;

    Float64(BackendChain chain, BackendKind kind, GradientBackend training, Dataset data,
        Standardization std, Columns columns) {
      this.chain = chain;
      this.kind = kind;
      this.training = training;
      this.data = data;
      this.std = std;
      this.columns = columns;
    }

    /** The training backend when it computes in float64, else the float64 one. */
    GradientBackend get() {
      if (!"float32".equals(training.info().precision())) {
        return training;
      }
      if (opened == null) {
        opened = chain.float64(kind, training.info().layout(), data, std, columns);
      }
      return opened;
    }

    @Override
    public void close() {
      if (opened != null) {
        opened.close();
      }
    }
  }

  /**
   * The first point, at lambda_max, as its exact optimum where that passes the gradient test:
   * every weight 0 and the intercept-only fit theta0 (the definition of lambda_max: there the
   * data term's gradient of each weight is at most the L1 term), as coordinate descent and
   * scikit-learn's lasso_path give it. OWL-QN from theta0 could take a step on a float32
   * gradient a rounding above the L1 term: a weight of -6.5e-14 on raw features of 1e8 +- 300
   * (OpenCL), reported nonzero on the row that says every weight is 0.
   */
  private void exactAtLambdaMax(List<Step> steps, double[] theta0, BatchedEvaluation at0,
      Dataset train, int p) {
    Step fitted = steps.get(0);
    Objective objective = new Objective(loss, fitted.l2(), fitted.l1());
    double value = at0.loss()[0];
    double violation = objective.kktViolation(theta0, at0.gradient(), p);
    GradientTest test = new GradientTest(settings.gradientTolerance(), Math.abs(value),
        GradientTest.targetScale(loss, train.y(), train.weights()));
    if (!test.holdsFor(violation, value)) {
      return;
    }
    steps.set(0, new Step(fitted.penalty(), fitted.l1(), fitted.l2(), value, value, 0,
        violation, theta0.clone(), true, StopReason.GRADIENT_TOLERANCE, "converged: lambda_max's"
            + " optimum, every weight 0 (the intercept-only fit); " + test.describeKkt(violation,
            value), fitted.iterations()));
  }

  private Result fit(Dataset train, Standardization std, Columns columns, int classes,
      GradientBackend shared, Float64 float64, List<String> labels, List<String> notices,
      long start) {
    long opened = System.nanoTime();
    int p = train.features() + 1;
    int width = classes * p;
    double[] theta0 = new double[width];
    if (loss.coupled()) {
      double[] b = Trainer.initialIntercepts(classes, train.y(), train.weights());
      for (int k = 0; k < classes; k++) {
        theta0[k * p] = b[k];
      }
    } else {
      theta0[0] = Trainer.initialIntercept(loss, train.y(), train.weights());
    }
    Columns one = loss.coupled() ? Columns.multinomial(classes, 1) : Columns.of(loss, 1);
    // On the normal equations an evaluation reads no row: lambda_max's evaluation is one
    // column's, and the penalties are fitted one after another (below).
    boolean normal = shared instanceof GramBackend;
    GradientBackend evaluator = normal ? ((GramBackend) shared).select(one) : shared;
    int block = normal ? 1 : columns.groups();
    BatchedEvaluation at0;
    try {
      at0 = new SharedBackend(normal ? evaluator : float64.get(), one).evaluateColumns(theta0,
          Batch.all(train.rows()));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BackendFailureException(float64.get().info(), e);
    }
    int passes = 1;
    double gmax = 0;
    for (int j = 0; j < width; j++) {
      if (Objective.penalized(j, p)) {
        gmax = Math.max(gmax, Math.abs(at0.gradient()[j]));
      }
    }
    double lambdaMax = gmax / options.l1Ratio();
    if (Double.isInfinite(lambdaMax)) {
      throw new IllegalArgumentException("the L1 ratio " + options.l1Ratio() + " is too small"
          + " for this data: lambda_max = max |gradient| / ratio = " + gmax + " / "
          + options.l1Ratio() + " overflows");
    }
    double minRatio = options.minRatio() != null ? options.minRatio()
        : defaultMinRatio(train.rows(), train.features());
    double[] lambda = penalties(lambdaMax, minRatio, options.penalties());
    List<Step> steps = new ArrayList<>();
    BackendInfo info = shared.info();
    double[] warm = theta0;
    String solver;
    if (normal) {
      solver = COORDINATE_DESCENT;
      // Coordinate descent on the statistics (glmnet's covariance updates), one penalty after
      // another from the previous one's solution.
      GramCoordinateDescent cd = new GramCoordinateDescent((GramBackend) shared,
          settings.maxIterations(), settings.gradientTolerance(),
          GradientTest.targetScale(Loss.LINEAR, train.y(), train.weights()));
      for (int k = 0; k < lambda.length && !stopRequested; k++) {
        GramCoordinateDescent.Fit f = cd.fit(l1(lambda[k]), l2(lambda[k]), warm,
            () -> stopRequested);
        passes += f.evaluations();
        steps.add(new Step(lambda[k], l1(lambda[k]), l2(lambda[k]), f.objective(),
            f.dataTerm(), Objective.nonzero(f.theta(), p), f.kktViolation(), f.theta(),
            f.converged(), f.stopReason(), f.message(), f.sweeps()));
        warm = f.theta();
      }
    } else {
      solver = OWL_QN;
      for (int from = 0; from < lambda.length && !stopRequested; from += block) {
        int to = Math.min(lambda.length, from + block);
        List<LockstepFit.Model> models = new ArrayList<>();
        for (int k = from; k < to; k++) {
          models.add(new LockstepFit.Model(l2(lambda[k]), l1(lambda[k]), null, warm));
        }
        Columns blockColumns = LockstepFit.select(columns, range(to - from));
        LockstepFit fit = new LockstepFit(settings);
        running = fit;
        if (stopRequested) {
          fit.requestStop();
        }
        LockstepFit.Result r = fit.fit(train, cols -> new SharedBackend(evaluator, cols),
            cols -> new SharedBackend(float64.get(), cols), blockColumns, std, models);
        passes += r.passes();
        for (int k = from; k < to; k++) {
          LockstepFit.ModelResult m = r.models().get(k - from);
          Objective objective = new Objective(loss, l2(lambda[k]), l1(lambda[k]));
          double[] theta = m.theta();
          double dataTerm = m.objective() - objective.penalty(theta, p)
              - objective.l1Penalty(theta, p);
          steps.add(new Step(lambda[k], l1(lambda[k]), l2(lambda[k]), m.objective(), dataTerm,
              Objective.nonzero(theta, p), m.kktViolation(), theta, m.converged(),
              m.stopReason(), m.message(), m.iterations()));
        }
        if (from == 0 && lambda[0] == lambdaMax) {
          exactAtLambdaMax(steps, theta0, at0, train, p);
        }
        warm = steps.get(to - 1).theta();
      }
    }
    running = null;
    long end = System.nanoTime();
    Standardization reported = std;
    if (!standardize && !std.isIdentity()) {
      // Fitted centred: each point's intercepts on the raw features, b - sum_j w_j mean_j.
      reported = Standardization.identity(std.features());
      StandardizationMap toRaw = new StandardizationMap(std, reported);
      for (int i = 0; i < steps.size(); i++) {
        Step s = steps.get(i);
        double[] t = toRaw.toBase(s.theta());
        steps.set(i, new Step(s.penalty(), s.l1(), s.l2(), s.objective(), s.dataTerm(),
            s.nonzero(), s.kktViolation(), t, s.converged(), s.stopReason(), s.message(),
            s.iterations()));
      }
    }
    return new Result(List.copyOf(steps), lambdaMax, minRatio, options.l1Ratio(), reported,
        labels, passes, info, (end - start) / 1e9, List.copyOf(notices), solver,
        (opened - start) / 1e9, (end - opened) / 1e9);
  }

  private double l1(double lambda) {
    return lambda * options.l1Ratio();
  }

  private double l2(double lambda) {
    return options.l1Ratio() == 1 ? 0 : lambda * (1 - options.l1Ratio());
  }

  private static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
