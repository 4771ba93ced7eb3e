package io.descent.cli;

import io.descent.data.Dataset;
import io.descent.model.LinearModel;
import io.descent.model.PredictionWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code descent predict}: applies a model file to a CSV file, matching columns by name. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Predict with a trained model. Input columns are matched to the model's"
        + " features by header name (any order; extra columns are ignored). Writes one row per"
        + " input row: 'prediction' (linear), or 'probability,class' (logistic).")
final class PredictCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelInputOptions input;

  @Option(names = "--out", paramLabel = "FILE.csv",
      description = "Write predictions here (atomically), or to standard output with - (the"
          + " default).")
  Path out;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    input.files().outputOrStandardOutput("--out", out).check();
    Path file = CommandFiles.isStandardOutput(out) ? null : out;
    try (Interrupts.Activity activity = Interrupts.activity(spec.commandLine().getErr(),
        "reading " + input.modelFile, file)) {
      LinearModel model = input.readModel();
      activity.doing("reading " + input.data);
      Dataset dataset = input.readData(model, null, null, HeapNeeds.predict());
      if (file != null) {
        activity.writing(file);
        PredictionWriter.write(file, model, dataset);
        activity.written(file);
      } else {
        activity.doing("writing predictions to standard output", "the output is incomplete");
        PrintWriter w = spec.commandLine().getOut();
        PredictionWriter.write(w, model, dataset);
        CliSupport.flushStandardOutput(w);
      }
    }
    return Main.OK;
  }
}
