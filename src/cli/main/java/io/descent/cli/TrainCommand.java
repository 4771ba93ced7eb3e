package io.descent.cli;

import io.descent.data.ReadProgress;

import io.descent.Descent;
import io.descent.data.ClassLabels;
import io.descent.data.ClassWeights;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.data.Dataset;
import io.descent.data.Split;
import io.descent.loss.ElasticNet;
import io.descent.loss.Loss;
import io.descent.model.JsonText;
import io.descent.model.LinearModel;
import io.descent.model.Metrics;
import io.descent.model.ModelFile;
import io.descent.model.TrainingInfo;
import io.descent.optim.Adam;
import io.descent.optim.GradientDescent;
import io.descent.optim.Lbfgs;
import io.descent.optim.Momentum;
import io.descent.optim.RmsProp;
import io.descent.train.FitResult;
import io.descent.train.LockstepFit;
import io.descent.train.MissingClassException;
import io.descent.train.OneVsRest;
import io.descent.train.StopReason;
import io.descent.train.Trainer;
import io.descent.train.TrainingConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code descent train}: fits a model on a CSV file and writes it as JSON. */
@Command(name = "train", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, sortOptions = false,
    description = "Train a linear, logistic or multinomial regression model on a CSV file.")
final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  LossOption lossOption;

  @Option(names = "--one-vs-rest", negatable = false,
      description = "With --loss logistic on a target of 2 or more classes: fit one binary"
          + " model per class (that class against the rest), all in the same passes over the"
          + " data. Predicts each class's probability normalized over the classes, and the"
          + " likeliest class.")
  boolean oneVsRest;

  /**
   * Options a one-vs-rest fit does not take (yet), refused by name; and an L1 penalty (of
   * --l1, or of --reg-param with --elastic-net-param), refused where it is more than 0.
   */
  private static final java.util.List<String> NOT_ONE_VS_REST = java.util.List.of(
      "--positive-label");

  /** Options a one-vs-rest fit takes with a full-batch optimizer only (yet), refused by name. */
  private static final java.util.List<String> NOT_ONE_VS_REST_MINI_BATCH = java.util.List.of(
      "--validation-fraction", "--patience", "--verify-every", "--history", "--plot");

  @Option(names = "--out", paramLabel = "FILE", description = "Write the model here (JSON).")
  Path out;

  @Option(names = "--l2", defaultValue = "0", paramLabel = "LAMBDA",
      description = "L2 penalty (lambda/2)||w||^2 on the weights, not the intercept (default:"
          + " ${DEFAULT-VALUE}).")
  double l2;

  @Option(names = "--l1", paramLabel = "L1",
      description = "L1 penalty l1 ||w||_1 on the weights, not the intercept (default: 0, none);"
          + " with --l2, the elastic net. Weights the optimum puts at 0 are exactly 0; the"
          + " default optimizer becomes " + Descent.DEFAULT_L1_OPTIMIZER + " and --tolerance"
          + " bounds the KKT violation.")
  Double l1;

  @Option(names = "--reg-param", paramLabel = "R",
      description = "Spark-style penalty strength: with --elastic-net-param A (default "
          + ElasticNet.DEFAULT_ELASTIC_NET_PARAM + "),"
          + " l1 = R * A and l2 = R * (1 - A). Not with --l1 or --l2.")
  Double regParam;

  @Option(names = "--elastic-net-param", paramLabel = "A",
      description = "Spark-style L1 share in [0, 1] of --reg-param: 1 is the lasso, 0 ridge.")
  Double elasticNetParam;

  @Option(names = "--weight-column", paramLabel = "NAME",
      description = "Weigh each row by this column (finite numbers >= 0, not all 0; not a"
          + " feature): the loss is the weighted mean, standardization weighted too. An integer"
          + " weight counts a row that many times.")
  String weightColumn;

  @Option(names = "--class-weight", paramLabel = "SPEC",
      description = "Logistic and multinomial: weigh each class, " + ClassWeights.BALANCED
          + " (a row of class c weighs n / (K n_c) with K classes, as scikit-learn's) or"
          + " LABEL=W,LABEL=W (labels as written in"
          + " the data; others weigh 1). Multiplies --weight-column. With --one-vs-rest, "
          + ClassWeights.BALANCED + " balances each class's model: n / (2 n_c) for its class,"
          + " n / (2 (n - n_c)) for the rest.")
  String classWeight;

  @Option(names = "--init", paramLabel = "MODEL.json",
      description = "Start from this model's weights (a warm start): same features in the same"
          + " order, same loss and labels.")
  Path init;

  @Option(names = "--no-standardize", negatable = false,
      description = "Train on the raw features (default: standardize to mean 0, std 1).")
  boolean noStandardize;

  @Mixin
  BackendOptions backend;

  @Option(names = "--optimizer", paramLabel = "NAME",
      description = "lbfgs, owlqn, gd (full batch), or sgd, momentum, nesterov, adagrad,"
          + " rmsprop, adam (mini-batch) (default: " + Descent.DEFAULT_OPTIMIZER + "; with an L1"
          + " penalty " + Descent.DEFAULT_L1_OPTIMIZER + ").")
  String optimizer;

  @Option(names = "--learning-rate", paramLabel = "RATE",
      description = "Base learning rate of a mini-batch optimizer (default: per optimizer), or"
          + " the first trial step of gd.")
  Double learningRate;

  @Mixin
  ScheduleOptions schedule = new ScheduleOptions();

  @Option(names = "--momentum", paramLabel = "MU",
      description = "Momentum coefficient of momentum and nesterov (default "
          + Momentum.DEFAULT_MOMENTUM + ").")
  Double momentum;

  @Option(names = "--beta1", paramLabel = "B1", description = "Adam beta1 (default "
      + Adam.DEFAULT_BETA1 + ").")
  Double beta1;

  @Option(names = "--beta2", paramLabel = "B2", description = "Adam beta2 (default "
      + Adam.DEFAULT_BETA2 + ").")
  Double beta2;

  @Option(names = "--rho", paramLabel = "RHO", description = "RMSProp decay (default "
      + RmsProp.DEFAULT_RHO + ").")
  Double rho;

  @Option(names = "--epsilon", paramLabel = "EPS",
      description = "AdaGrad/RMSProp/Adam epsilon (default " + Adam.DEFAULT_EPSILON + ").")
  Double epsilon;

  @Option(names = "--c1", paramLabel = "C1",
      description = "Line search sufficient-decrease constant of lbfgs, owlqn and gd (default "
          + Lbfgs.C1 + ").")
  Double c1;

  @Option(names = "--c2", paramLabel = "C2",
      description = "Line search curvature constant of lbfgs, c1 < c2 < 1 (default "
          + Lbfgs.C2 + ").")
  Double c2;

  @Option(names = "--line-search", paramLabel = "EVALS",
      description = "Evaluations one line search may spend: lbfgs and owlqn (default "
          + Lbfgs.MAX_LINE_SEARCH_EVALUATIONS + "), gd (default "
          + (GradientDescent.MAX_HALVINGS + 1) + ": the first trial and "
          + GradientDescent.MAX_HALVINGS + " halvings).")
  Integer lineSearch;

  @Option(names = "--memory", paramLabel = "M",
      description = "L-BFGS memory: correction pairs kept, of lbfgs and owlqn (default "
          + Lbfgs.DEFAULT_MEMORY + ").")
  Integer memory;

  @Option(names = "--batch-size", paramLabel = "ROWS",
      description = "Rows per mini-batch for mini-batch optimizers (default "
          + Descent.DEFAULT_BATCH_SIZE + ").")
  Integer batchSize;

  @Option(names = "--max-iterations", paramLabel = "N",
      description = "Cap on full-batch iterations (default "
          + Descent.DEFAULT_MAX_ITERATIONS + ").")
  Integer maxIterations;

  @Option(names = "--max-epochs", paramLabel = "N",
      description = "Cap on mini-batch epochs (default " + Descent.DEFAULT_MAX_EPOCHS + ").")
  Integer maxEpochs;

  @Option(names = "--tolerance", paramLabel = "TOL",
      description = "Stop when max |gradient| <= TOL * max(1, |objective|); with --l1, the KKT"
          + " violation; for --loss linear TOL * max(s, |objective| / s), s the target's"
          + " standard deviation (default " + Descent.DEFAULT_TOLERANCE + ").")
  Double tolerance;

  @Option(names = "--objective-tolerance", paramLabel = "TOL",
      description = "Stop when the objective's relative change is <= TOL (full batch: per"
          + " iteration twice in a row, default "
          + Descent.DEFAULT_FULL_BATCH_OBJECTIVE_TOLERANCE + ", off; mini-batch: the best"
          + " epoch's, for " + Trainer.STALL_EPOCHS + " epochs, default "
          + Descent.DEFAULT_MINI_BATCH_OBJECTIVE_TOLERANCE + "). Converged only if the"
          + " --tolerance test holds; otherwise"
          + " the fit is reported as stalled.")
  Double objectiveTolerance;

  @Option(names = "--validation-fraction", defaultValue = "0", paramLabel = "F",
      description = "Hold out this fraction of rows (0 to 0.5) and stop early when their loss"
          + " stops improving (default: ${DEFAULT-VALUE}, no early stopping).")
  double validationFraction;

  @Option(names = "--test-fraction", paramLabel = "F",
      description = "Set this fraction of rows aside (shuffled by --seed) before anything else,"
          + " train on the rest, and report the model's metrics on the test rows too, beside"
          + " the training (and validation) rows' (default: none).")
  Double testFraction;

  @Option(names = "--patience", defaultValue = "" + Descent.DEFAULT_PATIENCE, paramLabel = "N",
      description = "Epochs (or iterations) without validation improvement before stopping"
          + " (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--solver", defaultValue = io.descent.train.Solver.DEFAULT_LABEL,
      paramLabel = "auto|normal|passes",
      description = "Linear fits: normal = the normal equations (the rows' second moments in one"
          + " pass on the backend's device, then every iteration on the host in float64),"
          + " passes = one pass over the data per evaluation, auto = normal for a full-batch"
          + " optimizer with at most " + io.descent.train.Solver.NORMAL_MAX_FEATURES
          + " features and more rows than features, else passes (default: ${DEFAULT-VALUE}).")
  String solver;

  @Option(names = "--verify-every", defaultValue = "0", paramLabel = "N",
      description = "Recompute the gradient with the float64 reference every N steps and fail"
          + " if the error passes the backend's tolerance (default: ${DEFAULT-VALUE}, never).")
  int verifyEvery;

  @Option(names = "--seed", defaultValue = "" + Descent.DEFAULT_SEED, paramLabel = "SEED",
      description = "Seed for the test and validation splits and mini-batch shuffles (default:"
          + " ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--history", paramLabel = "FILE.csv",
      description = "Write one CSV row per iteration (per epoch for a mini-batch fit):"
          + " iteration, epoch, objective, gradient norm, step size, elapsed seconds and"
          + " validation loss.")
  Path history;

  @Option(names = "--plot", paramLabel = "FILE.png",
      description = "Draw the training objective, gradient norm and validation loss per"
          + " iteration (epoch) as a PNG (atomically).")
  Path plot;

  @Option(names = "--checkpoint", paramLabel = "FILE.json",
      description = "On Ctrl-C, write the best model so far here (atomically) before exiting.")
  Path checkpoint;

  @Option(names = "--quiet", description = "No progress bar and no summary.")
  boolean quiet;

  @Mixin
  JsonOption json;

  @Mixin
  VerboseOption verbose;

  /**
   * The {@code timings} of {@code --json} (wall-clock seconds): the JVM's start (the first
   * JVM's, where the command runs in a second one: {@link HugePages}) until the read begins, the
   * read, then the fit's phases ({@link TrainingListener#phase}), then the model's
   * write.
   */
  static final String PHASE_START = "start";
  /** See {@link #PHASE_START}. */
  static final String PHASE_READ = "read";
  /** See {@link #PHASE_START}. */
  static final String PHASE_WRITE = "write";

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Loss loss = CliSupport.loss(lossOption.kind);
    lossOption.noticeOldName(spec.commandLine().getParseResult(), spec.commandLine().getErr());
    if (data.target == null) {
      throw new Main.UsageException("train needs --target");
    }
    if (oneVsRest) {
      checkOneVsRest(loss);
    }
    ElasticNet penalty = penalty();
    if (oneVsRest && penalty.l1() > 0) {
      throw new Main.UsageException((regParam == null ? "--l1" : "--reg-param with"
          + " --elastic-net-param") + " gives an L1 penalty, which --one-vs-rest does not take"
          + " (not supported yet)");
    }
    Descent descent = (loss == Loss.LOGISTIC ? Descent.logistic()
        : loss == Loss.MULTINOMIAL ? Descent.multinomial() : Descent.linear())
        .l2(penalty.l2()).l1(penalty.l1()).standardize(!noStandardize)
        .backend(backend.backend).openCl(backend.openCl())
        .optimizer(optimizer).learningRate(learningRate).momentum(momentum).beta1(beta1)
        .beta2(beta2).rho(rho)
        .epsilon(epsilon).memory(memory).c1(c1).c2(c2).lineSearch(lineSearch)
        .batchSize(batchSize).maxIterations(maxIterations)
        .maxEpochs(maxEpochs).tolerance(tolerance).objectiveTolerance(objectiveTolerance)
        .validationFraction(validationFraction).verifyEvery(verifyEvery)
        .seed(seed);
    if (spec.commandLine().getParseResult().hasMatchedOption("--patience")) {
      descent.patience(patience); // the library refuses a patience with nothing to watch
    }
    schedule.applyTo(descent);
    if (oneVsRest) {
      descent.oneVsRest();
    }
    try {
      descent.solver(solver);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--solver: " + e.getMessage());
    }
    if (classWeight != null) {
      descent.classWeights(CliSupport.classWeights(classWeight, loss));
    }
    // Caps of the other kind of optimizer are refused, as their hyperparameters are.
    CliSupport.requireCapOfItsKind(CliSupport.fullBatch(optimizer), maxEpochs != null,
        maxIterations != null);
    // Checks every hyperparameter before the data is read.
    TrainingConfig config = descent.config();
    try {
      io.descent.train.Solver.fromLabel(solver).normalFor(config.loss(), config.isFullBatch(), 1,
          0);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--solver normal needs --loss linear and a full-batch"
          + " --optimizer (lbfgs, gd or owlqn)");
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--patience")
        && validationFraction == 0) {
      throw new Main.UsageException("--patience applies to early stopping: give"
          + " --validation-fraction too");
    }
    if (testFraction != null && !(testFraction > 0 && testFraction < 1)) {
      throw new Main.UsageException("--test-fraction must be in (0, 1), got " + testFraction);
    }
    data.files().output("--out", this.out).output("--checkpoint", checkpoint)
        .output("--history", history).output("--plot", plot).check();
    // --out and --checkpoint may replace the model a fit started from (it is read first: a fit
    // resumed from a checkpoint may go on writing it); --history and --plot, of other formats,
    // may not. (The plot's name is checked here, after every input's.)
    new CommandFiles().input("--init", init, "a model file").output("--history", history)
        .image("--plot", plot).check();
    LinearModel initial = init == null ? null : ModelFile.read(init).model();
    DeviceOptions.noticeIgnored(err, backend.backend, spec.commandLine().getParseResult());
    try (Interrupts.Activity activity = Interrupts.activity(err, "reading " + data.data,
        this.out, history, plot)) {
      if (oneVsRest) {
        return trainOneVsRest(descent, config, initial, activity, out, err);
      }
      return train(descent, config, loss, initial, activity, out, err);
    }
  }

  /**
   * The penalty of --l1 and --l2, or of Spark's --reg-param and --elastic-net-param (which do not
   * mix with them).
   */
  private ElasticNet penalty() {
    picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    if (regParam == null) {
      if (elasticNetParam != null) {
        throw new Main.UsageException("--elastic-net-param needs --reg-param");
      }
      double strength = l1 == null ? 0 : l1;
      if (!(strength >= 0) || !Double.isFinite(strength)) {
        throw new Main.UsageException("--l1 must be finite and >= 0, got " + strength);
      }
      if (!(l2 >= 0) || !Double.isFinite(l2)) {
        throw new Main.UsageException("--l2 must be finite and >= 0, got " + l2);
      }
      return new ElasticNet(strength, l2);
    }
    for (String option : new String[] {"--l1", "--l2"}) {
      if (parsed.hasMatchedOption(option)) {
        throw new Main.UsageException("--reg-param (with --elastic-net-param) sets both"
            + " penalties: give it or " + option + ", not both");
      }
    }
    try {
      return ElasticNet.spark(regParam, elasticNetParam == null
          ? ElasticNet.DEFAULT_ELASTIC_NET_PARAM : elasticNetParam);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException((e.getMessage().contains("elastic") ? "--elastic-net-param"
          : "--reg-param") + ": " + e.getMessage());
    }
  }

  /** The loss and options of a one-vs-rest fit, checked before anything is read. */
  private void checkOneVsRest(Loss loss) {
    if (loss != Loss.LOGISTIC) {
      throw new Main.UsageException("--one-vs-rest fits logistic models: use it with --loss"
          + " logistic" + (loss.coupled() ? " (--loss multinomial already fits every class in"
          + " one model)" : ", not " + loss.label()));
    }
    picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    for (String option : NOT_ONE_VS_REST) {
      if (parsed.hasMatchedOption(option)) {
        throw new Main.UsageException(option + " does not apply to --one-vs-rest (not"
            + " supported yet)");
      }
    }
  }

  /**
   * Reads a class target, fits one logistic model per class in lockstep, and writes the
   * one-vs-rest model and the per-class summary.
   */
  private int trainOneVsRest(Descent descent, TrainingConfig config, LinearModel initial,
      Interrupts.Activity activity, PrintWriter out, PrintWriter err) throws Exception {
    if (!config.isFullBatch()) {
      picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
      for (String option : NOT_ONE_VS_REST_MINI_BATCH) {
        if (parsed.hasMatchedOption(option)) {
          throw new Main.UsageException(option + " does not apply to --one-vs-rest with"
              + " --optimizer " + optimizer + " (full-batch optimizers only, for now)");
        }
      }
    }
    double fraction = testFraction == null ? 0 : testFraction;
    boolean text = !quiet && !json.json;
    ReadProgress reading = ReadingProgress.on(err, String.valueOf(data.data),
        text && CliSupport.isTerminal());
    Dataset dataset;
    CliSupport.startOpenCl(backend.backend);
    try {
      dataset = CliSupport.read(data, Loss.MULTINOMIAL, true, null, null, null,
          HeapNeeds.train(config, fraction, weightColumn != null || classWeight != null),
          reading, weightColumn);
    } finally {
      if (reading instanceof ReadingProgress r) {
        r.done();
      }
    }
    TrainingFile file = TrainingFile.of(data.data, fraction);
    Split split = fraction > 0 ? Split.forTest(dataset.rows(), fraction, seed) : null;
    Dataset training = split == null ? dataset : dataset.rows(split.train());
    Dataset test = split == null ? null : dataset.rows(split.test());
    ClassLabels classes = dataset.classLabels().orElseThrow();
    checkWeighting(training, null, null);
    if (initial != null) {
      try {
        io.descent.train.WarmStart.checkOneVsRest(initial, training);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--init " + init + ": " + e.getMessage());
      }
      descent.init(initial);
    }
    if (text) {
      out.printf(Locale.ROOT, "data: %s%s, %d rows x %d features, target %s, seed %d%n",
          dataset.source(), data.origin(), dataset.rows(), dataset.features(),
          dataset.targetName(), seed);
      out.printf(Locale.ROOT, "classes: %d (%s order): %s%n", classes.size(),
          classes.numeric() ? "numeric" : "text", MetricsReport.listed(classes.labels()));
      if (weightColumn != null || classWeight != null) {
        out.printf(Locale.ROOT, "weights: %s%s%n", weighting(), classWeight != null
            && ClassWeights.parse(classWeight).isBalanced() ? " (each class's model balances"
            + " that class against the rest)" : "");
      }
      if (init != null) {
        out.printf(Locale.ROOT, "init: starting from %s%n", init);
      }
      if (test != null) {
        out.printf(Locale.ROOT, "test: %d rows set aside (fraction %s), training on %d%n",
            test.rows(), fraction, training.rows());
      }
      out.flush();
    }
    activity.doing("training");
    List<String> notices = new java.util.ArrayList<>();
    OneVsRest fit;
    try (Interrupts interrupts = Interrupts.install(descent::requestStop)) {
      fit = descent.trainOneVsRest(training, line -> {
        notices.add(line);
        if (!quiet) {
          err.println("descent: " + line);
          err.flush();
        }
      });
    }
    LinearModel model = fit.model();
    List<LockstepFit.ModelResult> models = fit.fit().models();
    if (text) {
      printOneVsRest(out, fit, config);
    }
    if (history != null) {
      activity.writing(history);
      writeOneVsRestHistory(history, fit);
      activity.written(history);
    }
    if (plot != null) {
      activity.writing(plot);
      HistoryPlot.write(plot, fit.history(), "descent train --one-vs-rest: " + dataset.source()
          + ", sum of " + fit.classes() + " objectives, " + config.optimizerDescription()
          .split(" ", 2)[0] + " on " + fit.fit().backend().summary());
      activity.written(plot);
    }
    if (models.stream().anyMatch(m -> m.stopReason() == StopReason.INTERRUPTED)) {
      err.println("descent: interrupted" + (this.out == null ? "" : "; " + this.out
          + " not written"));
      if (checkpoint != null) {
        // Every class's model where it stood: a one-vs-rest model file like --out's.
        activity.writing(checkpoint);
        new ModelFile(model, fit.trainingInfo(config).withHyperparameters(oneVsRestSettings(
            file))).write(checkpoint);
        activity.written(checkpoint);
        err.println("descent: checkpoint written to " + checkpoint);
      }
      return Interrupts.EXIT_CODE;
    }
    for (int c = 0; c < models.size(); c++) {
      StopReason r = models.get(c).stopReason();
      if (r == StopReason.DIVERGED || r == StopReason.SEPARABLE) {
        err.println("descent: class " + MetricsReport.shown(model.label(c)) + ": "
            + FlagNames.of(models.get(c)
            .message()) + (this.out == null ? "" : "; no model written"));
        return Main.FAILURE;
      }
    }
    // As for the other losses: train counts the rows fitted on, then the validation rows.
    Map<String, MetricsReport> sets = evaluate(model, fit.validationRows(), training, test);
    if (text) {
      sets.forEach((what, metrics) -> out.println(metrics.line(what)));
    }
    for (int c = 0; c < models.size(); c++) {
      if (!models.get(c).converged()) {
        err.println("descent: warning: class " + MetricsReport.shown(model.label(c)) + ": "
            + FlagNames.of(models.get(c).message()));
      }
    }
    if (this.out != null) {
      activity.writing(this.out);
      new ModelFile(model, fit.trainingInfo(config).withHyperparameters(oneVsRestSettings(
          file))).write(this.out);
      activity.written(this.out);
      if (text) {
        out.println("model written to " + this.out);
      }
    } else if (text) {
      out.println("no model written (give --out FILE to keep it)");
    }
    if (json.json) {
      JsonReport.print(out, oneVsRestReport(dataset, fit.trainingRows(), fit, config, sets,
          notices));
    }
    return Main.OK;
  }

  /** What a one-vs-rest model file records besides the fit: the data file and weighting. */
  private Map<String, Object> oneVsRestSettings(TrainingFile file) {
    Map<String, Object> more = new LinkedHashMap<>(file.settings());
    if (weightColumn != null) {
      more.put("weightColumn", weightColumn);
    }
    if (init != null) {
      more.put("init", init.toString());
    }
    return more;
  }

  /**
   * The history of a one-vs-rest fit as CSV: per iteration the sum of the classes' objectives
   * (each held at its last value once it stopped), the norm of all their gradients and the
   * seconds, then each class's objective and gradient norm (empty after it stopped).
   */
  private static void writeOneVsRestHistory(Path file, OneVsRest fit) throws java.io.IOException {
    List<io.descent.train.Progress> sum = fit.history();
    CliSupport.writeAtomically(file, (java.io.Writer w) -> {
      StringBuilder header = new StringBuilder("iteration,objective,gradient_norm,"
          + "elapsed_seconds");
      for (int c = 0; c < fit.classes(); c++) {
        String label = fit.model().label(c);
        header.append(',').append(csvField("objective_" + label)).append(',')
            .append(csvField("gradient_norm_" + label));
      }
      w.write(header.append('\n').toString());
      for (io.descent.train.Progress p : sum) {
        StringBuilder line = new StringBuilder();
        line.append(p.iteration()).append(',').append(p.objective()).append(',')
            .append(p.gradientNorm()).append(',').append(p.elapsedSeconds());
        for (int c = 0; c < fit.classes(); c++) {
          List<io.descent.train.Progress> h = fit.history(c);
          if (p.iteration() < h.size()) {
            line.append(',').append(h.get(p.iteration()).objective()).append(',')
                .append(h.get(p.iteration()).gradientNorm());
          } else {
            line.append(",,");
          }
        }
        w.write(line.append('\n').toString());
      }
    });
  }

  /** A CSV field: as it is, or quoted (quotes doubled) when it holds a comma, quote or newline. */
  private static String csvField(String text) {
    return text.matches("[^,\"\r\n]*") ? text : "\"" + text.replace("\"", "\"\"") + "\"";
  }

  /** The summary of a one-vs-rest fit: the shared passes, then one line per class. */
  private static void printOneVsRest(PrintWriter out, OneVsRest fit, TrainingConfig config) {
    LockstepFit.Result r = fit.fit();
    out.printf(Locale.ROOT, "backend: %s%n", r.backend().summary());
    out.printf(Locale.ROOT, "optimizer: %s%n", config.optimizerDescription());
    out.printf(Locale.ROOT, "one-vs-rest: %d logistic models in lockstep, %d %s in %.3f s%n",
        fit.classes(), r.passes(), config.isFullBatch() ? "passes over the data"
            : "batched evaluations (batches and epoch ends)", r.seconds());
    for (int c = 0; c < fit.classes(); c++) {
      LockstepFit.ModelResult m = r.models().get(c);
      out.printf(Locale.ROOT, "  class %s: %d iterations, objective %.17g, gradient norm"
          + " %.3e: %s%n", MetricsReport.shown(fit.model().label(c)), m.iterations(),
          m.objective(), m.gradientNorm(), FlagNames.of(m.message()));
    }
    CliSupport.printVerification(out, fit.verification());
    out.flush();
  }

  /** The {@code --json} document of a one-vs-rest fit. */
  private ObjectNode oneVsRestReport(Dataset dataset, int trainingRows, OneVsRest fit,
      TrainingConfig config, Map<String, MetricsReport> sets, List<String> notices) {
    LockstepFit.Result r = fit.fit();
    ObjectNode root = JsonReport.object();
    putData(root, dataset, fit.model().classes().orElseThrow().labels());
    JsonReport.putBackend(root, r.backend());
    JsonText.putValues(root.putObject("optimizer"), config.optimizerSettings());
    ObjectNode res = root.putObject("result");
    res.put("oneVsRest", true);
    res.put("converged", fit.converged());
    res.put("passes", r.passes());
    res.put("seconds", r.seconds());
    res.put("verification", Double.isNaN(fit.verification()) ? null : fit.verification());
    ArrayNode perClass = res.putArray("classes");
    for (int c = 0; c < fit.classes(); c++) {
      LockstepFit.ModelResult m = r.models().get(c);
      ObjectNode o = perClass.addObject();
      o.put("class", fit.model().label(c));
      o.put("stopReason", m.stopReason().label());
      o.put("converged", m.converged());
      o.put("message", FlagNames.of(m.message()));
      o.put("iterations", m.iterations());
      o.put("evaluations", m.evaluations());
      o.put("objective", m.objective());
      o.put("gradientNorm", m.gradientNorm());
    }
    root.put("trainingRows", trainingRows);
    for (String set : new String[] {"train", "validation", "test"}) {
      MetricsReport metrics = sets.get(set);
      root.set(set, metrics == null ? null : metrics.json());
    }
    root.put("model", this.out == null ? null : this.out.toString());
    ArrayNode noticeArray = root.putArray("notices");
    data.cacheNotices.forEach(noticeArray::add);
    notices.forEach(noticeArray::add);
    return root;
  }

  /** Reads the data, trains, writes the outputs; {@code activity} follows each step. */
  private int train(Descent descent, TrainingConfig config, Loss loss, LinearModel initial,
      Interrupts.Activity activity, PrintWriter out, PrintWriter err) throws Exception {
    double fraction = testFraction == null ? 0 : testFraction;
    ReadProgress reading = ReadingProgress.on(err, String.valueOf(data.data),
        !quiet && !json.json && CliSupport.isTerminal());
    Dataset dataset;
    long readStart = System.nanoTime();
    // Only --json reports it (reading the JVM's start loads java.management, about 30 ms).
    double started = json.json ? HugePages.secondsSinceStart() : Double.NaN;
    CliSupport.startOpenCl(backend.backend);
    CliSupport.warmUpReference(data.data, loss);
    try {
      dataset = CliSupport.read(data, loss, true, null, null, null, HeapNeeds.train(config,
          fraction, weightColumn != null || classWeight != null), reading, weightColumn);
    } finally {
      if (reading instanceof ReadingProgress r) {
        r.done();
      }
    }
    TrainingFile file = TrainingFile.of(data.data, fraction);
    Split split = fraction > 0 ? Split.forTest(dataset.rows(), fraction, seed) : null;
    Dataset training = split == null ? dataset : dataset.rows(split.train());
    Dataset test = split == null ? null : dataset.rows(split.test());
    checkWeighting(training, loss, initial);
    descent.init(initial);
    activity.doing("training");
    boolean text = !quiet && !json.json;
    ProgressListener listener = new ProgressListener(err, text && CliSupport.isTerminal(),
        history);
    if (json.json) {
      listener.phase(PHASE_START, started);
    }
    listener.phase(PHASE_READ, (System.nanoTime() - readStart) / 1e9);
    if (text) {
      out.printf(Locale.ROOT, "data: %s%s, %d rows x %d features, target %s, seed %d%n",
          dataset.source(), data.origin(), dataset.rows(), dataset.features(),
          dataset.targetName(), seed);
      dataset.classLabels().ifPresent(c -> out.printf(Locale.ROOT, "classes: %d (%s order):"
          + " %s%n", c.size(), c.numeric() ? "numeric" : "text",
          MetricsReport.listed(c.labels())));
      if (weightColumn != null || classWeight != null) {
        out.printf(Locale.ROOT, "weights: %s%n", weighting());
      }
      if (init != null) {
        out.printf(Locale.ROOT, "init: starting from %s%n", init);
      }
      if (test != null) {
        out.printf(Locale.ROOT, "test: %d rows set aside (fraction %s), training on %d%n",
            test.rows(), fraction, training.rows());
      }
      out.flush();
    }
    FitResult result;
    try (Interrupts interrupts = Interrupts.install(descent::requestStop)) {
      result = descent.train(training, listener);
    } catch (MissingClassException e) {
      if (test == null) {
        throw e;
      }
      // The test rows were drawn at random: say so, since the file may hold every class (as
      // the library says of the rows a validation fraction held out).
      throw e.setAside("--test-fraction " + fraction + " set aside " + test.rows());
    }
    if (history != null) {
      activity.writing(history);
      listener.writeHistory();
      activity.written(history);
    }
    if (plot != null) {
      activity.writing(plot);
      HistoryPlot.write(plot, result.history(), "descent train: " + dataset.source() + ", "
          + result.optimizer().split(" ", 2)[0] + " on " + result.backend().summary());
      activity.written(plot);
    }
    if (result.stopReason() == StopReason.INTERRUPTED) {
      if (text) {
        CliSupport.printSummary(out, result);
      }
      err.println("descent: " + FlagNames.of(result.message()));
      if (checkpoint != null) {
        activity.writing(checkpoint);
        new ModelFile(result.model(), trainingInfo(result, file)).write(checkpoint);
        activity.written(checkpoint);
        err.println("descent: checkpoint written to " + checkpoint);
      }
      if (this.out != null) {
        err.println("descent: " + this.out + " not written");
      }
      return Interrupts.EXIT_CODE;
    }
    if (result.stopReason() == StopReason.DIVERGED
        || result.stopReason() == StopReason.SEPARABLE) {
      if (text) {
        CliSupport.printSummary(out, result);
      }
      err.println("descent: " + FlagNames.of(result.message())
          + (this.out == null ? "" : "; no model written"));
      return Main.FAILURE;
    }
    Map<String, MetricsReport> sets = evaluate(result, training, test);
    if (text) {
      CliSupport.printSummary(out, result);
      sets.forEach((what, metrics) -> out.println(metrics.line(what)));
    }
    if (!result.converged()) {
      err.println("descent: warning: " + FlagNames.of(result.message()));
    }
    if (this.out != null) {
      activity.writing(this.out);
      long writing = System.nanoTime();
      new ModelFile(result.model(), trainingInfo(result, file)).write(this.out);
      listener.phase(PHASE_WRITE, (System.nanoTime() - writing) / 1e9);
      activity.written(this.out);
      if (text) {
        out.println("model written to " + this.out);
      }
    } else if (text) {
      out.println("no model written (give --out FILE to keep it)");
    }
    if (json.json) {
      ObjectNode report = report(dataset, result, sets);
      ObjectNode timings = report.putObject("timings");
      listener.phases().forEach(timings::put);
      JsonReport.print(out, report);
    }
    return Main.OK;
  }

  /** How the rows are weighted, for the summary: "column w, class weights balanced". */
  private String weighting() {
    String column = weightColumn == null ? null : "column " + weightColumn;
    String classes = classWeight == null ? null : "class weights " + classWeight;
    return column == null ? classes : classes == null ? column : column + " x " + classes;
  }

  /**
   * The class weights' labels and the initial model, checked against the training rows before
   * the fit so that each problem names its option.
   */
  private void checkWeighting(Dataset training, Loss loss, LinearModel initial) {
    if (classWeight != null) {
      try {
        ClassWeights.parse(classWeight).rowWeights(training);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--class-weight " + classWeight + ": " + e.getMessage());
      }
    }
    if (initial != null) {
      try {
        io.descent.train.WarmStart.check(initial, training, loss);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--init " + init + ": " + e.getMessage());
      }
    }
  }

  /** The run as the model file records it, with the data file it read and the weighting. */
  private TrainingInfo trainingInfo(FitResult result, TrainingFile file) {
    Map<String, Object> more = new LinkedHashMap<>(file.settings());
    if (weightColumn != null) {
      more.put("weightColumn", weightColumn);
    }
    if (init != null) {
      more.put("init", init.toString());
    }
    return result.trainingInfo().withHyperparameters(more);
  }

  /**
   * With test rows, the model's metrics on the rows it was fitted on, the validation rows (if
   * any) and the test rows; none otherwise.
   */
  private static Map<String, MetricsReport> evaluate(FitResult result, Dataset training,
      Dataset test) {
    return evaluate(result.model(), result.validationRows(), training, test);
  }

  /** As above, for {@code model} fitted on the training rows but {@code validation}. */
  private static Map<String, MetricsReport> evaluate(LinearModel model, int[] validation,
      Dataset training, Dataset test) {
    Map<String, MetricsReport> sets = new LinkedHashMap<>();
    if (test == null) {
      return sets;
    }
    Dataset fitted = validation.length == 0 ? training
        : training.rows(complement(training.rows(), validation));
    sets.put("train", new MetricsReport(Metrics.evaluate(model, fitted), model));
    if (validation.length > 0) {
      sets.put("validation", new MetricsReport(Metrics.evaluate(model,
          training.rows(validation)), model));
    }
    sets.put("test", new MetricsReport(Metrics.evaluate(model, test), model));
    return sets;
  }

  /** The rows {@code 0..n-1} not in {@code sorted}, in order. */
  private static int[] complement(int n, int[] sorted) {
    int[] rest = new int[n - sorted.length];
    for (int i = 0, k = 0, r = 0; i < n; i++) {
      if (k < sorted.length && sorted[k] == i) {
        k++;
      } else {
        rest[r++] = i;
      }
    }
    return rest;
  }

  /**
   * The {@code --json} document's {@code data}: the file, its shape, target and classes (null:
   * none), and how its rows were split, weighted and started from.
   */
  private void putData(ObjectNode root, Dataset dataset, List<String> classes) {
    ObjectNode d = root.putObject("data");
    d.put("file", dataset.source());
    d.put("cachedCopy", data.cachedCopyText());
    d.put("rows", dataset.rows());
    d.put("features", dataset.features());
    d.put("target", dataset.targetName());
    if (classes != null) {
      ArrayNode labels = d.putArray("classes");
      classes.forEach(labels::add);
    }
    d.put("seed", seed);
    d.put("testFraction", testFraction);
    d.put("validationFraction", validationFraction);
    d.put("weightColumn", weightColumn);
    d.put("classWeight", classWeight);
    d.put("init", init == null ? null : init.toString());
  }

  /** The {@code --json} document: every figure the text shows. */
  private ObjectNode report(Dataset dataset, FitResult r,
      Map<String, MetricsReport> sets) {
    ObjectNode root = JsonReport.object();
    putData(root, dataset, dataset.classLabels().map(c -> c.labels()).orElse(null));
    JsonReport.putBackend(root, r.backend());
    // The optimizer as the model file keeps it: its name and every hyperparameter as fields.
    JsonText.putValues(root.putObject("optimizer"), r.optimizerSettings());
    ObjectNode res = root.putObject("result");
    res.put("stopReason", r.stopReason().label());
    res.put("converged", r.converged());
    res.put("message", FlagNames.of(r.message()));
    res.put("iterations", r.iterations());
    res.put("epochs", r.epochs());
    res.put("evaluations", r.evaluations());
    res.put("seconds", r.elapsedSeconds());
    root.put("objective", r.objective());
    root.put("gradientNorm", r.gradientNorm());
    if (r.l1() > 0) {
      root.put("l1", r.l1());
      root.put("kktViolation", r.kktViolation());
      root.put("nonzeroWeights", r.nonzero());
      root.put("featuresInUse", r.featuresInUse());
    }
    root.put("trainingRows", r.trainingRows());
    root.put("verification", r.verification());
    for (String set : new String[] {"train", "validation", "test"}) {
      MetricsReport metrics = sets.get(set);
      root.set(set, metrics == null ? null : metrics.json());
    }
    root.put("model", this.out == null ? null : this.out.toString());
    ArrayNode notices = root.putArray("notices");
    data.cacheNotices.forEach(notices::add);
    r.notices().forEach(notices::add);
    return root;
  }
}
