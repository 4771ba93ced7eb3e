package io.descent.cli;

import io.descent.data.CsvRows;
import io.descent.model.LinearModel;
import io.descent.model.PredictionWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code descent predict}: applies a model file to a CSV file, matching columns by name. The
 * rows are streamed: each is predicted and written as it is read, so any size of file runs in
 * the same small heap.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, sortOptions = false,
    description = "Predict with a trained model. Input columns are matched to the model's"
        + " features by header name (any order; extra columns are ignored). Writes one row per"
        + " input row, as it is read (any size of input, in constant memory): the --id columns,"
        + " then 'prediction' (linear), 'probability,class' (logistic), or one"
        + " 'probability_LABEL' per class and 'class' (multinomial, one-vs-rest).")
final class PredictCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelInputOptions input;

  @Option(names = "--id", paramLabel = "COLUMN",
      description = "Copy this input column to each output row, first and unchanged, so that"
          + " the predictions can be joined back to their rows; repeatable (--id customer_id"
          + " --id date). Any text; a feature may be one too.")
  List<String> ids = new ArrayList<>();

  @Option(names = "--out", paramLabel = "FILE.csv",
      description = "Write predictions here (atomically), or to standard output with - (the"
          + " default).")
  Path out;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    // Standard output by default: checked as --out - is (it may be an input, by a shell's >>).
    input.files().outputOrStandardOutput("--out", out == null
        ? Path.of(CommandFiles.STANDARD_OUTPUT) : out).check();
    Path file = CommandFiles.isStandardOutput(out) ? null : out;
    try (Interrupts.Activity activity = Interrupts.activity(spec.commandLine().getErr(),
        "reading " + input.modelFile, file)) {
      LinearModel model = input.readModel();
      activity.doing("reading " + input.data);
      try (CsvRows rows = input.openRows()) {
        for (String id : ids) {
          if (rows.columnOf(id) < 0) {
            throw new Main.UsageException("--id " + id + ": " + rows.source()
                + " has no column \"" + id + "\"; " + rows.columnList());
          }
        }
        if (file != null) {
          // Reading and writing go together: until the last row, the output is not written.
          PredictionWriter.write(file, model, rows, ids);
          activity.written(file);
        } else {
          activity.doing("reading " + input.data + " and writing predictions to standard"
              + " output", "the output is incomplete");
          PrintWriter w = spec.commandLine().getOut();
          PredictionWriter.write(w, model, rows, ids);
          CliSupport.flushStandardOutput(w);
        }
      }
    }
    return Main.OK;
  }
}
