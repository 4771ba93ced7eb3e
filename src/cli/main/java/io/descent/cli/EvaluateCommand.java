package io.descent.cli;

import io.descent.data.Dataset;
import io.descent.model.ClassificationMetrics;
import io.descent.model.LinearModel;
import io.descent.model.Metrics;
import io.descent.model.ModelMetrics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code descent evaluate}: metrics of a model on a labelled CSV file. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluate a trained model on labelled data: MSE, RMSE, MAE and R2 for linear"
        + " models; log loss, ROC AUC, accuracy, the confusion matrix, and precision, recall,"
        + " F1 and support per class for logistic ones.")
final class EvaluateCommand implements Callable<Integer> {
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

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    input.files().check();
    ModelMetrics metrics;
    String[] labels;
    try (Interrupts.Activity activity = Interrupts.activity(spec.commandLine().getErr(),
        "reading " + input.modelFile)) {
      LinearModel model = input.readModel();
      String column = target != null ? target : model.targetName();
      if (column == null) {
        throw new Main.UsageException("the model names no target column: give --target");
      }
      activity.doing("reading " + input.data);
      Dataset dataset = input.readData(model, column, positiveLabel,
          HeapNeeds.evaluate(model.loss()));
      activity.doing("evaluating");
      if (!(threshold > 0 && threshold < 1)) {
        throw new Main.UsageException("--threshold must be in (0, 1), got " + threshold);
      }
      metrics = Metrics.evaluate(model, dataset, threshold);
      labels = model.loss() == io.descent.loss.Loss.LOGISTIC
          ? new String[] {model.label(0), model.label(1)} : null;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "rows: %d%n", metrics.rows());
    for (Map.Entry<String, Double> e : metrics.values().entrySet()) {
      if (!e.getKey().matches("(precision|recall|f1|support)_[01]")) {
        out.printf(Locale.ROOT, "%s: %.10g%n", e.getKey(), e.getValue());
      }
    }
    if (metrics instanceof ClassificationMetrics c && c.confusion() != null) {
      out.print(c.confusion().report(labels[0], labels[1]));
    }
    out.flush();
    return Main.OK;
  }
}
