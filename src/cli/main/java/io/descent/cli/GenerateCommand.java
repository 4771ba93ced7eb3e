package io.descent.cli;

import io.descent.Descent;
import io.descent.data.ByteSizes;
import io.descent.data.SyntheticData;
import io.descent.loss.Loss;
import io.descent.model.AtomicFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code descent generate}: reproducible synthetic data for benchmarks and tests. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, sortOptions = false,
    description = "Write reproducible synthetic data: correlated features x0..x(D-1)"
        + " (neighbours at 0.6, k apart at 0.6^k) on scales from 1e-3 to 1e3, and a target y"
        + " from a known model on the standardized features (printed). The same arguments"
        + " write a byte-identical file.")
final class GenerateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--rows", required = true, paramLabel = "N", description = "Rows.")
  long rows;

  @Option(names = "--features", required = true, paramLabel = "D", description = "Features.")
  int features;

  @Mixin
  LossOption lossOption;

  @Option(names = "--zero-weights", defaultValue = "0", paramLabel = "N",
      description = "How many of the generating weights are exactly 0, spread evenly over the"
          + " features: a sparse truth for L1 fits (default: ${DEFAULT-VALUE}). The other"
          + " weights and the features are the same as without. Linear and logistic only.")
  int zeroWeights;

  @Option(names = "--classes", paramLabel = "C",
      description = "With --loss multinomial: the number of classes, 2 or more (default: "
          + SyntheticData.DEFAULT_CLASSES + "); y is a class index drawn from the softmax of"
          + " one margin per class.")
  Integer classes;

  @Option(names = "--seed", defaultValue = "" + Descent.DEFAULT_SEED, paramLabel = "SEED",
      description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "FILE.csv",
      description = "Where to write the CSV (atomically), or - for standard output.")
  Path out;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    Loss loss = CliSupport.loss(lossOption.kind);
    lossOption.noticeOldName(spec.commandLine().getParseResult(), spec.commandLine().getErr());
    if (classes != null && !loss.coupled()) {
      throw new Main.UsageException("--classes is for --loss multinomial, not " + loss.label());
    }
    SyntheticData data;
    try {
      if (loss.coupled() && zeroWeights != 0) {
        throw new Main.UsageException("--zero-weights is for --loss linear or logistic");
      }
      data = loss.coupled()
          ? new SyntheticData(rows, features, classes == null ? SyntheticData.DEFAULT_CLASSES
              : classes, seed)
          : new SyntheticData(rows, features, loss, seed, zeroWeights);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage().replace("zero weights", "--zero-weights")
          .replace("rows", "--rows").replace("features", "--features")
          .replace("classes", "--classes"));
    }
    new CommandFiles().outputOrStandardOutput("--out", out).check();
    boolean toStandardOutput = CommandFiles.isStandardOutput(out);
    if (!toStandardOutput) {
      requireRoom(data.estimatedBytes(), out);
    }
    try (Interrupts.Activity activity = Interrupts.activity(spec.commandLine().getErr(),
        "writing " + out, toStandardOutput ? null : out)) {
      if (toStandardOutput) {
        activity.doing("writing to standard output", "the output is incomplete");
        PrintWriter w = spec.commandLine().getOut();
        data.write(w);
        CliSupport.flushStandardOutput(w);
      } else {
        AtomicFile.write(out, data::write);
      }
    }
    // The data took standard output: the summary goes with the messages.
    PrintWriter w = toStandardOutput ? spec.commandLine().getErr() : spec.commandLine().getOut();
    w.printf(Locale.ROOT, "wrote %s: %d rows x %d features, %s target%s, seed %d%n",
        toStandardOutput ? "standard output" : out, rows,
        features, loss.label(), loss.coupled() ? " (" + data.classes() + " classes)" : "", seed);
    if (loss.coupled()) {
      // One margin per class: class 0's intercept is INTERCEPT, the others' 0.
      double[] intercepts = data.classIntercepts();
      double[][] weights = data.classWeights();
      w.printf(Locale.ROOT, "generating model on standardized features, one margin per class:%n");
      for (int c = 0; c < weights.length; c++) {
        w.printf(Locale.ROOT, "  class %d: intercept %s, weights %s%n", c, intercepts[c],
            Arrays.toString(weights[c]));
      }
    } else {
      w.printf(Locale.ROOT, "generating model on standardized features: intercept %s, weights"
          + " %s%n", SyntheticData.INTERCEPT, Arrays.toString(data.weights()));
    }
    w.flush();
    return Main.OK;
  }

  /**
   * Refuses, before a byte is written, a file larger than the room left where it goes (a typo in
   * {@code --rows} would otherwise fill the disk for hours before the write failed): one line,
   * exit 1, as a full disk is.
   */
  static void requireRoom(long bytes, Path out) throws java.io.IOException {
    requireRoom(bytes, out, out + ": the CSV", "fewer --rows or --features, or another --out");
  }

  /**
   * {@link #requireRoom(long, Path)} for a CSV called {@code what} in the message, with
   * {@code remedy} as its advice.
   */
  static void requireRoom(long bytes, Path out, String what, String remedy)
      throws java.io.IOException {
    Path directory = out.toAbsolutePath().getParent();
    long free = java.nio.file.Files.getFileStore(directory).getUsableSpace();
    if (bytes > free) {
      throw new java.io.IOException(what + " would take " + (bytes == Long.MAX_VALUE
          ? "more than " : "about ") + ByteSizes.of(bytes)
          + " and " + directory + " has " + ByteSizes.of(free) + " free; nothing written"
          + " (" + remedy + ")");
    }
  }
}
