package io.descent.cli;

import io.descent.data.BinaryLabels;
import io.descent.data.ClassLabels;
import io.descent.data.ClassWeights;
import io.descent.data.CsvReader;
import io.descent.data.ReadProgress;
import io.descent.data.Dataset;
import io.descent.data.DatasetCache;
import io.descent.data.HeapNeed;
import io.descent.gradient.Backends;
import io.descent.loss.Loss;
import io.descent.model.AtomicFile;
import io.descent.train.FitResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the commands share: reading data, naming losses, printing summaries. */
final class CliSupport {
  private CliSupport() {}

  static Loss loss(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "linear" -> Loss.LINEAR;
      case "logistic" -> Loss.LOGISTIC;
      case "multinomial" -> Loss.MULTINOMIAL;
      default -> throw new Main.UsageException("--loss must be linear, logistic or multinomial,"
          + " got \"" + name + "\"");
    };
  }

  /**
   * The loss whose target a model's data is read with: a one-vs-rest model's target is a class
   * target, as a multinomial model's.
   */
  static Loss readingLoss(io.descent.model.LinearModel model) {
    return model.isOneVsRest() ? Loss.MULTINOMIAL : model.loss();
  }

  /** A loss of one column (linear or logistic), for the commands that have no other yet. */
  static Loss singleColumnLoss(String name, String command) {
    Loss loss = loss(name);
    if (loss.coupled()) {
      throw new Main.UsageException(command + " does not support --loss " + loss.label()
          + " yet: use linear or logistic");
    }
    return loss;
  }

  /**
   * Reads the CSV named by the options.
   *
   * @param features the feature columns by name, or null for the options' --features (or all)
   * @param labels for a logistic model read for evaluation: the model's labels, so that the
   *     target is coded the same way as in training; null otherwise
   * @param heapNeeds what the command allocates after reading, checked with the data before
   *     any row is read (see {@link HeapNeeds})
   */
  static Dataset read(DataOptions options, Loss loss, boolean withTarget, List<String> features,
      BinaryLabels labels, List<HeapNeed> heapNeeds) throws IOException {
    return read(options, loss, withTarget, features, labels, heapNeeds, ReadProgress.NONE);
  }

  /** As above, telling {@code progress} how far the reading has got. */
  static Dataset read(DataOptions options, Loss loss, boolean withTarget, List<String> features,
      BinaryLabels labels, List<HeapNeed> heapNeeds, ReadProgress progress) throws IOException {
    return read(options, loss, withTarget, features, labels, null, heapNeeds, progress, null);
  }

  /**
   * As above; {@code classes}, for a multinomial model read for evaluation, codes the class
   * target by the model's classes (null: the file's own labels); each row's weight is read from
   * the column {@code weightColumn} (null for none), which is then not a feature.
   */
  static Dataset read(DataOptions options, Loss loss, boolean withTarget, List<String> features,
      BinaryLabels labels, ClassLabels classes, List<HeapNeed> heapNeeds, ReadProgress progress,
      String weightColumn)
      throws IOException {
    CsvReader reader = reader(options, loss, withTarget, features, labels, classes, heapNeeds,
        progress, weightColumn);
    DatasetCache cache = options.cache.open(options.data, options.err(),
        options.cacheNotices::add);
    if (cache == null) {
      return reader.read(options.data);
    }
    DatasetCache.Loaded loaded = cache.load(options.data, reader);
    options.cachedCopy = loaded.copy();
    return loaded.data();
  }

  /**
   * Starts loading the OpenCL platforms while the data is read, where {@code backend} (a {@code
   * --backend} value) may open OpenCL; only a JVM that chains signals starts them (the second JVM
   * of {@link HugePages} does), see {@link Backends#startOpenClPlatforms()}.
   */
  static void startOpenCl(String backend) {
    if (backend.equalsIgnoreCase("auto") || backend.equalsIgnoreCase("opencl")) {
      Backends.startOpenClPlatforms();
    }
  }

  /**
   * The smallest {@code --data} file whose fit starts the reference's warm-up ({@link
   * #warmUpReference}), {@value} bytes (128 MiB): on such a file the judgement's pass over the
   * rows takes a tenth of a second or more, of which the warm-up saves about 0.1 s; on a small
   * one there is nothing to save.
   */
  static final long WARM_UP_MIN_INPUT_BYTES = 128L << 20;

  /**
   * Starts compiling the float64 reference's evaluation while the data is read, where {@code
   * data} is a regular file of at least {@link #WARM_UP_MIN_INPUT_BYTES}: the fit's judgement
   * then runs compiled code from its first row (see {@link Backends#startReferenceWarmUp}).
   *
   * @return whether the warm-up started
   */
  static boolean warmUpReference(Path data, Loss loss) {
    try {
      return data != null && Files.isRegularFile(data)
          && Files.size(data) >= WARM_UP_MIN_INPUT_BYTES && Backends.startReferenceWarmUp(loss);
    } catch (IOException e) {
      return false; // the read reports what is wrong with the file; the warm-up only saves time
    }
  }

  /** The reader that {@link #read} reads with, for the same arguments. */
  static CsvReader reader(DataOptions options, Loss loss, boolean withTarget,
      List<String> features, BinaryLabels labels, ClassLabels classes, List<HeapNeed> heapNeeds,
      ReadProgress progress, String weightColumn) {
    CsvReader.Options o = CsvReader.Options.noTarget().withDelimiter(options.delimiterChar());
    if (withTarget) {
      o = o.withTarget(options.target).withTargetKind(loss == Loss.LOGISTIC
          ? CsvReader.TargetKind.BINARY : loss.coupled() ? CsvReader.TargetKind.CLASSES
          : CsvReader.TargetKind.NUMERIC);
      if (loss != Loss.LOGISTIC && options.positiveLabel != null) {
        throw new Main.UsageException("--positive-label is for logistic models, not "
            + loss.label());
      }
      String positive = options.positiveLabel;
      if (loss == Loss.LOGISTIC && labels != null) {
        // The model's labels code the file (withLabels below): its positive label, however
        // the option spelled it (1.0 for 1).
        requireModelsPositive(positive, labels, options.target);
        positive = positive == null && isDefault(labels) ? null : labels.positive();
      }
      if (positive != null) {
        o = o.withPositiveLabel(positive);
      }
    }
    List<String> f = features != null ? features : options.featureNames();
    if (f != null) {
      o = o.withFeatures(f);
    }
    if (weightColumn != null) {
      try {
        o = o.withWeightColumn(weightColumn);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--weight-column: " + e.getMessage());
      }
    }
    CsvReader reader = new CsvReader(o).withHeapNeeds(heapNeeds).withProgress(progress)
        .withClasses(classes);
    // A binary model's two labels code the target, each other label being an error at its line.
    if (withTarget && loss == Loss.LOGISTIC && labels != null) {
      reader = reader.withLabels(labels);
    }
    return reader;
  }

  /**
   * Refuses a {@code --positive-label} that is not the model's positive label, before any row is
   * read: the model's two labels code the file (a file of one class included), and any other
   * coding would score every row the other way round.
   */
  static void requireModelsPositive(String positiveLabel, BinaryLabels labels, String target) {
    if (positiveLabel == null || CsvReader.label(positiveLabel).equals(labels.positive())) {
      return;
    }
    String label = CsvReader.label(positiveLabel);
    throw new Main.UsageException("--positive-label " + positiveLabel + " is "
        + (label.equals(labels.negative()) ? "the model's label of class 0" : "not one of the"
            + " model's labels") + ": the model codes target \"" + target + "\" as "
        + labels.negative() + " = 0, " + labels.positive() + " = 1 (give --positive-label "
        + labels.positive() + ", or leave it out)");
  }

  /** The class weights {@code --class-weight SPEC} names, for a classification loss only. */
  static ClassWeights classWeights(String spec, Loss loss) {
    if (loss == Loss.LINEAR) {
      throw new Main.UsageException("--class-weight needs a classification loss (logistic or"
          + " multinomial), not " + loss.label());
    }
    try {
      return ClassWeights.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--class-weight: " + e.getMessage());
    }
  }

  /** Reads training data: target required, features from --features. */
  static Dataset read(DataOptions options, Loss loss, boolean withTarget,
      List<HeapNeed> heapNeeds) throws IOException {
    return read(options, loss, withTarget, null, null, heapNeeds);
  }

  private static boolean isDefault(BinaryLabels labels) {
    return labels.equals(BinaryLabels.zeroOne())
        || labels.equals(new BinaryLabels("false", "true"));
  }

  /**
   * Whether standard error, where the progress bar is drawn, is a terminal. On Linux the answer
   * is where file descriptor 2 points ({@code /dev/pts/N}, {@code /dev/ttyN}); elsewhere it falls
   * back to {@link System#console()}, which asks about standard input and output instead.
   */
  static boolean isTerminal() {
    return stderrIsTerminal(Path.of("/proc/self/fd/2"));
  }

  static boolean stderrIsTerminal(Path descriptor) {
    try {
      return isTerminalDevice(Files.readSymbolicLink(descriptor).toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  static boolean isTerminalDevice(String target) {
    return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
        || target.equals("/dev/console");
  }

  static void writeAtomically(Path file, AtomicFile.Content content) throws IOException {
    AtomicFile.write(file, content);
  }

  /**
   * Flushes what a command wrote to standard output, failing if any of it was lost: a
   * {@link PrintWriter} keeps its errors to itself (a closed pipe, a full disk).
   */
  static void flushStandardOutput(PrintWriter out) throws IOException {
    if (out.checkError()) {
      throw new IOException(STANDARD_OUTPUT_LOST);
    }
  }

  /** The message of output that never reached standard output. */
  static final String STANDARD_OUTPUT_LOST = "standard output: write failed (output incomplete)";

  static void printSummary(PrintWriter out, FitResult r) {
    out.printf(Locale.ROOT, "backend: %s%n", r.backend().summary());
    out.printf(Locale.ROOT, "optimizer: %s%n", r.optimizer());
    // The counts in parentheses at the end: a message may end in advice ("...: raise
    // --max-iterations") or a clause of its own, which "after N iterations" would run into.
    out.printf(Locale.ROOT, "result: %s (%d %s, %d evaluations, %.3f s)%n",
        FlagNames.of(r.message()), r.epochs() > 0 ? r.epochs() : r.iterations(),
        r.epochs() > 0 ? "epochs" : "iterations", r.evaluations(), r.elapsedSeconds());
    if (r.l1() > 0) {
      out.printf(Locale.ROOT, "objective: %.17g (float64 reference), KKT violation %.3e, %d"
          + " rows, backend %s%n", r.objective(), r.kktViolation(), r.trainingRows(),
          r.backend().summary());
      out.printf(Locale.ROOT, "features in use: %d of %d (%d nonzero weights, l1 %s)%n",
          r.featuresInUse(), r.model().features(), r.nonzero(), r.l1());
    } else {
      out.printf(Locale.ROOT, "objective: %.17g (float64 reference), gradient norm %.3e, %d"
          + " rows, backend %s%n", r.objective(), r.gradientNorm(), r.trainingRows(),
          r.backend().summary());
    }
    printVerification(out, r.verification());
    out.flush();
  }

  /**
   * The {@code verification:} line of a fit's text report: the largest error of the objective
   * or the gradient that {@code --verify-every} measured; nothing when it never ran (NaN).
   */
  static void printVerification(PrintWriter out, double largest) {
    if (!Double.isNaN(largest)) {
      out.printf(Locale.ROOT, "verification: largest error (objective or gradient) %.3e"
          + " against the float64 reference%n", largest);
    }
  }

  /**
   * Whether {@code --optimizer NAME} (null: the default, L-BFGS or OWL-QN) is a full-batch one;
   * an unknown name counts as one, for the builder to refuse by name.
   */
  static boolean fullBatch(String optimizer) {
    try {
      return optimizer == null
          || io.descent.optim.OptimizerKind.fromLabel(optimizer).isFullBatch();
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  /**
   * Refuses the cap of the other kind of optimizer: {@code --max-epochs} with a full-batch one,
   * {@code --max-iterations} with a mini-batch one (train and cv alike).
   */
  static void requireCapOfItsKind(boolean fullBatch, boolean maxEpochsGiven,
      boolean maxIterationsGiven) {
    if (fullBatch && maxEpochsGiven) {
      throw new Main.UsageException("--max-epochs applies to mini-batch optimizers (sgd,"
          + " momentum, nesterov, adagrad, rmsprop, adam); a full-batch fit is capped by"
          + " --max-iterations");
    }
    if (!fullBatch && maxIterationsGiven) {
      throw new Main.UsageException("--max-iterations applies to full-batch optimizers (lbfgs,"
          + " owlqn, gd); a mini-batch fit is capped by --max-epochs");
    }
  }
}
