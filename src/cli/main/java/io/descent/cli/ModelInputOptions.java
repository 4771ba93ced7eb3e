package io.descent.cli;

import io.descent.data.CsvRows;
import io.descent.data.Dataset;
import io.descent.data.HeapNeed;
import io.descent.model.LinearModel;
import io.descent.model.ModelFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** A model file and the CSV to apply it to: shared by {@code predict} and {@code evaluate}. */
final class ModelInputOptions {
  @Option(names = "--model", required = true, paramLabel = "FILE.json",
      description = "Model file written by 'descent train'.")
  Path modelFile;

  @Option(names = "--data", required = true, paramLabel = "FILE",
      description = "CSV file with a header row holding the model's feature columns (matched"
          + " by name, in any order).")
  Path data;

  @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",",
      description = "Field delimiter (default: ${DEFAULT-VALUE}).")
  String delimiter;

  /** The model and data files, to be checked with the command's outputs. */
  CommandFiles files() {
    return new CommandFiles().input("--model", modelFile, "a model file")
        .input("--data", data, "a CSV file");
  }

  LinearModel readModel() throws IOException {
    return readModelFile().model();
  }

  /** The model with how it was trained. */
  ModelFile readModelFile() throws IOException {
    return ModelFile.read(modelFile);
  }

  /** Opens the data to be read row by row; its header is read. */
  CsvRows openRows() throws IOException {
    return CsvRows.open(data, dataOptions().delimiterChar());
  }

  /**
   * Reads the data's columns named by the model's features.
   *
   * @param target the target column, or null to read without one
   * @param positiveLabel the label that means 1, or null for the model's
   * @param heapNeeds what the command allocates after reading (see {@link HeapNeeds})
   */
  Dataset readData(LinearModel model, String target, String positiveLabel,
      List<HeapNeed> heapNeeds) throws IOException {
    return readData(model, target, positiveLabel, heapNeeds, new CacheOptions(), null);
  }

  /**
   * As above, through the cache when {@code cache} asks for one, its notices going to {@code
   * err}.
   */
  Dataset readData(LinearModel model, String target, String positiveLabel,
      List<HeapNeed> heapNeeds, CacheOptions cache, CommandSpec command) throws IOException {
    DataOptions options = dataOptions();
    options.cache = cache;
    options.command = command;
    options.target = target;
    options.positiveLabel = positiveLabel;
    return CliSupport.read(options, CliSupport.readingLoss(model), target != null, model.featureNames(),
        model.labels().orElse(null), model.classes().orElse(null), heapNeeds,
        io.descent.data.ReadProgress.NONE, null);
  }

  private DataOptions dataOptions() {
    DataOptions options = new DataOptions();
    options.data = data;
    options.delimiter = delimiter;
    return options;
  }
}
