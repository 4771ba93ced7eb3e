package io.descent;

import io.descent.data.ClassWeights;
import io.descent.data.Dataset;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import io.descent.optim.FullBatchOptimizer;
import io.descent.optim.Hyperparameters;
import io.descent.optim.LearningRateSchedule;
import io.descent.optim.OptimizerKind;
import io.descent.optim.ScheduleKind;
import io.descent.optim.UpdateRule;
import io.descent.train.FitResult;
import io.descent.train.LockstepFit;
import io.descent.train.OneVsRest;
import io.descent.train.StopReason;
import io.descent.train.Trainer;
import io.descent.train.TrainingConfig;
import io.descent.train.TrainingListener;
import java.util.Objects;

/**
 * The library's entry point: configure a fit fluently, then run it.
 *
 * <pre>{@code
 * Dataset data = new CsvReader(CsvReader.Options.binaryTarget("spam")).read(Path.of("spam.csv"));
 * LinearModel model = Descent.logistic().l2(0.01).fit(data);
 * }</pre>
 *
 * <p>Every setting has a default (L-BFGS, standardized features, {@code --backend auto}, seed
 * 42); a null passed for an optional setting means "the default". A {@code Descent} is a mutable
 * builder: configure it on one thread. Each {@link #fit} runs a fresh {@link Trainer}, so one
 * configured builder may be used for several fits in sequence.
 */
public final class Descent {
  /** Default cap on full-batch iterations. */
  public static final int DEFAULT_MAX_ITERATIONS = 1000;
  /** Default cap on mini-batch epochs. */
  public static final int DEFAULT_MAX_EPOCHS = 100;
  /** Default rows per mini-batch. */
  public static final int DEFAULT_BATCH_SIZE = 32;
  /**
   * Default gradient tolerance: max |g| <= 1e-8 * max(1, |J|) (squared error: 1e-8 * max(s, |J| /
   * s), s the target's standard deviation); with an L1 penalty the same bound
   * on the KKT violation (absolute, see {@link io.descent.loss.Objective#kktViolation}). For L1
   * it also decides the support: a weight the optimum has at zero with slack {@code l1 - |g_j|}
   * stays exactly zero only while the fit's gradient is within that slack of the optimum's. The
   * tightest of reference.json's L1 optima, digits' elastic net, has a slack of 2.1e-5 (objective
   * 0.80, so a bound of 1e-8); OWL-QN at a KKT violation of 1e-8 is orders of magnitude closer
   * than that, and reaches every reference support exactly on every backend.
   */
  public static final double DEFAULT_TOLERANCE = 1e-8;
  /**
   * Default relative objective change for full batch (twice in a row): 0, off. A full-batch fit
   * ends on the gradient test, on its line search finding no decrease (which a float32 fit
   * follows with its float64 finish), or at its cap. At 1e-12, L-BFGS stopped one or two
   * iterations short of the gradient test on spambase (max |g| 2.1e-8 against 1e-8), and such a
   * stop is not convergence.
   */
  public static final double DEFAULT_FULL_BATCH_OBJECTIVE_TOLERANCE = 0;
  /** Default relative objective change per epoch for mini-batch. */
  public static final double DEFAULT_MINI_BATCH_OBJECTIVE_TOLERANCE = 1e-6;
  /** Default seed. */
  public static final long DEFAULT_SEED = 42;
  /** The optimizer unless one is chosen (without an L1 penalty). */
  public static final String DEFAULT_OPTIMIZER = "lbfgs";
  /**
   * The optimizer unless one is chosen, with an L1 penalty: OWL-QN ({@link
   * io.descent.optim.OwlQn}), L-BFGS made for the L1 term's kinks, as Spark uses. L-BFGS and
   * gradient descent assume a differentiable objective, so with {@link #l1(double)} they are
   * refused rather than silently replaced.
   */
  public static final String DEFAULT_L1_OPTIMIZER = "owlqn";
  /** The backend choice unless one is made: OpenCL, then ND4J, then the reference. */
  public static final String DEFAULT_BACKEND = "auto";
  /** Iterations (epochs) without a better validation loss before early stopping. */
  public static final int DEFAULT_PATIENCE = 10;
  /** The learning-rate schedule of mini-batch optimizers unless one is chosen. */
  public static final String DEFAULT_SCHEDULE = "constant";

  private final Loss loss;
  private double l2;
  private double l1;
  private boolean standardize = true;
  private String backend = DEFAULT_BACKEND;
  private OpenClOptions openCl = OpenClOptions.defaults();
  /** Null: the default, {@link #DEFAULT_OPTIMIZER} or with L1 {@link #DEFAULT_L1_OPTIMIZER}. */
  private String optimizer;
  private Double learningRate;
  /** Null: the default, constant. */
  private String schedule;
  private Double decay;
  private Integer decayInterval;
  private Double momentum;
  private Double beta1;
  private Double beta2;
  private Double rho;
  private Double epsilon;
  private Integer memory;
  private Double c1;
  private Double c2;
  private Integer lineSearch;
  private Integer batchSize;
  private Integer maxIterations;
  private Integer maxEpochs;
  private Double tolerance;
  private Double objectiveTolerance;
  private double validationFraction;
  private int patience = DEFAULT_PATIENCE;
  /** Whether {@link #patience} was called: then a validation set must be there to watch. */
  private boolean patienceGiven;
  private int verifyEvery;
  private long seed = DEFAULT_SEED;
  private ClassWeights classWeights;
  private LinearModel init;
  private boolean oneVsRest;
  private io.descent.train.Solver solver = io.descent.train.Solver.DEFAULT;
  private Trainer running;
  /** Stops the running one-vs-rest fit (its lockstep fit), or null. */
  private Runnable runningStop;
  private io.descent.train.RegularizationPath runningPath;

  private Descent(Loss loss) {
    this.loss = Objects.requireNonNull(loss, "loss");
  }

  /** Least-squares linear regression. */
  public static Descent linear() {
    return new Descent(Loss.LINEAR);
  }

  /** Logistic regression on a 0/1 target. */
  public static Descent logistic() {
    return new Descent(Loss.LOGISTIC);
  }

  /**
   * Multinomial (softmax) regression on a target of C >= 2 classes: one problem of
   * {@code (d + 1) x C} parameters (C intercepts and a C x d weight matrix), the penalty
   * {@code (lambda/2)} times the sum of every class's squared weights. Read its data with
   * {@link io.descent.data.CsvReader.Options#classTarget(String)} or make it with {@link
   * Dataset#ofClasses(double[][], String[])}; a dataset without class labels is taken as classes
   * by its target's distinct values ({@link Dataset#asClasses()}). The model predicts every
   * class's probability ({@link LinearModel#predictProbabilities(Dataset)}) and the likeliest
   * class ({@link LinearModel#classify(Dataset)}, {@link LinearModel#label(int)}).
   *
   * <pre>{@code
   * Dataset iris = new CsvReader(CsvReader.Options.classTarget("species")).read(path);
   * LinearModel model = Descent.multinomial().l2(0.01).fit(iris);
   * double[][] p = model.predictProbabilities(iris);
   * }</pre>
   */
  public static Descent multinomial() {
    return new Descent(Loss.MULTINOMIAL);
  }

  /**
   * One-vs-rest classification, for {@link #logistic()} on a target of C >= 2 classes: C binary
   * logistic models, model k fitted on {@code y == k}, all in the same passes over the rows
   * ({@link OneVsRest}). {@link #fit(Dataset)} then returns a {@link LinearModel#oneVsRest
   * one-vs-rest model} that predicts each class's sigmoid normalized over the classes and the
   * class of the largest margin; {@link #trainOneVsRest} returns each class's fit as well. Read
   * its data as a multinomial model's ({@link io.descent.data.CsvReader.Options#classTarget}).
   * The models run a full-batch optimizer (lbfgs or gd) or a mini-batch rule ({@link
   * io.descent.train.LockstepMiniBatch}, the same batches for all); with a full-batch one
   * {@link #validationFraction} holds out rows on which each model stops early by its own
   * validation loss, and {@link #verifyEvery} checks every model's share of every N-th pass
   * against the float64 reference. Row weights ({@link Dataset#weights()}) and {@link #classWeights class weights}
   * per label are shared by the C models; {@link ClassWeights#balanced() balanced} weights
   * balance each model's own class against the rest, as scikit-learn's one-vs-rest does. {@link
   * #init} takes a one-vs-rest model of the same features and classes.
   *
   * <pre>{@code
   * LinearModel model = Descent.logistic().oneVsRest().l2(0.01).fit(iris);
   * }</pre>
   *
   * @throws IllegalStateException unless this is {@link #logistic()}
   */
  public Descent oneVsRest() {
    if (loss != Loss.LOGISTIC) {
      throw new IllegalStateException("oneVsRest() fits logistic models, not " + loss.label()
          + (loss.coupled() ? " (multinomial() already fits every class)" : ""));
    }
    this.oneVsRest = true;
    return this;
  }

  /**
   * Fits one-vs-rest ({@link #oneVsRest()}): C binary logistic models in the same passes.
   *
   * @param data rows with a class target (or a numeric target of class values)
   * @param messages one line per backend skipped; null for none
   * @throws IllegalArgumentException when a setting does not apply to one-vs-rest (a mini-batch
   *     optimizer with a validation fraction or verification), class weights name a label the target
   *     lacks, the initial model is not a one-vs-rest model of the same features and classes, or
   *     the target has fewer than 2 classes or a class without rows
   * @throws IllegalStateException unless {@link #oneVsRest()} was called, or when a model
   *     diverged
   */
  public OneVsRest trainOneVsRest(Dataset data, java.util.function.Consumer<String> messages) {
    if (!oneVsRest) {
      throw new IllegalStateException("trainOneVsRest needs oneVsRest()");
    }
    java.util.Objects.requireNonNull(data, "data");
    requireValidationForPatience();
    data.requireTarget();
    TrainingConfig c = config(data);
    if (l1 != 0) {
      throw new IllegalArgumentException("oneVsRest() does not support l1(...) yet");
    }
    if (solver == io.descent.train.Solver.NORMAL) {
      throw new IllegalArgumentException("oneVsRest() does not support solver(\"normal\")");
    }
    Dataset classes = data.asClasses();
    LockstepFit.Settings settings = new LockstepFit.Settings(c.isFullBatch() ? c.fullBatch()
        : new io.descent.optim.Lbfgs(), c.maxIterations(), c.gradientTolerance(),
        c.objectiveTolerance(), c.verifyEvery());
    io.descent.train.LockstepMiniBatch.Settings miniBatch = c.isFullBatch() ? null
        : new io.descent.train.LockstepMiniBatch.Settings(() -> config(data).updateRule(),
            c.schedule(), c.learningRate(), c.batchSize(), c.maxEpochs(),
            c.gradientTolerance(), c.objectiveTolerance(), seed);
    try {
      return OneVsRest.fit(classes, c.l2(), c.standardize(), c.backend(), c.openCl(), settings,
          miniBatch, messages == null ? line -> { } : messages, fit -> {
            synchronized (this) {
              runningStop = fit instanceof LockstepFit l ? l::requestStop
                  : ((io.descent.train.LockstepMiniBatch) fit)::requestStop;
            }
          }, classWeights, init, validationFraction == 0 ? null
              : new OneVsRest.EarlyStopping(validationFraction, patience, seed));
    } finally {
      synchronized (this) {
        runningStop = null;
      }
    }
  }

  /** The L2 penalty lambda in {@code (lambda/2)||w||^2}; the intercept is not penalized. */
  public Descent l2(double lambda) {
    this.l2 = lambda;
    return this;
  }

  /**
   * The L1 penalty strength in {@code l1 ||w||_1} (0, the default, for none), on the standardized
   * weights; the intercepts are free. With {@link #l2(double)} too this is the elastic net
   * {@code l1 ||w||_1 + (l2/2) ||w||_2^2}; a multinomial model's penalty sums over every class's
   * weights. Weights the optimum puts at zero come out exactly zero. The default full-batch
   * optimizer is then {@value #DEFAULT_L1_OPTIMIZER} (OWL-QN; lbfgs and gd are refused) and
   * mini-batch rules take a proximal (soft-threshold) step after each update; the tolerance
   * ({@link #tolerance(Double)}) bounds the KKT violation instead of the gradient.
   *
   * <pre>{@code
   * LinearModel sparse = Descent.logistic().l1(0.01).fit(data);
   * int used = sparse.featuresInUse();
   * }</pre>
   */
  public Descent l1(double strength) {
    this.l1 = strength;
    return this;
  }

  /** Whether to standardize features (default true). */
  public Descent standardize(boolean on) {
    this.standardize = on;
    return this;
  }

  /**
   * How a linear fit evaluates its objective: {@code normal} (the normal equations: the rows'
   * second moments computed in one pass on the backend's device, then every iteration on the
   * host in float64), {@code passes} (one pass over the data per evaluation), or {@code auto}
   * (the default, {@link io.descent.train.Solver#DEFAULT}): the normal equations for a full-batch
   * optimizer with at most {@link io.descent.train.Solver#NORMAL_MAX_FEATURES} features and more
   * rows than features, passes otherwise. {@code normal} needs the linear loss and a full-batch
   * optimizer (the fit refuses it otherwise).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public Descent solver(String name) {
    this.solver = name == null ? io.descent.train.Solver.DEFAULT
        : io.descent.train.Solver.fromLabel(name);
    return this;
  }

  /** auto (default), opencl, nd4j or reference. */
  public Descent backend(String name) {
    this.backend = name == null ? "auto" : name;
    return this;
  }

  /** OpenCL device, kernel layout and precision. */
  public Descent openCl(OpenClOptions options) {
    this.openCl = options == null ? OpenClOptions.defaults() : options;
    return this;
  }

  /**
   * lbfgs (default), owlqn (the default with {@link #l1(double)}), gd, sgd, momentum, nesterov,
   * adagrad, rmsprop or adam; null for the default.
   */
  public Descent optimizer(String name) {
    this.optimizer = name;
    return this;
  }

  /** The optimizer's name: the one chosen, or the default for the penalty. */
  private String optimizerName() {
    return optimizer != null ? optimizer : l1 > 0 ? DEFAULT_L1_OPTIMIZER : DEFAULT_OPTIMIZER;
  }

  /** The base learning rate of a mini-batch rule, or gd's first trial step. */
  public Descent learningRate(Double rate) {
    this.learningRate = rate;
    return this;
  }

  /** constant (default), step, exponential or invsqrt. */
  public Descent schedule(String name) {
    this.schedule = name;
    return this;
  }

  /** The schedule's factor: step drop factor or exponential gamma. */
  public Descent decay(Double factor) {
    this.decay = factor;
    return this;
  }

  /** The schedule's interval: epochs between step drops, or invsqrt decay steps. */
  public Descent decayInterval(Integer interval) {
    this.decayInterval = interval;
    return this;
  }

  /** Momentum coefficient for momentum and nesterov. */
  public Descent momentum(Double mu) {
    this.momentum = mu;
    return this;
  }

  /** Adam's beta1. */
  public Descent beta1(Double b) {
    this.beta1 = b;
    return this;
  }

  /** Adam's beta2. */
  public Descent beta2(Double b) {
    this.beta2 = b;
    return this;
  }

  /** RMSProp's decay rho. */
  public Descent rho(Double r) {
    this.rho = r;
    return this;
  }

  /** AdaGrad/RMSProp/Adam epsilon. */
  public Descent epsilon(Double e) {
    this.epsilon = e;
    return this;
  }

  /**
   * The line search's sufficient-decrease constant (L-BFGS and gd; default {@value
   * io.descent.optim.Lbfgs#C1}).
   */
  public Descent c1(Double value) {
    this.c1 = value;
    return this;
  }

  /**
   * The line search's curvature constant (L-BFGS; default {@value io.descent.optim.Lbfgs#C2}).
   */
  public Descent c2(Double value) {
    this.c2 = value;
    return this;
  }

  /**
   * Function evaluations one line search may spend (L-BFGS: default {@value
   * io.descent.optim.Lbfgs#MAX_LINE_SEARCH_EVALUATIONS}; gd: {@value
   * io.descent.optim.GradientDescent#MAX_HALVINGS} + 1).
   */
  public Descent lineSearch(Integer evaluations) {
    this.lineSearch = evaluations;
    return this;
  }

  /** L-BFGS memory (correction pairs). */
  public Descent memory(Integer m) {
    this.memory = m;
    return this;
  }

  /** Rows per mini-batch (mini-batch optimizers only). */
  public Descent batchSize(Integer rows) {
    this.batchSize = rows;
    return this;
  }

  /** Cap on full-batch iterations. */
  public Descent maxIterations(Integer n) {
    this.maxIterations = n;
    return this;
  }

  /** Cap on mini-batch epochs. */
  public Descent maxEpochs(Integer n) {
    this.maxEpochs = n;
    return this;
  }

  /**
   * Gradient tolerance: stop when max |g| <= tol * max(1, |J|) (with an L1 penalty, the KKT
   * violation; for a linear model tol * max(s, |J| / s), s the target's standard deviation, so
   * that the test holds in any unit of the target); default {@value #DEFAULT_TOLERANCE}.
   */
  public Descent tolerance(Double tol) {
    this.tolerance = tol;
    return this;
  }

  /** Relative objective-change tolerance. */
  public Descent objectiveTolerance(Double tol) {
    this.objectiveTolerance = tol;
    return this;
  }

  /** Fraction of rows held out for early stopping (0 = none). */
  public Descent validationFraction(double fraction) {
    this.validationFraction = fraction;
    return this;
  }

  /**
   * Epochs (iterations) without validation improvement before stopping: early stopping, with
   * {@link #validationFraction} or the validation set of {@link #train(Dataset, Dataset,
   * TrainingListener)}; a fit with neither refuses it when it starts.
   */
  public Descent patience(int n) {
    this.patience = n;
    this.patienceGiven = true;
    return this;
  }

  /**
   * A patience with no validation set to watch is refused, as the CLI refuses {@code
   * --patience} without {@code --validation-fraction}; it was ignored without a word.
   */
  private void requireValidationForPatience() {
    if (patienceGiven && validationFraction == 0) {
      throw new IllegalArgumentException("patience(...) applies to early stopping: give"
          + " validationFraction(...) too, or a validation set to train(train, validation,"
          + " listener)");
    }
  }

  /** Verify the gradient against the float64 reference every N steps (0 = never). */
  public Descent verifyEvery(int n) {
    this.verifyEvery = n;
    return this;
  }

  /** The seed behind the validation split and mini-batch shuffles. */
  public Descent seed(long s) {
    this.seed = s;
    return this;
  }

  /**
   * Weights per class, multiplying the rows' own weights ({@link Dataset#withWeights}): {@link
   * ClassWeights#balanced()} or a weight per label; null for none (the default). Balanced
   * weights come from the class counts of the data a fit is given (with an explicit validation
   * set, of the training set, whose class weights the validation rows then get too).
   */
  public Descent classWeights(ClassWeights weights) {
    this.classWeights = weights;
    return this;
  }

  /**
   * Starts each fit from this model's weights (a warm start) instead of the constant model; null
   * for the constant model (the default). The model must have the data's features in the same
   * order, this loss, and the same class labels; its weights are carried over into the new fit's
   * standardized space (see {@link io.descent.train.WarmStart}).
   */
  public Descent init(LinearModel model) {
    this.init = model;
    return this;
  }

  /**
   * The configuration these settings make, with defaults filled in.
   *
   * @throws IllegalArgumentException naming the setting and the rule when one is invalid
   */
  public TrainingConfig config() {
    return config(1.0);
  }

  /**
   * The configuration for this data: as {@link #config()}, except that the default learning
   * rate of AdaGrad, RMSProp and Adam on a linear target is multiplied by the target's standard
   * deviation. Those rules move each parameter by about one learning rate per step whatever the
   * gradient's size, so their paper defaults assume parameters of order 1; a regression target
   * in the hundreds needs proportionally larger steps. An explicit learning rate is used as is.
   */
  public TrainingConfig config(Dataset data) {
    double scale = 1.0;
    if (loss == Loss.LINEAR && learningRate == null) {
      OptimizerKind kind = OptimizerKind.fromLabel(optimizerName());
      if (kind == OptimizerKind.ADAGRAD || kind == OptimizerKind.RMSPROP
          || kind == OptimizerKind.ADAM) {
        scale = targetStandardDeviation(data.y(), data.weights());
      }
    }
    return config(scale);
  }

  /** The (weighted, when there are row weights) population standard deviation of y. */
  private static double targetStandardDeviation(double[] y, double[] weights) {
    double mean = 0;
    double total = 0;
    for (int i = 0; i < y.length; i++) {
      double s = weights == null ? 1 : weights[i];
      mean += s * y[i];
      total += s;
    }
    mean /= Math.max(Double.MIN_NORMAL, total);
    double ss = 0;
    for (int i = 0; i < y.length; i++) {
      double s = weights == null ? 1 : weights[i];
      ss += s * (y[i] - mean) * (y[i] - mean);
    }
    double sd = Math.sqrt(ss / Math.max(Double.MIN_NORMAL, total));
    return sd > 0 && Double.isFinite(sd) ? sd : 1.0;
  }

  private TrainingConfig config(double defaultRateScale) {
    OptimizerKind kind = OptimizerKind.fromLabel(optimizerName());
    if (!(l1 >= 0) || !Double.isFinite(l1)) {
      throw new IllegalArgumentException("l1 must be finite and >= 0, got " + l1);
    }
    if (l1 > 0 && (kind == OptimizerKind.LBFGS || kind == OptimizerKind.GD)) {
      throw new IllegalArgumentException(kind.label() + " assumes a differentiable objective"
          + " and does not handle an L1 penalty: use " + DEFAULT_L1_OPTIMIZER + " (the default"
          + " with l1) or a mini-batch rule");
    }
    FullBatchOptimizer fullBatch = null;
    UpdateRule rule = null;
    LearningRateSchedule rate = null;
    double base = 0;
    if (kind.isFullBatch()) {
      if (batchSize != null) {
        throw new IllegalArgumentException("batch size applies to mini-batch optimizers (sgd,"
            + " momentum, nesterov, adagrad, rmsprop, adam), not " + kind.label());
      }
      Hyperparameters h = Hyperparameters.defaults().withMemory(memory)
          .withInitialStep(kind == OptimizerKind.GD ? learningRate : null).withC1(c1).withC2(c2)
          .withLineSearch(lineSearch);
      if ((kind == OptimizerKind.LBFGS || kind == OptimizerKind.OWLQN)
          && learningRate != null) {
        throw new IllegalArgumentException("learning rate does not apply to " + kind.label()
            + " (its line search picks each step)");
      }
      requireUnused(kind, "momentum", momentum, "beta1", beta1, "beta2", beta2, "rho", rho,
          "epsilon", epsilon, "a learning-rate schedule", schedule, "decay", decay,
          "decay interval", decayInterval, "a cap on epochs (maxEpochs; a full-batch fit counts"
              + " iterations: maxIterations)", maxEpochs);
      fullBatch = kind.fullBatch(h);
    } else {
      Hyperparameters h = Hyperparameters.defaults().withMemory(memory).withMomentum(momentum)
          .withRho(rho).withBeta1(beta1).withBeta2(beta2).withEpsilon(epsilon);
      requireUnused(kind, "c1", c1, "c2", c2, "a line-search budget", lineSearch,
          "a cap on iterations (maxIterations; a mini-batch fit counts epochs: maxEpochs)",
          maxIterations);
      rule = kind.updateRule(h);
      rate = ScheduleKind.fromLabel(schedule == null ? DEFAULT_SCHEDULE : schedule)
          .create(decay, decayInterval);
      base = learningRate != null ? learningRate
          : rule.defaultLearningRate() * defaultRateScale;
    }
    boolean full = kind.isFullBatch();
    return new TrainingConfig(loss, l2, standardize, backend, openCl, fullBatch, rule, rate, base,
        full ? 0 : or(batchSize, DEFAULT_BATCH_SIZE),
        or(maxIterations, DEFAULT_MAX_ITERATIONS), or(maxEpochs, DEFAULT_MAX_EPOCHS),
        tolerance != null ? tolerance : DEFAULT_TOLERANCE,
        objectiveTolerance != null ? objectiveTolerance
            : full ? DEFAULT_FULL_BATCH_OBJECTIVE_TOLERANCE
                : DEFAULT_MINI_BATCH_OBJECTIVE_TOLERANCE,
        validationFraction, patience, verifyEvery, seed, l1);
  }

  private static void requireUnused(OptimizerKind kind, Object... namesAndValues) {
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] != null) {
        throw new IllegalArgumentException(namesAndValues[i] + " does not apply to "
            + kind.label());
      }
    }
  }

  private static int or(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  /**
   * Trains and returns the whole result: model, stop reason, history, backend, timings.
   *
   * @throws io.descent.gradient.BackendUnavailableException when the chosen backend cannot run
   * @throws io.descent.train.VerificationException when verification finds a gradient out of
   *     tolerance
   */
  public FitResult train(Dataset data, TrainingListener listener) {
    java.util.Objects.requireNonNull(data, "data");
    requireNotOneVsRest();
    requireValidationForPatience();
    data.requireTarget();
    Dataset weighted = classWeights == null ? data : classWeights.applyTo(data);
    TrainingConfig config = config(weighted);
    return recorded(running(trainer -> trainer.fit(weighted, config, orNone(listener))),
        data);
  }

  private void requireNotOneVsRest() {
    if (oneVsRest) {
      throw new IllegalStateException("a oneVsRest() fit is C models: use fit(...) or"
          + " trainOneVsRest(...)");
    }
  }

  /** The result with the class weights asked for among its hyperparameters. */
  private FitResult recorded(FitResult result, Dataset train) {
    if (classWeights == null) {
      return result;
    }
    java.util.Map<String, Object> h = new java.util.LinkedHashMap<>();
    h.put("classWeights", classWeights.toString());
    classWeights.resolve(train).byLabel().forEach((label, w) ->
        h.put("classWeight[" + label + "]", w));
    return result.withHyperparameters(h);
  }

  /** Runs {@code fit} on a new trainer that {@link #requestStop} can reach while it runs. */
  private FitResult running(java.util.function.Function<Trainer, FitResult> fit) {
    Trainer trainer = new Trainer().startFrom(init).solver(solver);
    synchronized (this) {
      running = trainer;
    }
    try {
      return fit.apply(trainer);
    } finally {
      synchronized (this) {
        running = null;
      }
    }
  }

  private static TrainingListener orNone(TrainingListener listener) {
    return listener == null ? TrainingListener.NONE : listener;
  }

  /** Asks a {@link #train} running on another thread to stop after its current step. */
  public void requestStop() {
    synchronized (this) {
      if (running != null) {
        running.requestStop();
      }
      if (runningStop != null) {
        runningStop.run();
      }
      if (runningPath != null) {
        runningPath.requestStop();
      }
    }
  }

  /**
   * Fits a regularization path ({@link io.descent.train.RegularizationPath}): the elastic-net
   * fits of {@code options.penalties()} total penalties lambda ({@code l1 = lambda A}, {@code l2
   * = lambda (1 - A)}), log-spaced from the smallest that zeroes every weight down, each to this
   * configuration's tolerance, on its backend, standardization, iteration cap and class weights
   * (its L1 and L2 strengths and optimizer are not used: every fit runs OWL-QN). {@link
   * #requestStop} stops it.
   *
   * @param messages receives a line per skipped or failed backend; null for none
   * @throws io.descent.gradient.BackendUnavailableException when no backend can run
   */
  public io.descent.train.RegularizationPath.Result path(Dataset data,
      io.descent.train.RegularizationPath.Options options,
      java.util.function.Consumer<String> messages) {
    requireNotOneVsRest();
    data.requireTarget();
    Dataset weighted = classWeights == null ? data : classWeights.applyTo(data);
    io.descent.train.RegularizationPath path =
        new io.descent.train.RegularizationPath(config(weighted), options);
    synchronized (this) {
      runningPath = path;
    }
    try {
      return path.run(weighted, messages == null ? line -> { } : messages);
    } finally {
      synchronized (this) {
        runningPath = null;
      }
    }
  }

  /**
   * Trains and returns the model.
   *
   * @throws TrainingFailedException when training diverged or the problem has no finite optimum
   *     (separable classes without L2), or, {@link #oneVsRest()}, when a class's model did (the
   *     message names the class); a fit that hit its iteration cap is returned
   */
  public LinearModel fit(Dataset data) {
    java.util.Objects.requireNonNull(data, "data");
    if (oneVsRest) {
      OneVsRest fit = trainOneVsRest(data, null);
      for (int c = 0; c < fit.classes(); c++) {
        io.descent.train.LockstepFit.ModelResult m = fit.fit().models().get(c);
        if (m.stopReason() == StopReason.DIVERGED || m.stopReason() == StopReason.SEPARABLE) {
          throw new TrainingFailedException("the model of class " + fit.model().label(c)
              + " has no usable fit: " + m.message());
        }
      }
      return fit.model();
    }
    return modelOf(train(data, TrainingListener.NONE));
  }

  /**
   * Trains on {@code train}, stopping early when the loss on {@code validation} has not improved
   * for {@code patience(...)} iterations (epochs), and keeping the best model; returns the whole
   * result.
   *
   * @throws IllegalArgumentException when the two sets' features differ, or a validation
   *     fraction is set as well
   */
  public FitResult train(Dataset train, Dataset validation, TrainingListener listener) {
    if (oneVsRest) {
      throw new IllegalStateException("a oneVsRest() fit takes no validation set of its own:"
          + " for early stopping hold out a fraction of its rows with validationFraction(...)"
          + " and patience(...), and call fit(data)");
    }
    train.requireTarget();
    java.util.Objects.requireNonNull(validation, "validation (for none, call fit(train))")
        .requireTarget();
    ClassWeights resolved = classWeights == null ? null : classWeights.resolve(train);
    Dataset t = resolved == null ? train : resolved.applyTo(train);
    Dataset v = resolved == null ? validation : resolved.applyTo(validation);
    TrainingConfig config = config(t);
    return recorded(running(trainer -> trainer.fit(t, v, config, orNone(listener))), train);
  }

  /**
   * Trains on {@code train} with {@code validation} for early stopping, and returns the model.
   *
   * @throws TrainingFailedException as {@link #fit(Dataset)}
   */
  public LinearModel fit(Dataset train, Dataset validation) {
    return modelOf(train(train, validation, TrainingListener.NONE));
  }

  /**
   * Trains on rows of float64 features (copied to float32, named x0 .. x(d-1)) and numeric
   * targets; see {@link Dataset#of(double[][], double[])}.
   */
  public LinearModel fit(double[][] x, double[] y) {
    return fit(Dataset.of(x, y));
  }

  /** Trains on rows of float32 features and numeric targets. */
  public LinearModel fit(float[][] x, double[] y) {
    return fit(Dataset.of(x, y));
  }

  /**
   * Trains on rows of float64 features and class labels: 0 and 1 for logistic regression, any
   * integers for multinomial regression (its classes in numeric order).
   */
  public LinearModel fit(double[][] x, int[] labels) {
    return fit(loss.coupled() || oneVsRest ? Dataset.ofClasses(x, labels)
        : Dataset.of(x, labels));
  }

  /**
   * Trains a classifier on rows of float64 features and text class labels (the classes in the
   * order of {@link io.descent.data.ClassLabels}): multinomial, one-vs-rest, or logistic on two
   * labels (the first in that order is class 0), as {@code fit(Dataset.ofClasses(x, labels))}.
   *
   * @throws IllegalStateException for {@link #linear()}, which fits numbers
   */
  public LinearModel fit(double[][] x, String[] labels) {
    if (loss == Loss.LINEAR) {
      throw new IllegalStateException("text class labels are for logistic(), multinomial() and"
          + " oneVsRest(), not linear regression");
    }
    return fit(Dataset.ofClasses(x, labels));
  }

  /**
   * Trains on rows of float32 features and class labels: 0 and 1 for logistic regression, any
   * integers for multinomial regression and one-vs-rest (their classes in numeric order).
   */
  public LinearModel fit(float[][] x, int[] labels) {
    return fit(loss.coupled() || oneVsRest ? Dataset.ofClasses(x, labels)
        : Dataset.of(x, labels));
  }

  /** Trains on rows of float64 features and boolean labels (true is class 1). */
  public LinearModel fit(double[][] x, boolean[] labels) {
    return fit(Dataset.of(x, labels));
  }

  /** Trains on rows of float32 features and boolean labels (true is class 1). */
  public LinearModel fit(float[][] x, boolean[] labels) {
    return fit(Dataset.of(x, labels));
  }

  private static LinearModel modelOf(FitResult result) {
    if (result.stopReason() == StopReason.DIVERGED
        || result.stopReason() == StopReason.SEPARABLE) {
      throw new TrainingFailedException(result);
    }
    return result.model();
  }

  /** Training ended without a usable model; the result says why. */
  public static final class TrainingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient FitResult result;

    TrainingFailedException(FitResult result) {
      super(result.message());
      this.result = result;
    }

    /** A one-vs-rest fit's: the message names the class whose model failed. */
    TrainingFailedException(String message) {
      super(message);
      this.result = null;
    }

    /** The result of the failed fit; null for a one-vs-rest fit (its message says which). */
    public FitResult result() {
      return result;
    }
  }
}
