package io.descent.cli;

import io.descent.data.Dataset;
import io.descent.data.Split;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import io.descent.model.Metrics;
import io.descent.model.ModelFile;
import io.descent.model.ModelMetrics;
import io.descent.model.RegressionMetrics;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code descent evaluate}: metrics of a model on a labelled CSV file. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, sortOptions = false,
    description = "Evaluate a trained model on labelled data: MSE, RMSE, R2 and MAE for linear"
        + " models; log loss, ROC AUC, accuracy, the confusion matrix, and precision, recall,"
        + " F1 and support per class for logistic ones; multiclass log loss, accuracy, the"
        + " confusion matrix and the per-class figures for multinomial ones.")
final class EvaluateCommand implements Callable<Integer> {
  /** The note for data the model was trained on, all of it. */
  static final String TRAINING_ROWS =
      "note: these are the training rows (the model was trained on this file)";
  /** The note for data whose rows were split by {@code train --test-fraction}. */
  static final String TRAINING_AND_TEST_ROWS = "note: this file held the training and the test"
      + " rows; evaluate on the test rows with --test-rows";
  /**
   * The note where the evaluated rows' target has one value (or there is one row): R2, which
   * divides by the target's variance, is undefined (NaN).
   */
  static final String UNDEFINED_R2 = "note: R2 is undefined (NaN): the target has the same value"
      + " in every row evaluated (scikit-learn's r2_score gives 0 there, or 1 for a perfect"
      + " fit; NaN for one row)";

  @Spec
  CommandSpec spec;

  @Mixin
  ModelInputOptions input;

  @Option(names = "--target", paramLabel = "COLUMN",
      description = "Target column (default: the model's target name).")
  String target;

  @Option(names = "--positive-label", paramLabel = "LABEL",
      description = "The label that means 1 (default: the model's).")
  String positiveLabel;

  @Option(names = "--threshold", paramLabel = "P",
      defaultValue = "" + Metrics.DEFAULT_THRESHOLD,
      description = "Logistic models: the probability of class 1 above which a row is called 1,"
          + " for accuracy and the confusion matrix (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--test-rows",
      description = "Evaluate only the rows 'train --test-fraction' set aside from this file"
          + " (the model file records the fraction and the seed).")
  boolean testRows;

  @Mixin
  CacheOptions cache;

  @Mixin
  JsonOption json;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    input.files().check();
    PrintWriter err = spec.commandLine().getErr();
    MetricsReport report;
    try (Interrupts.Activity activity = Interrupts.activity(err, "reading " + input.modelFile)) {
      ModelFile file = input.readModelFile();
      LinearModel model = file.model();
      String column = target != null ? target : model.targetName();
      if (model.loss() == Loss.LINEAR) {
        // Options of classification, which a linear model's figures would silently ignore.
        for (String option : new String[] {"--threshold", "--positive-label"}) {
          if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
            throw new Main.UsageException(option + " is for logistic models; "
                + input.modelFile + " is a linear model");
          }
        }
      }
      if (model.isOneVsRest()
          && spec.commandLine().getParseResult().hasMatchedOption("--positive-label")) {
        throw new Main.UsageException("--positive-label is for binary logistic models; a"
            + " one-vs-rest model reads every class by its label");
      }
      if (column == null) {
        throw new Main.UsageException("the model names no target column: give --target");
      }
      Optional<TrainingFile> recorded = TrainingFile.recorded(file.training());
      Optional<TrainingFile> trainedOn = recorded.filter(t -> t.is(input.data));
      if (testRows && trainedOn.isEmpty()) {
        throw new Main.UsageException("--test-rows needs the data file the model was trained"
            + " on; " + input.modelFile + recorded.map(t -> " was trained on " + t.path()
                + " (" + t.bytes() + " bytes), and " + t.whyNot(input.data))
                .orElse(" does not record the file it was trained on"));
      }
      if (testRows && trainedOn.get().testFraction() == 0) {
        throw new Main.UsageException("--test-rows needs a model trained with --test-fraction; "
            + input.modelFile + " was trained on all of " + input.data);
      }
      activity.doing("reading " + input.data);
      Dataset dataset = input.readData(model, column, positiveLabel,
          HeapNeeds.evaluate(CliSupport.readingLoss(model), model.classCount()), cache, spec);
      activity.doing("evaluating");
      if (!(threshold > 0 && threshold < 1)) {
        throw new Main.UsageException("--threshold must be in (0, 1), got " + threshold);
      }
      if (model.isMulticlass()
          && spec.commandLine().getParseResult().hasMatchedOption("--threshold")) {
        throw new Main.UsageException(model.isOneVsRest() ? "--threshold is for binary"
            + " logistic models; a one-vs-rest model predicts its likeliest class"
            : "--threshold is for logistic models; a multinomial model predicts its likeliest"
            + " class");
      }
      if (testRows) {
        dataset = dataset.rows(Split.forTest(dataset.rows(), trainedOn.get().testFraction(),
            file.training().seed()).test());
      } else if (trainedOn.isPresent()) {
        err.println(trainedOn.get().testFraction() > 0 ? TRAINING_AND_TEST_ROWS : TRAINING_ROWS);
        err.flush();
      }
      ModelMetrics metrics = Metrics.evaluate(model, dataset, threshold);
      if (metrics instanceof RegressionMetrics r && Double.isNaN(r.r2())) {
        err.println(UNDEFINED_R2);
        err.flush();
      }
      report = new MetricsReport(metrics, model);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json.json) {
      JsonReport.print(out, report.json());
    } else {
      report.print(out);
      out.flush();
    }
    return Main.OK;
  }
}
