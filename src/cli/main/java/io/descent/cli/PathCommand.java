package io.descent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.Descent;
import io.descent.data.ClassWeights;
import io.descent.data.Dataset;
import io.descent.data.ReadProgress;
import io.descent.loss.Loss;
import io.descent.model.AtomicFile;
import io.descent.train.RegularizationPath;
import io.descent.train.StopReason;
import io.descent.train.TrainingConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent path}: a regularization path ({@link RegularizationPath}): N elastic-net fits
 * from the smallest penalty that zeroes every weight down, warm-started, in lockstep blocks on
 * one backend; one CSV row per penalty (see {@link #header}), optionally a plot and a JSON
 * report.
 */
@Command(name = "path", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, sortOptions = false,
    description = "Fit a regularization path: N penalties log-spaced from the smallest that"
        + " zeroes every weight down to a ratio of it (as glmnet), warm-started and fitted in"
        + " batched passes; one CSV row per penalty with every coefficient (on the"
        + " standardized features, unless --no-standardize).")
final class PathCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  LossOption lossOption;

  @Option(names = "--l1-ratio", defaultValue = "" + RegularizationPath.DEFAULT_L1_RATIO,
      paramLabel = "A", description = "The L1 share A in (0, 1] of each penalty lambda: l1 ="
          + " lambda A, l2 = lambda (1 - A); 1 is the lasso (glmnet's alpha) (default:"
          + " ${DEFAULT-VALUE}).")
  double l1Ratio;

  @Option(names = "--penalties", defaultValue = "" + RegularizationPath.DEFAULT_PENALTIES,
      paramLabel = "N", description = "Number of penalties, 1 to "
          + RegularizationPath.MAX_PENALTIES + " (default: ${DEFAULT-VALUE}).")
  int penalties;

  @Option(names = "--min-ratio", paramLabel = "R", description = "The smallest penalty over"
      + " the largest, in (0, 1) (default: " + RegularizationPath.DEFAULT_MIN_RATIO + " when rows"
      + " exceed features, else " + RegularizationPath.DEFAULT_MIN_RATIO_WIDE + ", as glmnet).")
  Double minRatio;

  @Option(names = "--block", defaultValue = "" + RegularizationPath.DEFAULT_BLOCK,
      paramLabel = "B", description = "Penalties fitted together in one lockstep block, each"
          + " block warm-started from the previous block's last solution (default:"
          + " ${DEFAULT-VALUE}); a linear path on the normal equations fits one penalty after"
          + " another instead.")
  int block;

  @Option(names = "--out", required = true, paramLabel = "FILE.csv",
      description = "Write the path here: one row per penalty, largest first.")
  Path out;

  @Option(names = "--plot", paramLabel = "FILE.png",
      description = "Draw the coefficients against log10(penalty) here (PNG).")
  Path plot;

  @Option(names = "--weight-column", paramLabel = "NAME",
      description = "Weigh each row by this column, as train does.")
  String weightColumn;

  @Option(names = "--class-weight", paramLabel = "SPEC",
      description = "Logistic and multinomial: weigh each class, " + ClassWeights.BALANCED
          + " or LABEL=W,LABEL=W, as train does.")
  String classWeight;

  @Option(names = "--quiet", description = "No summary (warnings and errors still go to"
      + " stderr).")
  boolean quiet;

  @Option(names = "--no-standardize", negatable = false,
      description = "Fit on the raw features (default: standardize to mean 0, std 1).")
  boolean noStandardize;

  @Option(names = "--max-iterations", paramLabel = "N",
      description = "Cap on iterations per penalty (default: " + Descent.DEFAULT_MAX_ITERATIONS
          + ").")
  Integer maxIterations;

  @Option(names = "--tolerance", paramLabel = "TOL",
      description = "Stop a penalty's fit when its KKT violation <= TOL * max(1, |objective|)"
          + " (linear: TOL * max(s, |objective| / s), s the target's standard deviation;"
          + " default: " + Descent.DEFAULT_TOLERANCE + ", as train).")
  Double tolerance;

  @Mixin
  BackendOptions backend;

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
      throw new Main.UsageException("path needs --target");
    }
    RegularizationPath.Options options;
    try {
      options = new RegularizationPath.Options(l1Ratio, penalties, minRatio, block);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(optionName(e.getMessage()) + ": " + e.getMessage());
    }
    Descent descent = (loss == Loss.LOGISTIC ? Descent.logistic()
        : loss == Loss.MULTINOMIAL ? Descent.multinomial() : Descent.linear())
        .standardize(!noStandardize).backend(backend.backend).openCl(backend.openCl())
        .maxIterations(maxIterations).tolerance(tolerance);
    ClassWeights classWeights = null;
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
    }
    TrainingConfig config = descent.config();
    data.files().output("--out", this.out).image("--plot", plot).check();
    DeviceOptions.noticeIgnored(err, backend.backend, spec.commandLine().getParseResult());
    try (Interrupts.Activity activity = Interrupts.activity(err, "reading " + data.data,
        this.out, plot)) {
      boolean text = !quiet && !json.json;
      long readStart = System.nanoTime();
      ReadProgress reading = ReadingProgress.on(err, String.valueOf(data.data),
          text && CliSupport.isTerminal());
      Dataset dataset;
      CliSupport.startOpenCl(backend.backend);
      CliSupport.warmUpReference(data.data, loss);
      try {
        dataset = CliSupport.read(data, loss, true, null, null, null, HeapNeeds.train(config,
            0, weightColumn != null || classWeight != null), reading, weightColumn);
      } finally {
        if (reading instanceof ReadingProgress r) {
          r.done();
        }
      }
      if (classWeights != null) {
        try {
          dataset = classWeights.applyTo(dataset);
        } catch (IllegalArgumentException e) {
          throw new Main.UsageException("--class-weight " + classWeight + ": " + e.getMessage());
        }
      }
      double readSeconds = (System.nanoTime() - readStart) / 1e9;
      activity.doing("fitting the path");
      RegularizationPath path = new RegularizationPath(config, options);
      RegularizationPath.Result r;
      try (Interrupts interrupts = Interrupts.install(path::requestStop)) {
        r = path.run(dataset, line -> {
          err.println("descent: " + line);
          err.flush();
        });
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("the L1 ratio")) {
          throw new Main.UsageException("--l1-ratio: " + e.getMessage());
        }
        throw e;
      }
      if (r.steps().stream().anyMatch(s -> s.stopReason() == StopReason.INTERRUPTED)
          || r.steps().size() < penalties) {
        err.println("descent: interrupted while fitting the path; " + this.out
            + " not written");
        return Interrupts.EXIT_CODE;
      }
      java.util.Set<String> features = new java.util.HashSet<>(dataset.featureNames());
      for (String f : dataset.featureNames()) {
        String name = written(f, features);
        if (!name.equals(f)) {
          err.println("descent: notice: feature " + f + " is written as " + name + " in "
              + this.out + ", whose own columns include " + f
              + (name.equals("feature:" + f) ? "" : ", and whose features include feature:" + f));
        }
      }
      activity.writing(this.out);
      AtomicFile.write(this.out, csv(dataset, r).getBytes(StandardCharsets.UTF_8));
      activity.written(this.out);
      if (plot != null) {
        activity.writing(plot);
        PathPlot.write(plot, r, columnNames(dataset, r), "regularization path: "
            + dataset.targetName() + " (" + loss.label() + ", l1 ratio "
            + CvCommand.shown(l1Ratio) + ")");
        activity.written(plot);
      }
      if (r.lambdaMax() == 0) {
        err.println("descent: warning: lambda_max is 0 (no feature moves the loss at the"
            + " unpenalized intercept-only fit: constant features, or a constant target), so"
            + " every penalty of the path is 0");
      }
      if (!blocked(r) && spec.commandLine().getParseResult().hasMatchedOption("--block")) {
        err.println("descent: --block does not apply to a linear path on the normal equations"
            + " (its penalties are fitted one after another, each evaluation reading no row);"
            + " ignored");
      }
      long unconverged = r.steps().stream().filter(s -> !s.converged()).count();
      if (unconverged > 0) {
        err.printf(Locale.ROOT, "descent: warning: %d of %d penalties' fits did not converge;"
            + " the first: %s%n", unconverged, r.steps().size(), FlagNames.of(r.steps().stream()
                .filter(s -> !s.converged()).findFirst().get().message()));
      }
      if (json.json) {
        JsonReport.print(out, report(dataset, r, readSeconds));
      } else if (!quiet) {
        summary(out, dataset, r, readSeconds);
      }
      return Main.OK;
    }
  }

  /** 2nd, 3rd, 5th, 11th, 21st, 22nd. */
  static String ordinal(int n) {
    int tens = n % 100;
    String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
    return n + suffix;
  }

  /** Whether the path was fitted in lockstep blocks (not on the normal equations). */
  private static boolean blocked(RegularizationPath.Result r) {
    return !r.solver().equals(RegularizationPath.COORDINATE_DESCENT);
  }

  /** The option a library message is about. */
  private static String optionName(String message) {
    return message.contains("L1 ratio") ? "--l1-ratio" : message.contains("number of penalties")
        ? "--penalties" : message.contains("ratio to the largest") ? "--min-ratio" : "--block";
  }

  /**
   * The CSV header: {@code penalty,l1,l2,objective,data_term,nonzero,kkt_violation,intercept,
   * <features>}; for a multinomial path {@code intercept:<class>} for every class, then
   * {@code <feature>:<class>} class by class (the features as {@link #written} names them).
   */
  static String header(Dataset data, RegularizationPath.Result r) {
    return "penalty,l1,l2,objective,data_term,nonzero,kkt_violation,"
        + String.join(",", columnNames(data, r).stream().map(PathCommand::quoted).toList());
  }

  /** The CSV's own columns before the coefficients', and the intercepts' name. */
  static final List<String> OWN_COLUMNS = List.of("penalty", "l1", "l2", "objective",
      "data_term", "nonzero", "kkt_violation", "intercept");

  /**
   * A feature's name in the CSV: its own, or, where that is one of the CSV's own columns ({@link
   * #OWN_COLUMNS}), {@code feature:NAME}, prefixed again while that is another feature's name
   * (features {@code penalty} and {@code feature:penalty} are written {@code
   * feature:feature:penalty} and {@code feature:penalty}), so that every header name is one
   * column.
   */
  static String written(String feature, java.util.Collection<String> features) {
    String name = feature;
    while (OWN_COLUMNS.contains(name) || !name.equals(feature) && features.contains(name)) {
      name = "feature:" + name;
    }
    return name;
  }

  /**
   * The coefficient columns' names, in the order of the CSV (intercepts first).
   *
   * @throws IllegalArgumentException where two of them would still be the same (a multinomial
   *     path's {@code <feature>:<class>}, where features and classes hold colons)
   */
  static List<String> columnNames(Dataset data, RegularizationPath.Result r) {
    List<String> names = new java.util.ArrayList<>();
    java.util.Set<String> features = new java.util.HashSet<>(data.featureNames());
    if (r.classes().isEmpty()) {
      names.add("intercept");
      data.featureNames().forEach(f -> names.add(written(f, features)));
    } else {
      for (String c : r.classes()) {
        names.add("intercept:" + c);
      }
      for (String c : r.classes()) {
        for (String f : data.featureNames()) {
          names.add(written(f, features) + ":" + c);
        }
      }
    }
    java.util.Set<String> seen = new java.util.HashSet<>(OWN_COLUMNS);
    for (String name : names) {
      if (!seen.add(name) && !name.equals("intercept")) {
        throw new IllegalArgumentException(data.source() + ": the path's CSV would have two"
            + " columns named \"" + name + "\" (features and classes named with colons);"
            + " rename a feature or a class");
      }
    }
    return names;
  }

  /** The coefficients of a step in the CSV's order (intercepts, then class by class). */
  static double[] coefficients(double[] theta, int classes, int p) {
    if (classes <= 1) {
      return theta;
    }
    double[] v = new double[theta.length];
    int k = 0;
    for (int c = 0; c < classes; c++) {
      v[k++] = theta[c * p];
    }
    for (int c = 0; c < classes; c++) {
      for (int j = 1; j < p; j++) {
        v[k++] = theta[c * p + j];
      }
    }
    return v;
  }

  private static String quoted(String name) {
    return name.contains(",") || name.contains("\"") || name.contains("\n")
        ? "\"" + name.replace("\"", "\"\"") + "\"" : name;
  }

  private static String csv(Dataset data, RegularizationPath.Result r) {
    StringBuilder s = new StringBuilder(header(data, r)).append('\n');
    int p = data.features() + 1;
    for (RegularizationPath.Step x : r.steps()) {
      s.append(x.penalty()).append(',').append(x.l1()).append(',').append(x.l2()).append(',')
          .append(x.objective()).append(',').append(x.dataTerm()).append(',')
          .append(x.nonzero()).append(',').append(x.kktViolation());
      for (double v : coefficients(x.theta(), r.classes().size(), p)) {
        s.append(',').append(v);
      }
      s.append('\n');
    }
    return s.toString();
  }

  private void summary(PrintWriter out, Dataset dataset, RegularizationPath.Result r,
      double readSeconds) {
    List<RegularizationPath.Step> s = r.steps();
    out.printf(Locale.ROOT, "data: %s%s, %d rows x %d features, target %s (read in %.3f s)%n",
        dataset.source(), data.origin(), dataset.rows(), dataset.features(),
        dataset.targetName(), readSeconds);
    String penalties = s.size() == 1
        ? String.format(Locale.ROOT, "1 penalty, %.6g (lambda_max: every weight 0)",
            r.lambdaMax())
        : String.format(Locale.ROOT, "%d penalties from %.6g (lambda_max: every weight 0) down"
            + " to %.6g (ratio %.3g)", s.size(), r.lambdaMax(), s.get(s.size() - 1).penalty(),
            r.minRatio());
    out.printf(Locale.ROOT, "path: %s, l1 ratio %s, on %s by %s: %d %s, %.3f s%n", penalties,
        CvCommand.shown(r.l1Ratio()), r.backend().summary(), r.solver(), r.passes(),
        CvCommand.passesOverTheData(r.backend()), r.seconds());
    out.printf(Locale.ROOT, "%-12s %-14s %-8s %s%n", "penalty", "objective", "nonzero",
        "KKT violation");
    for (int k = 0; k < s.size(); k++) {
      if (k % Math.max(1, s.size() / 10) == 0 || k == s.size() - 1) {
        RegularizationPath.Step x = s.get(k);
        out.printf(Locale.ROOT, "%-12.6g %-14.8g %-8d %.2e%s%n", x.penalty(), x.objective(),
            x.nonzero(), x.kktViolation(), x.converged() ? "" : "  (not converged)");
      }
    }
    int stride = Math.max(1, s.size() / 10);
    out.println("path written to " + this.out + (plot == null ? "" : ", plot to " + plot)
        + " (" + (stride == 1 ? "" : "every penalty; above every " + ordinal(stride)
            + " and the last; ") + "coefficients on the " + featureSpace(r) + " features)");
    out.flush();
  }

  /** The features the path's coefficients apply to: "standardized", or "raw" (the identity). */
  static String featureSpace(RegularizationPath.Result r) {
    return r.standardization().isIdentity() ? "raw" : "standardized";
  }

  private ObjectNode report(Dataset dataset, RegularizationPath.Result r, double readSeconds) {
    ObjectNode root = JsonReport.object();
    root.put("data", dataset.source());
    root.put("cachedCopy", data.cachedCopyText());
    root.put("rows", dataset.rows());
    root.put("features", dataset.features());
    root.put("target", dataset.targetName());
    root.put("loss", lossOption.kind);
    root.put("penalties", r.steps().size());
    root.put("l1Ratio", r.l1Ratio());
    root.put("lambdaMax", r.lambdaMax());
    root.put("minRatio", r.minRatio());
    root.put("coefficientsOn", featureSpace(r));
    root.put("block", blocked(r) ? Math.min(block, penalties) : 1);
    root.put("readSeconds", readSeconds);
    root.put("fitSeconds", r.seconds());
    root.put("openSeconds", r.openSeconds());
    root.put("solveSeconds", r.solveSeconds());
    root.put("solver", r.solver());
    root.put("passes", r.passes());
    root.put("backend", r.backend().summary());
    root.put("backendKind", r.backend().kind().label());
    root.put("device", r.backend().device());
    root.put("precision", r.backend().precision());
    root.put("out", this.out.toString());
    root.put("plot", plot == null ? null : plot.toString());
    ArrayNode steps = root.putArray("path");
    for (RegularizationPath.Step x : r.steps()) {
      ObjectNode o = steps.addObject();
      o.put("penalty", x.penalty());
      o.put("l1", x.l1());
      o.put("l2", x.l2());
      o.put("objective", x.objective());
      o.put("dataTerm", x.dataTerm());
      o.put("nonzero", x.nonzero());
      o.put("kktViolation", x.kktViolation());
      o.put("converged", x.converged());
      o.put("stopReason", x.stopReason().label());
      o.put("iterations", x.iterations());
    }
    ArrayNode notices = root.putArray("notices");
    data.cacheNotices.forEach(notices::add);
    r.notices().forEach(notices::add);
    return root;
  }
}
