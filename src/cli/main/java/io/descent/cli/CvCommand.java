package io.descent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.Descent;
import io.descent.data.ClassWeights;
import io.descent.data.Dataset;
import io.descent.data.ReadProgress;
import io.descent.loss.ElasticNet;
import io.descent.loss.Loss;
import io.descent.model.ModelFile;
import io.descent.optim.Lbfgs;
import io.descent.train.CrossValidation;
import io.descent.train.FitResult;
import io.descent.train.LockstepFit;
import io.descent.train.LockstepMiniBatch;
import io.descent.train.TrainingConfig;
import io.descent.train.StopReason;
import io.descent.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent cv}: k-fold cross-validation of a grid of L2 penalties (or of L1 x L2
 * settings, {@code --l1}, or Spark's {@code --reg-param} with {@code --l1-ratio}), every
 * (setting, fold) model fitted together in lockstep (linear, logistic or multinomial; weighted
 * by a column and by class as {@code train} is, see {@link CrossValidation}); then the best
 * setting refitted on all rows by the trainer and written as {@code train --out} writes a
 * model.
 */
@Command(name = "cv", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, sortOptions = false,
    description = "Cross-validate L2 penalties, or L1 x L2 grids (every fold x setting model"
        + " fitted in the same passes), refit the best on all rows and write it.")
final class CvCommand implements Callable<Integer> {
  /** Model-file settings that record the cross-validation behind a model. */
  static final String CV_FOLDS = "cvFolds";
  static final String CV_L2 = "cvL2";
  /** Each setting's L1 penalty, paired with {@link #CV_L2}'s (only when one is above 0). */
  static final String CV_L1 = "cvL1";
  static final String CV_LOSS = "cvMeanValidationLoss";

  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  LossOption lossOption;

  @Option(names = "--folds", defaultValue = "" + CrossValidation.DEFAULT_FOLDS, paramLabel = "K",
      description = "Number of folds, >= 2; stratified by class for logistic and multinomial"
          + " (default: ${DEFAULT-VALUE}).")
  int folds;

  @Option(names = "--l2", split = ",", paramLabel = "LAMBDA",
      description = "L2 penalties to compare, comma-separated (default: "
          + CrossValidation.DEFAULT_L2_GRID + "; with --l1: 0).")
  List<Double> l2;

  @Option(names = "--l1", split = ",", paramLabel = "L1",
      description = "L1 penalties to compare, comma-separated: every L1 with every --l2 (the"
          + " elastic net; OWL-QN fits). The table shows each setting's mean nonzero weights.")
  List<Double> l1;

  @Option(names = "--reg-param", split = ",", paramLabel = "R",
      description = "Total penalties to compare instead of --l1/--l2 (Spark's regParam):"
          + " l1 = R * A, l2 = R * (1 - A) with A from --l1-ratio.")
  List<Double> regParam;

  @Option(names = {"--l1-ratio", "--elastic-net-param"}, split = ",", paramLabel = "A",
      description = "L1 shares A in [0, 1] of the --reg-param penalties, comma-separated: every"
          + " A with every R (Spark's elasticNetParam grid; scikit-learn's l1_ratio list; as"
          + " path's --l1-ratio) (default: " + ElasticNet.DEFAULT_ELASTIC_NET_PARAM + ", ridge).")
  List<Double> l1Ratio;

  /**
   * Refuses a grid with an empty item where the list starts or ends ({@code --l1 0.1,}), which
   * picocli's split dropped without a word where one inside ({@code 1,,2}) is refused as "'' is
   * not a double".
   */
  static void requireNoEmptyItems(picocli.CommandLine.ParseResult parsed, String... options) {
    for (String name : options) {
      picocli.CommandLine.Model.OptionSpec option = parsed.matchedOption(name);
      if (option == null) {
        continue;
      }
      for (String value : option.originalStringValues()) {
        if (value.isEmpty() || value.startsWith(",") || value.endsWith(",")) {
          throw new Main.UsageException(name + " has an empty item in \"" + value + "\": give"
              + " comma-separated numbers");
        }
      }
    }
  }


  /** Each setting's L2 penalty, in order (from the grids, before the data is read). */
  private List<Double> settingL2;
  /** Each setting's L1 penalty, paired with {@link #settingL2}. */
  private List<Double> settingL1;

  @Option(names = "--weight-column", paramLabel = "NAME",
      description = "Weigh each row by this column (finite numbers >= 0, not all 0; not a"
          + " feature), as train does: each fold's fits weighted (standardization too), the"
          + " validation loss a weighted mean over the held-out rows.")
  String weightColumn;

  @Option(names = "--class-weight", paramLabel = "SPEC",
      description = "Logistic and multinomial: weigh each class, " + ClassWeights.BALANCED
          + " (counted on each fold's training rows, as train on those rows would) or"
          + " LABEL=W,LABEL=W (labels as written in the data; others weigh 1). Multiplies"
          + " --weight-column; held-out rows weigh as their fold's training rows.")
  String classWeight;

  /** {@link #classWeight}, parsed once before the data is read; null without it. */
  private ClassWeights classWeights;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Write the best setting's model, refitted on all rows, here (JSON).")
  Path out;

  @Option(names = "--seed", defaultValue = "" + Descent.DEFAULT_SEED, paramLabel = "SEED",
      description = "Seed of the fold assignment (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-iterations", defaultValue = "" + Descent.DEFAULT_MAX_ITERATIONS,
      paramLabel = "N", description = "Cap on full-batch iterations per model (default:"
          + " ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(names = "--tolerance", defaultValue = "" + Descent.DEFAULT_TOLERANCE,
      paramLabel = "TOL", description = "Stop a model when max |gradient| <= TOL * max(1,"
          + " |objective|); with an L1 penalty, the KKT violation; for --loss linear TOL *"
          + " max(s, |objective| / s), s the target's standard deviation (default: "
          + Descent.DEFAULT_TOLERANCE + ", as train).")
  double tolerance;

  @Option(names = "--optimizer", paramLabel = "NAME",
      description = "lbfgs, owlqn, gd (full batch), or sgd, momentum, nesterov, adagrad, rmsprop,"
          + " adam (mini-batch: every model sees the same batches) (default: "
          + Descent.DEFAULT_OPTIMIZER + "; settings with an L1 penalty run "
          + Descent.DEFAULT_L1_OPTIMIZER + ").")
  String optimizer;

  @Option(names = "--learning-rate", paramLabel = "RATE",
      description = "Base learning rate of a mini-batch optimizer (default: per optimizer), or"
          + " the first trial step of gd.")
  Double learningRate;

  @Option(names = "--batch-size", paramLabel = "ROWS",
      description = "Rows per mini-batch for mini-batch optimizers (default "
          + Descent.DEFAULT_BATCH_SIZE + ").")
  Integer batchSize;

  @Mixin
  ScheduleOptions schedule = new ScheduleOptions();

  @Option(names = "--max-epochs", paramLabel = "N",
      description = "Cap on mini-batch epochs per model (default " + Descent.DEFAULT_MAX_EPOCHS
          + ").")
  Integer maxEpochs;

  @Option(names = "--solver", defaultValue = io.descent.train.Solver.DEFAULT_LABEL,
      paramLabel = "auto|normal|passes",
      description = "Linear models: normal = the normal equations (every fold's second moments"
          + " in one pass, each model's the total less its held-out fold's), passes = one pass"
          + " per evaluation, auto = normal for a full-batch optimizer with at most "
          + io.descent.train.Solver.NORMAL_MAX_FEATURES + " features and more rows than features,"
          + " else passes (default: ${DEFAULT-VALUE}).")
  String solver;

  @Mixin
  BackendOptions backend;

  @Option(names = "--quiet", description = "No table and no summary.")
  boolean quiet;

  @Mixin
  JsonOption json;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Loss loss = CliSupport.loss(lossOption.kind);
    lossOption.noticeOldName(spec.commandLine().getParseResult(), err);
    if (data.target == null) {
      throw new Main.UsageException("cv needs --target");
    }
    requireNoEmptyItems(spec.commandLine().getParseResult(), "--l2", "--l1", "--reg-param",
        "--l1-ratio");
    settings();
    CliSupport.requireCapOfItsKind(CliSupport.fullBatch(optimizer), maxEpochs != null,
        spec.commandLine().getParseResult().hasMatchedOption("--max-iterations"));
    Descent refit = (loss == Loss.LOGISTIC ? Descent.logistic()
        : loss == Loss.MULTINOMIAL ? Descent.multinomial() : Descent.linear())
        .backend(backend.backend).openCl(backend.openCl())
        .maxIterations(spec.commandLine().getParseResult().hasMatchedOption("--max-iterations")
            ? maxIterations : null)
        .tolerance(tolerance).seed(seed).optimizer(optimizer).learningRate(learningRate)
        .batchSize(batchSize).maxEpochs(maxEpochs);
    schedule.applyTo(refit);
    if (classWeight != null) {
      if (loss == Loss.LINEAR) {
        throw new Main.UsageException("--class-weight needs a classification loss (logistic or"
            + " multinomial), not " + loss.label());
      }
      try {
        classWeights = ClassWeights.parse(classWeight);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--class-weight: " + e.getMessage());
      }
      refit.classWeights(classWeights);
    }
    if (anyL1() && smoothOnly(optimizer)) {
      // As the library refuses it, but without its "or a mini-batch rule": cv refuses those
      // with an L1 penalty.
      throw new Main.UsageException("--optimizer " + optimizer + " assumes a differentiable"
          + " objective and does not handle an L1 penalty: leave --optimizer out (settings"
          + " with an L1 penalty then run " + Descent.DEFAULT_L1_OPTIMIZER + ") or give"
          + " --optimizer " + Descent.DEFAULT_L1_OPTIMIZER);
    }
    if (anyL1()) {
      // The refit of an L1 setting must take the optimizer: checked before the data is read.
      refit.l1(settingL1.stream().mapToDouble(Double::doubleValue).max().orElse(0)).config();
      refit.l1(0);
    }
    // Checks every setting before the data is read.
    CrossValidation.Options options = options(loss, refit, null);
    try {
      refit.solver(solver);
      io.descent.train.Solver.fromLabel(solver).normalFor(loss, options.miniBatch() == null, 1,
          0);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--solver " + solver + ": " + e.getMessage().replace(
          "a full-batch optimizer", "a full-batch --optimizer (lbfgs, gd or owlqn)"));
    }
    data.files().output("--out", this.out).check();
    DeviceOptions.noticeIgnored(err, backend.backend, spec.commandLine().getParseResult());
    try (Interrupts.Activity activity = Interrupts.activity(err, "reading " + data.data,
        this.out)) {
      return run(refit, loss, activity, out, err);
    }
  }

  /**
   * The cross-validation's options: every model runs the optimizer the trainer would, with its
   * settings (a mini-batch rule's default rate as {@link Descent#config(Dataset)} sets it for
   * the data, when given).
   */
  private CrossValidation.Options options(Loss loss, Descent refit, Dataset dataset) {
    TrainingConfig c = dataset == null ? refit.config() : refit.config(dataset);
    LockstepFit.Settings full = c.isFullBatch() ? new LockstepFit.Settings(c.fullBatch(),
        c.maxIterations(), c.gradientTolerance(), c.objectiveTolerance())
        : new LockstepFit.Settings(new Lbfgs(), c.maxIterations(), c.gradientTolerance(),
            c.objectiveTolerance());
    LockstepMiniBatch.Settings mini = c.isFullBatch() ? null : new LockstepMiniBatch.Settings(
        () -> (dataset == null ? refit.config() : refit.config(dataset)).updateRule(),
        c.schedule(), c.learningRate(), c.batchSize(), c.maxEpochs(), c.gradientTolerance(),
        c.objectiveTolerance(), seed);
    return new CrossValidation.Options(loss, settingL2, folds, seed, backend.backend,
        backend.openCl(), full, mini, classWeights, settingL1);
  }

  /**
   * The settings from the grids: every --l1 with every --l2 (the L2 grid's default without
   * --l1, 0 with it), or every --l1-ratio A with every --reg-param R as (R A, R (1 - A)), in
   * that order (A outer), each distinct pair once.
   */
  private void settings() {
    settingL2 = new java.util.ArrayList<>();
    settingL1 = new java.util.ArrayList<>();
    if (regParam != null) {
      if (l1 != null || l2 != null) {
        throw new Main.UsageException("--reg-param replaces --l1 and --l2: give one or the"
            + " other");
      }
      List<Double> shares = l1Ratio == null ? List.of(ElasticNet.DEFAULT_ELASTIC_NET_PARAM)
          : l1Ratio;
      java.util.Set<List<Double>> seen = new java.util.HashSet<>();
      for (double a : shares) {
        for (double r : regParam) {
          io.descent.loss.ElasticNet p;
          try {
            p = io.descent.loss.ElasticNet.spark(r, a);
          } catch (IllegalArgumentException e) {
            throw new Main.UsageException((e.getMessage().contains("elastic-net")
                ? "--l1-ratio" : "--reg-param") + ": " + e.getMessage());
          }
          // R = 0 gives (0, 0) for every share: one setting, not one per share.
          if (seen.add(List.of(p.l1(), p.l2()))) {
            settingL1.add(p.l1());
            settingL2.add(p.l2());
          }
        }
      }
      return;
    }
    if (l1Ratio != null) {
      throw new Main.UsageException("--l1-ratio is the L1 share of --reg-param: give"
          + " --reg-param too, or use --l1 and --l2");
    }
    List<Double> l2s = l2 != null ? l2 : l1 != null ? List.of(0.0) : CrossValidation.DEFAULT_L2;
    List<Double> l1s = l1 != null ? l1 : List.of(0.0);
    for (double a : l1s) {
      if (!(a >= 0) || !Double.isFinite(a)) {
        throw new Main.UsageException("--l1: penalties must be finite and >= 0, got " + a);
      }
      for (double b : l2s) {
        if (!(b >= 0) || !Double.isFinite(b)) {
          throw new Main.UsageException("--l2: penalties must be finite and >= 0, got " + b);
        }
        settingL1.add(a);
        settingL2.add(b);
      }
    }
  }

  /** Whether any setting has an L1 penalty (the table then shows L1 and nonzero counts). */
  private boolean anyL1() {
    return settingL1.stream().anyMatch(v -> v > 0);
  }

  private int run(Descent refit, Loss loss,
      Interrupts.Activity activity, PrintWriter out, PrintWriter err) throws Exception {
    boolean text = !quiet && !json.json;
    ReadProgress reading = ReadingProgress.on(err, String.valueOf(data.data),
        text && CliSupport.isTerminal());
    Dataset dataset;
    CliSupport.startOpenCl(backend.backend);
    CliSupport.warmUpReference(data.data, loss);
    try {
      dataset = CliSupport.read(data, loss, true, null, null, null,
          HeapNeeds.cv(folds, weightColumn != null || classWeight != null), reading,
          weightColumn);
    } finally {
      if (reading instanceof ReadingProgress r) {
        r.done();
      }
    }
    if (text) {
      out.printf(Locale.ROOT, "data: %s%s, %d rows x %d features, target %s, seed %d%n",
          dataset.source(), data.origin(), dataset.rows(), dataset.features(),
          dataset.targetName(), seed);
      dataset.classLabels().ifPresent(c -> out.printf(Locale.ROOT, "classes: %d (%s order):"
          + " %s%n", c.size(), c.numeric() ? "numeric" : "text", String.join(", ", c.labels())));
      if (weightColumn != null || classWeight != null) {
        out.printf(Locale.ROOT, "weights: %s%n", weighting());
      }
      out.flush();
    }
    if (classWeight != null) {
      try {
        classWeights.rowWeights(dataset);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--class-weight " + classWeight + ": " + e.getMessage());
      }
    }
    if (folds > dataset.rows()) {
      throw new Main.UsageException("--folds " + folds + " is more than the " + dataset.rows()
          + " rows of " + dataset.source());
    }
    activity.doing("cross-validating");
    CrossValidation.Options options = options(loss, refit, dataset);
    CrossValidation cv = new CrossValidation(options)
        .solver(io.descent.train.Solver.fromLabel(solver));
    CrossValidation.Result result;
    try (Interrupts interrupts = Interrupts.install(cv::requestStop)) {
      result = cv.run(dataset, line -> {
        err.println("descent: " + line);
        err.flush();
      });
    }
    String metric = CrossValidation.metricName(loss);
    List<LockstepFit.ModelResult> fits = result.fit().models();
    boolean interrupted = fits.stream().anyMatch(m -> m.stopReason() == StopReason.INTERRUPTED);
    // An interrupted run's scores are of unfinished fits: no table that would read as results.
    if (text && !interrupted) {
      printTable(out, result, metric, options.miniBatch() != null);
    }
    if (interrupted) {
      err.println("descent: interrupted during cross-validation"
          + (this.out == null ? "" : "; " + this.out + " not written"));
      return Interrupts.EXIT_CODE;
    }
    long unconverged = fits.stream().filter(m -> !m.converged()).count();
    if (unconverged > 0) {
      err.printf(Locale.ROOT, "descent: warning: %d of %d cross-validation fits did not"
          + " converge; the first: %s%n", unconverged, fits.size(), FlagNames.of(fits.stream()
              .filter(m -> !m.converged()).findFirst().get().message()));
    }
    CrossValidation.SettingScore best = result.bestSetting();
    activity.doing("refitting the best setting");
    if (text) {
      long weighing = dataset.weights() == null ? dataset.rows()
          : java.util.Arrays.stream(dataset.weights()).filter(w -> w > 0).count();
      // Rows of weight 0 are as absent (README "Weights"): the refit leaves them out.
      out.printf(Locale.ROOT, "best: %sl2 %s (lowest mean validation loss, %.6g); refitting on"
          + " all %d rows%s%n", anyL1() ? "l1 " + exact(best.l1()) + ", " : "", exact(best.l2()),
          best.meanLoss(), weighing, weighing == dataset.rows() ? ""
              : " that weigh more than 0 (of " + dataset.rows() + ")");
      out.flush();
    }
    FitResult fit;
    Descent chosen = refit.l2(best.l2()).l1(best.l1());
    try (Interrupts interrupts = Interrupts.install(chosen::requestStop)) {
      fit = chosen.train(dataset, TrainingListener.NONE);
    }
    if (text) {
      CliSupport.printSummary(out, fit);
    }
    if (fit.stopReason() == StopReason.INTERRUPTED) {
      err.println("descent: " + FlagNames.of(fit.message())
          + (this.out == null ? "" : "; " + this.out + " not written"));
      return Interrupts.EXIT_CODE;
    }
    if (fit.stopReason() == StopReason.DIVERGED || fit.stopReason() == StopReason.SEPARABLE) {
      err.println("descent: " + FlagNames.of(fit.message())
          + (this.out == null ? "" : "; no model written"));
      if (json.json) {
        // The cross-validation's figures stand; the refit's say how it failed.
        JsonReport.print(out, report(dataset, result, fit, metric, false));
      }
      return Main.FAILURE;
    }
    if (!fit.converged()) {
      err.println("descent: warning: " + FlagNames.of(fit.message()));
    }
    if (this.out != null) {
      activity.writing(this.out);
      Map<String, Object> settings = new LinkedHashMap<>(
          TrainingFile.of(data.data, 0).settings());
      if (weightColumn != null) {
        settings.put("weightColumn", weightColumn);
      }
      settings.put(CV_FOLDS, folds);
      settings.put(CV_L2, grid(settingL2));
      if (anyL1()) {
        settings.put(CV_L1, grid(settingL1));
      }
      settings.put(CV_LOSS, best.meanLoss());
      new ModelFile(fit.model(), fit.trainingInfo().withHyperparameters(settings))
          .write(this.out);
      activity.written(this.out);
      if (text) {
        out.println("model written to " + this.out);
      }
    } else if (text) {
      out.println("no model written (give --out FILE to keep it)");
    }
    if (json.json) {
      JsonReport.print(out, report(dataset, result, fit, metric, this.out != null));
    }
    return Main.OK;
  }

  /** Whether {@code optimizer} names lbfgs or gd, which need a differentiable objective. */
  private static boolean smoothOnly(String optimizer) {
    if (optimizer == null) {
      return false;
    }
    try {
      io.descent.optim.OptimizerKind kind = io.descent.optim.OptimizerKind.fromLabel(optimizer);
      return kind == io.descent.optim.OptimizerKind.LBFGS
          || kind == io.descent.optim.OptimizerKind.GD;
    } catch (IllegalArgumentException e) {
      return false; // the library names an unknown optimizer
    }
  }

  /** How the rows are weighted, for the summary: "column w x class weights balanced". */
  private String weighting() {
    String column = weightColumn == null ? null : "column " + weightColumn;
    String classes = classWeight == null ? null : "class weights " + classWeight
        + (classWeights.isBalanced() ? " (counted on each fold's training"
            + " rows)" : "");
    return column == null ? classes : classes == null ? column : column + " x " + classes;
  }

  /** A penalty as a person writes it: 0.0001, 1, 10. */
  /**
   * What a lockstep fit's pass count counts: passes over the data, or on the normal equations
   * evaluations from the moments (the data was read once, for them).
   */
  static String passesOverTheData(io.descent.gradient.BackendInfo backend) {
    return io.descent.gradient.GramBackend.describes(backend)
        ? "evaluations on the normal equations (one pass over the data, for the moments)"
        : "passes over the data";
  }

  /**
   * Every digit of v, without an exponent from 1e-12 to 1e15 (1.5e-300 reads {@code 1.5E-300},
   * not 300 digits).
   */
  static String plain(double v) {
    return text(java.math.BigDecimal.valueOf(v).stripTrailingZeros(), v);
  }

  /**
   * A penalty as the table and the summary show it: {@link #plain} to 6 significant digits, so
   * that a Spark-style product such as 0.001 x (1 - 0.8) reads 0.0002 (the report, {@code
   * --json} and the model file keep every digit).
   */
  static String shown(double v) {
    return text(java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(6))
        .stripTrailingZeros(), v);
  }

  private static String text(java.math.BigDecimal d, double v) {
    double a = Math.abs(v);
    return a == 0 || a >= 1e-12 && a < 1e15 ? d.toPlainString() : d.toString();
  }

  /**
   * A penalty as {@link #shown}, followed by every digit in parentheses where the 6 digits name
   * another double (0.01 x (1 - 0.3) is 0.006999999999999999): what {@code train --l2} needs to
   * refit the best setting bit for bit.
   */
  static String exact(double v) {
    String six = shown(v);
    return Double.parseDouble(six) == v ? six : six + " (" + plain(v) + ")";
  }

  /** Each setting's penalty, comma-separated. */
  private static String grid(List<Double> penalties) {
    return String.join(",", penalties.stream().map(CvCommand::plain).toList());
  }

  private void printTable(PrintWriter out, CrossValidation.Result r, String metric,
      boolean miniBatch) {
    LockstepFit.Result fit = r.fit();
    boolean perFold = classWeights != null && classWeights.isBalanced();
    out.printf(Locale.ROOT, "cv: %d folds%s x %d setting%s = %d models in %s on %s: %d"
        + " %s, %.3f s%n", r.folds(), r.stratified() ? " (stratified)" : "",
        r.settings().size(), r.settings().size() == 1 ? "" : "s", fit.models().size(),
        perFold ? "lockstep (each fold's balanced class weights in a table of its own)"
            : "lockstep",
        fit.backend().summary(), fit.passes(),
        miniBatch ? "batched evaluations (batches and epoch ends)"
            : passesOverTheData(fit.backend()), fit.seconds());
    boolean withL1 = anyL1();
    out.printf(Locale.ROOT, "%s%-12s %-26s %-26s %s%n", withL1 ? String.format(Locale.ROOT,
        "%-12s ", "l1") : "", "l2", "validation loss (mean, sd)", metric + " (mean, sd)",
        withL1 ? "nonzero (mean)  converged" : "converged");
    for (int s = 0; s < r.settings().size(); s++) {
      CrossValidation.SettingScore x = r.settings().get(s);
      out.printf(Locale.ROOT, "%s%-12s %-26s %-26s %s%d/%d%s%n", withL1 ? String.format(
          Locale.ROOT, "%-12s ", shown(x.l1())) : "", shown(x.l2()),
          String.format(Locale.ROOT, "%.6g, %.3g", x.meanLoss(), x.sdLoss()),
          String.format(Locale.ROOT, "%.6g, %.3g", x.meanMetric(), x.sdMetric()),
          withL1 ? String.format(Locale.ROOT, "%-15.4g ", x.meanNonzero()) : "", x.converged(),
          x.folds().size(), s == r.best() ? "  <- best" : "");
    }
    out.flush();
  }

  /**
   * The {@code --json} document: every figure, per setting and per fold, and the refit's;
   * {@code written}: whether the refit's model was written to {@code --out}.
   */
  private ObjectNode report(Dataset dataset, CrossValidation.Result r, FitResult fit,
      String metric, boolean written) {
    ObjectNode root = JsonReport.object();
    ObjectNode d = root.putObject("data");
    d.put("file", dataset.source());
    d.put("cachedCopy", data.cachedCopyText());
    d.put("rows", dataset.rows());
    d.put("features", dataset.features());
    d.put("target", dataset.targetName());
    dataset.classLabels().ifPresent(c -> {
      ArrayNode classes = d.putArray("classes");
      c.labels().forEach(classes::add);
    });
    d.put("seed", seed);
    d.put("weightColumn", weightColumn);
    d.put("classWeight", classWeight);
    JsonReport.putBackend(root, r.fit().backend());
    ObjectNode cv = root.putObject("cv");
    cv.put("loss", fit.model().loss().label());
    cv.put("folds", r.folds());
    cv.put("stratified", r.stratified());
    cv.put("models", r.fit().models().size());
    cv.put("passes", r.fit().passes());
    cv.put("columnEvaluations", r.fit().columnEvaluations());
    cv.put("seconds", r.fit().seconds());
    cv.put("metric", metric);
    cv.put("weighted", dataset.weights() != null || classWeight != null);
    // Every fold x setting in one lockstep fit, balanced class weights too (a field kept for
    // readers of the documents written when balanced folds ran one fit each).
    cv.put("lockstepFits", 1);
    ArrayNode settings = cv.putArray("settings");
    for (CrossValidation.SettingScore s : r.settings()) {
      ObjectNode o = settings.addObject();
      o.put("l2", s.l2());
      o.put("l1", s.l1());
      o.put("meanNonzero", s.meanNonzero());
      o.put("meanLoss", s.meanLoss());
      o.put("sdLoss", s.sdLoss());
      o.put("meanMetric", s.meanMetric());
      o.put("sdMetric", s.sdMetric());
      o.put("converged", s.converged());
      ArrayNode folds = o.putArray("folds");
      for (CrossValidation.FoldScore f : s.folds()) {
        ObjectNode q = folds.addObject();
        q.put("fold", f.fold());
        q.put("rows", f.rows());
        q.put("weight", f.weight());
        q.put("loss", f.loss());
        q.put("metric", f.metric());
        q.put("stopReason", f.fit().stopReason().label());
        q.put("converged", f.fit().converged());
        q.put("iterations", f.fit().iterations());
        q.put("evaluations", f.fit().evaluations());
        q.put("objective", f.fit().objective());
        q.put("kktViolation", f.fit().kktViolation());
      }
    }
    ObjectNode best = cv.putObject("best");
    best.put("index", r.best());
    best.put("l2", r.bestSetting().l2());
    best.put("l1", r.bestSetting().l1());
    best.put("meanLoss", r.bestSetting().meanLoss());
    ObjectNode res = root.putObject("refit");
    res.put("l2", r.bestSetting().l2());
    res.put("l1", r.bestSetting().l1());
    res.put("nonzero", fit.nonzero());
    res.put("stopReason", fit.stopReason().label());
    res.put("converged", fit.converged());
    res.put("message", FlagNames.of(fit.message()));
    res.put("iterations", fit.iterations());
    res.put("evaluations", fit.evaluations());
    if (fit.epochs() > 0) {
      res.put("epochs", fit.epochs());
    }
    res.put("seconds", fit.elapsedSeconds());
    res.put("objective", fit.objective());
    res.put("gradientNorm", fit.gradientNorm());
    if (fit.l1() > 0) {
      res.put("kktViolation", fit.kktViolation());
      res.put("featuresInUse", fit.featuresInUse());
    }
    res.put("rows", fit.trainingRows());
    res.put("optimizer", fit.optimizer());
    res.put("backend", fit.backend().summary());
    root.put("model", written ? this.out.toString() : null);
    ArrayNode notices = root.putArray("notices");
    data.cacheNotices.forEach(notices::add);
    r.notices().forEach(notices::add);
    return root;
  }
}
