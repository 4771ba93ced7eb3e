package io.descent.cli;

import io.descent.data.Dataset;
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
    description = "Evaluate a trained model on labelled data: MSE, RMSE and R2 for linear"
        + " models; log loss, accuracy and ROC AUC for logistic ones.")
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

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    input.files().check();
    ModelMetrics metrics;
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
      metrics = Metrics.evaluate(model, dataset);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "rows: %d%n", metrics.rows());
    for (Map.Entry<String, Double> e : metrics.values().entrySet()) {
      out.printf(Locale.ROOT, "%s: %.10g%n", e.getKey(), e.getValue());
    }
    out.flush();
    return Main.OK;
  }
}
