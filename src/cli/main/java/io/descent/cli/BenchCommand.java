package io.descent.cli;

import io.descent.bench.BackendBenchmark;
import io.descent.bench.BenchConfig;
import io.descent.bench.BenchCsv;
import io.descent.bench.BenchJson;
import io.descent.bench.BenchPlot;
import io.descent.bench.BenchReport;
import io.descent.bench.BenchTable;
import io.descent.bench.EvaluationRow;
import io.descent.bench.FitProblem;
import io.descent.bench.FitRow;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Backends;
import io.descent.gradient.DeviceDescription;
import io.descent.gradient.ModelsTiming;
import io.descent.gradient.OpenClOptions;
import io.descent.data.SyntheticData;
import io.descent.loss.Loss;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code descent bench}: every backend and device on the same generated data, timed fairly. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, sortOptions = false,
    description = {
        "Time one loss-and-gradient evaluation on every backend this machine has (each OpenCL"
            + " device in its automatic kernel layout, ND4J, the float64 reference) over a sweep"
            + " of generated datasets (as 'descent generate' writes them): median, min and max"
            + " after warm-up, effective GB/s against the device's read bandwidth measured in the"
            + " same run, the one-time open/upload cost apart, the speedup over ND4J and the"
            + " gradient's error against the reference; then one full fit per backend with"
            + " train's defaults, always by passes over the rows (a linear fit, which train may"
            + " solve by the normal equations, runs L-BFGS here).",
        "OpenCL kernels are built once before anything using them is timed and listed apart;"
            + " open and the fit's wall time exclude the kernel build (its own column). A float32"
            + " fit that finished in float64 says so, and where, in its precision.",
        "Every row names the backend, device, precision and kernel layout that ran; a backend"
            + " that cannot run gets a row with the reason and the run goes on. Progress goes to"
            + " stderr, the table to stdout. Exits 1 when no backend could be measured at all.",
        "For steady numbers, run on an otherwise idle machine (the table shows the load"
            + " average); ND4J's worker count follows OMP_NUM_THREADS (default: every core)."})
final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--rows", split = ",", paramLabel = "N",
      defaultValue = "10000,100000,1000000",
      description = "Row counts of the sweep (default: ${DEFAULT-VALUE}).")
  List<Integer> rows;

  @Option(names = "--features", split = ",", paramLabel = "D", defaultValue = "64",
      description = "Feature counts of the sweep; every rows x features pair is run (default:"
          + " ${DEFAULT-VALUE}).")
  List<Integer> features;

  @Option(names = "--loss", split = ",", paramLabel = "LOSS",
      defaultValue = "linear,logistic",
      description = "Losses, each on its own generated data: linear, logistic, multinomial (a "
          + SyntheticData.DEFAULT_CLASSES + "-class model, as 'descent generate --loss"
          + " multinomial' makes the data; with --models, each K is the number of classes)"
          + " (default: ${DEFAULT-VALUE}).")
  List<Loss> losses;

  @Option(names = "--backends", split = ",", paramLabel = "NAME",
      defaultValue = "opencl,nd4j,reference",
      description = "Backends to measure: opencl (every OpenCL device), nd4j, reference"
          + " (default: ${DEFAULT-VALUE}; not with --models, which times OpenCL).")
  List<BackendKind> backends;

  @Option(names = "--device", paramLabel = "N|NAME",
      description = "Only these OpenCL devices: a valid index from 'descent devices' picks that"
          + " one; any other value every device whose name contains it (default: every"
          + " device).")
  String device;

  @Mixin
  TuningOption tuning;

  @Option(names = "--warmup", defaultValue = "" + BenchConfig.DEFAULT_WARMUP, paramLabel = "N",
      description = "Untimed evaluations before timing, at least; if N > 0, warm-up also"
          + " lasts at least 0.2 s, so small sizes are timed in compiled code (default:"
          + " ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--repeats", defaultValue = "" + BenchConfig.DEFAULT_REPEATS, paramLabel = "N",
      description = "Timed evaluations per row (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--seed", defaultValue = "" + BenchConfig.DEFAULT_SEED, paramLabel = "SEED",
      description = "Seed of the generated data and of the point evaluated (default:"
          + " ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--fit-rows", defaultValue = "200000", paramLabel = "N",
      description = "Rows of the end-to-end fit; 0 skips it (default: ${DEFAULT-VALUE}; not with"
          + " --models).")
  int fitRows;

  @Option(names = "--fit-features", defaultValue = "32", paramLabel = "D",
      description = "Features of the end-to-end fit (default: ${DEFAULT-VALUE}; not with"
          + " --models).")
  int fitFeatures;

  @Option(names = "--fit-loss", defaultValue = "logistic", paramLabel = "LOSS",
      description = "Loss of the end-to-end fit: linear or logistic (default:"
          + " ${DEFAULT-VALUE}; not with --models).")
  String fitLoss;

  @Option(names = "--models", split = ",", paramLabel = "K",
      description = "Instead of the sweep: on each OpenCL device, time one evaluation of K"
          + " independent models per pass (the batched kernel; K = 1 the single-model one) for"
          + " each K, on every rows x features pair and loss, next to the device's read"
          + " bandwidth and FMA rate measured in the same run: time per evaluation, the bound"
          + " that binds (reading the data once, or the arithmetic: the 2 n d K multiply-adds"
          + " and, column (link), each margin's residual and loss, the exp and log of the"
          + " logistic and softmax losses, each at its rate measured in the same run) and the"
          + " share of it reached, and the speedup over K single-model passes. With --loss"
          + " multinomial"
          + " each K is a number of classes C: one C-class model per pass on data with C"
          + " classes, against C single logistic passes (the row K = 1, always measured)."
          + " Example: --models 1,4,16,64 --rows 1000000 --loss logistic.")
  List<Integer> models;

  @Option(names = "--csv", paramLabel = "FILE.csv",
      description = "Also write every row as CSV (atomically; not with --models).")
  Path csv;

  @Option(names = "--json", paramLabel = "FILE.json",
      description = "Also write the whole report as JSON (atomically; not with --models).")
  Path json;

  @Option(names = "--plot", paramLabel = "FILE.png",
      description = "Also draw seconds per evaluation against rows, log-log, a line per backend"
          + " (and device), loss and feature count, the backend's colour and the loss and"
          + " feature count's marker (no two lines alike; the legend beside the plot), as a PNG"
          + " (atomically; not with --models).")
  Path plot;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    BenchConfig config = config();
    BackendBenchmark.requireDevice(config.backends(), config.openClDevice());
    if (models == null && !config.backends().contains(BackendKind.OPENCL)) {
      // OpenCL's own options, as --device: said, not silently dropped.
      for (String option : List.of("--device", "--tuning")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          spec.commandLine().getErr().println("descent: " + option + " is ignored: --backends"
              + " does not list opencl");
        }
      }
      spec.commandLine().getErr().flush();
    }
    if (models != null) {
      // --models times the OpenCL batched kernel and prints its tables: the sweep's outputs
      // and backends are not its own, so asking for them is an error, not a silent no-op.
      for (String option : List.of("--csv", "--json", "--plot", "--backends", "--fit-rows",
          "--fit-features", "--fit-loss")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw usage(option + " does not apply to --models, which times the OpenCL batched"
              + " kernel and prints its tables (run the sweep without --models for " + option
              + ")");
        }
      }
      return models(config, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
    new CommandFiles().output("--csv", csv).output("--json", json).image("--plot", plot).check();
    // The sweep's largest dataset must fit in the heap, as the fit's must (it ran out of heap
    // in its own row, after the smaller cells).
    int largestRows = java.util.Collections.max(config.rows());
    int largestFeatures = java.util.Collections.max(config.features());
    BackendBenchmark.requireHeapFor(new FitProblem(largestRows, largestFeatures,
        config.losses().get(0)), "the sweep's largest data (--rows " + largestRows
        + " x --features " + largestFeatures + ")");
    if (config.fit() != null) {
      // The fit's CSV goes to the temporary directory: refused before the sweep if it cannot
      // fit there, as generate refuses (it filled /tmp for a minute before).
      FitProblem f = config.fit();
      GenerateCommand.requireRoom(new SyntheticData(f.rows(), f.features(), f.loss(), seed)
          .estimatedBytes(), Path.of(System.getProperty("java.io.tmpdir"), "fit.csv"),
          "the end-to-end fit's CSV (--fit-rows " + f.rows() + " x --fit-features "
          + f.features() + ")", "fewer --fit-rows or --fit-features, or --fit-rows 0");
      // And read back, its rows must fit in the heap (else it failed after the whole write).
      io.descent.bench.BackendBenchmark.requireHeapFor(f, "the end-to-end fit's data");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Interrupts.Activity activity = Interrupts.activity(err, "benchmarking", csv, json,
        plot)) {
      return bench(config, activity, out, err);
    }
  }

  private int bench(BenchConfig config, Interrupts.Activity activity, PrintWriter out,
      PrintWriter err) throws Exception {
    BenchReport report = BackendBenchmark.run(config, line -> {
      err.println("bench: " + line);
      err.flush();
    });
    out.print(BenchTable.format(report));
    out.flush();
    if (csv != null) {
      activity.writing(csv);
      BenchCsv.write(csv, report);
      activity.written(csv);
      out.println("wrote " + csv);
    }
    if (json != null) {
      activity.writing(json);
      BenchJson.write(json, report);
      activity.written(json);
      out.println("wrote " + json);
    }
    if (plot != null) {
      activity.writing(plot);
      BenchPlot.write(plot, report);
      activity.written(plot);
      out.println("wrote " + plot);
    }
    out.flush();
    if (!measured(report)) {
      err.println("descent: no backend could be measured (see the reasons in the table)");
      err.flush();
      return Main.FAILURE;
    }
    return Main.OK;
  }

  /** Whether any backend was measured (else the command exits 1 after the table). */
  static boolean measured(BenchReport report) {
    return report.evaluations().stream().anyMatch(EvaluationRow::ok)
        || report.fits().stream().anyMatch(FitRow::ok);
  }

  /** {@code --models}: the batched evaluation's time per K on each OpenCL device. */
  private int models(BenchConfig config, PrintWriter out, PrintWriter err) {
    // Each K once, in the order given, and K = 1 always: the single passes the speedups are of.
    java.util.LinkedHashSet<Integer> distinct = new java.util.LinkedHashSet<>();
    distinct.add(1);
    distinct.addAll(models);
    int[] ks = distinct.stream().mapToInt(Integer::intValue).toArray();
    List<String> choices = new ArrayList<>();
    if (device != null) {
      choices.add(device);
    } else {
      for (DeviceDescription d : Backends.openClDevices()) {
        choices.add(String.valueOf(d.index()));
      }
    }
    if (choices.isEmpty()) {
      err.println("descent: no OpenCL device to measure");
      return Main.FAILURE;
    }
    for (String choice : choices) {
      OpenClOptions options = new OpenClOptions(choice, "auto", "float",
          config.openClTuning());
      for (Loss loss : losses) {
        for (int n : rows) {
          for (int d : features) {
            err.println("bench: " + loss.label() + " " + n + " x " + d + ", K = " + models);
            err.flush();
            List<ModelsTiming> table = Backends.openClModels(options, loss, n, d, ks, warmup,
                repeats);
            out.printf(Locale.ROOT, "%s, %s, %d x %d float32%n", table.get(0).device(),
                loss.label(), n, d);
            double single = table.stream().filter(m -> m.models() == 1)
                .mapToDouble(ModelsTiming::seconds).findFirst().orElse(Double.NaN);
            out.printf(Locale.ROOT, "  %4s  %-22s %12s %10s %12s %9s  %-10s %6s  %s%n",
                loss.coupled() ? "C" : "K", "kernel", "ms/eval", "read ms", "arith ms",
                "(link)", "bound", "share",
                loss.coupled() ? "vs C single logistic passes" : "vs K single passes");
            for (ModelsTiming m : table) {
              out.printf(Locale.ROOT, "  %4d  %-22s %12.2f %10.2f %12.2f %9.2f  %-10s %6.2f  %s%n",
                  m.models(), m.kernel(), m.seconds() * 1e3, m.readSeconds() * 1e3,
                  m.arithmeticSeconds() * 1e3, m.linkSeconds() * 1e3, m.binding(), m.share(),
                  Double.isNaN(single) || m.models() == 1 ? "-"
                      : String.format(Locale.ROOT, "%.2fx", single * m.models() / m.seconds()));
            }
            out.flush();
          }
        }
      }
    }
    return Main.OK;
  }

  /** The options as a config; a bad value is a usage error naming the option. */
  private BenchConfig config() {
    Loss fit = switch (fitLoss.strip().toLowerCase(Locale.ROOT)) {
      case "linear" -> Loss.LINEAR;
      case "logistic" -> Loss.LOGISTIC;
      case "multinomial" -> throw usage("--fit-loss multinomial is not benchmarked: use linear"
          + " or logistic (--loss multinomial times its evaluations)");
      default -> throw usage("--fit-loss must be linear or logistic, got \"" + fitLoss + "\"");
    };
    if (models != null) {
      positive("--models", models);
    }
    positive("--rows", rows);
    positive("--features", features);
    if ((long) java.util.Collections.max(rows) * java.util.Collections.max(features)
        > Integer.MAX_VALUE - 8) {
      // Refused before anything runs, as the fit's size is (each such cell failed after the
      // others had run, and the command ended with exit 1).
      throw usage("--rows x --features = " + java.util.Collections.max(rows) + " x "
          + java.util.Collections.max(features) + " does not fit one float array (at most "
          + (Integer.MAX_VALUE - 8) + " values)");
    }
    if (warmup < 0) {
      throw usage("--warmup must be >= 0, got " + warmup);
    }
    if (repeats < 1) {
      throw usage("--repeats must be >= 1, got " + repeats);
    }
    if (fitRows < 0) {
      throw usage("--fit-rows must be >= 0 (0 skips the fit), got " + fitRows);
    }
    if (fitRows > 0 && fitFeatures < 1) {
      throw usage("--fit-features must be > 0, got " + fitFeatures);
    }
    if (fitRows > 0 && (long) fitRows * fitFeatures > Integer.MAX_VALUE - 8) {
      // As the sweep's sizes are: the fit could never load, and its CSV would be written first.
      throw usage("--fit-rows x --fit-features = " + fitRows + " x " + fitFeatures
          + " does not fit one float array (at most " + (Integer.MAX_VALUE - 8) + " values)");
    }
    return new BenchConfig(rows, features, losses, EnumSet.copyOf(backends), device, warmup,
        repeats, seed, fitRows == 0 ? null : new FitProblem(fitRows, fitFeatures, fit),
        tuning.checked());
  }

  private void positive(String option, List<Integer> values) {
    for (int v : values) {
      if (v <= 0) {
        throw usage(option + " must be > 0, got " + v);
      }
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
