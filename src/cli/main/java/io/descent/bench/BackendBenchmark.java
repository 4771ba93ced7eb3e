package io.descent.bench;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.DeviceDescription;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.NoSuchDeviceException;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReadBandwidth;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.train.FitResult;
import io.descent.train.Trainer;
import io.descent.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Measures every backend on the same generated data: {@code descent bench}'s logic.
 *
 * <p>For each rows x features size and each loss: the data comes from {@link SyntheticData} with
 * the config's seed (bit for bit what {@code descent generate} writes and the CSV reader reads
 * back), standardized once. Then, for each target (each OpenCL device, ND4J, the reference):
 *
 * <ol>
 *   <li>for an OpenCL device, its kernel for this loss, precision, layout and d is built once on
 *       a tiny dataset first ({@link KernelBuild}), so that a cold compile is reported apart;
 *   <li>{@code Backends.open} is timed on its own: the one-time copy or upload, less the kernel
 *       build inside it ({@link GradientBackend#buildSeconds()}, reported in its own column);
 *   <li>{@code warmup} evaluations of the full batch are run and discarded, and more until 0.2 s
 *       have passed (so that small sizes are timed in compiled code); the first is compared
 *       with the float64 reference's at the same point ({@link EvaluationRow#gradientError()});
 *   <li>{@code repeats} evaluations are timed one by one with {@link System#nanoTime()}: median,
 *       min and max.
 * </ol>
 *
 * Every evaluation is at one seeded point {@code theta} (intercept and weights drawn from
 * N(0, 1/(d+1))), neither the origin (where a logistic residual is the same on every row) nor
 * the optimum (where the gradient is all cancellation). The read bandwidth a row is judged
 * against is measured once per size, before that size's first evaluation: by {@link
 * HostReadBandwidth} on the dataset's own array for the host backends, and by {@code
 * Backends.openClReadBandwidth} (the same layout as the backend's kernel) for an OpenCL device.
 *
 * <p>Before the sweep each backend is opened once on a tiny dataset, untimed except for the
 * report's {@link BenchReport#initializationSeconds()}: loading native libraries is a cost of
 * the process, not of the first dataset. A backend that cannot open then is unavailable for the
 * whole run.
 *
 * <p>A target that cannot open, or throws (an {@link OutOfMemoryError} included) while being
 * measured, gets a row with the reason; the run goes on with the next one.
 *
 * <p>The end-to-end line per target reads the {@link FitProblem}'s data from a CSV file written
 * once for the run ({@link FitFile}, as {@code descent generate} writes it) as {@code train}
 * reads it, timed (the ingest rate in MB/s), then runs one full {@link Descent} fit with every
 * default (backend
 * named explicitly, so nothing falls back) on the {@link FitProblem}, timed from the call to
 * {@code train} to its return, less the kernel builds inside it: for an OpenCL device its
 * float32 kernel and, where the device has fp64, the float64 kernel of the trainer's float64
 * finish are built once before the fit ({@link KernelBuild}), and what building them again
 * inside the fit costs (normally a load from the driver's cache) is reported apart. When the fit
 * finished in float64, the line says where ({@link FitRow#precision()}).
 *
 * <p>Runs are sequential: one backend at a time, so none competes with another for cores or
 * memory bandwidth.
 */
public final class BackendBenchmark {

  /**
   * Refuses a {@code --device} that names no OpenCL device of this machine, before any work
   * (as {@code train} refuses it): where {@code device} picks none of the devices OpenCL lists
   * ({@link BenchTarget#choose}), or OpenCL lists none (the message says why).
   *
   * @throws NoSuchDeviceException naming the devices there are
   */
  public static void requireDevice(java.util.Set<BackendKind> kinds, String device) {
    if (device == null || !kinds.contains(BackendKind.OPENCL)) {
      return;
    }
    List<DeviceDescription> devices;
    try {
      devices = Backends.openClDevices();
    } catch (RuntimeException | LinkageError e) {
      throw new NoSuchDeviceException("no OpenCL device matches \"" + device + "\": "
          + oneLine(e));
    }
    if (devices.isEmpty()) {
      throw new NoSuchDeviceException("no OpenCL device matches \"" + device + "\": no OpenCL"
          + " devices found");
    }
    if (BenchTarget.choose(devices, device).isEmpty()) {
      throw new NoSuchDeviceException("no OpenCL device matches \"" + device + "\"; available: "
          + String.join(", ", devices.stream().map(d -> d.index() + ": " + d.name()).toList()));
    }
  }
  /** Rows of the dataset each backend is initialized on before measuring. */
  private static final int INIT_ROWS = 256;
  /** Its features. */
  private static final int INIT_FEATURES = 4;

  /**
   * Warm-up (when asked for) lasts at least this long, so that small sizes are timed in compiled
   * code rather than while the JIT is still at work (seen: 8 ms medians for 1.3 ms evaluations).
   */
  static final long MIN_WARMUP_NANOS = 200_000_000L;
  /** The most warm-up runs the time floor adds. */
  static final int MAX_WARMUP_RUNS = 100_000;

  /** Evaluation results kept alive so the JIT cannot drop an evaluation. */
  private static volatile double sink;

  private BackendBenchmark() {}

  /**
   * Fails at once when this JVM's heap cannot hold the end-to-end fit's data read back from its
   * CSV, which {@link #run} writes only after the sweep.
   *
   * @param what names the data in the message
   * @throws io.descent.data.InsufficientMemoryException with the figures and an {@code -Xmx}
   */
  public static void requireHeapFor(FitProblem fit, String what) {
    FitFile.requireHeap(fit, what);
  }

  /**
   * Runs the benchmark.
   *
   * @param config what to measure
   * @param progress receives one line as each step starts or ends (for a progress display);
   *     nothing in it is needed to read the report
   */
  public static BenchReport run(BenchConfig config, Consumer<String> progress) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(progress, "progress");
    MachineInfo machine = MachineInfo.now();
    long start = System.nanoTime();
    Map<String, Double> initialization = new LinkedHashMap<>();
    Kernels kernels = new Kernels(config.seed());
    List<BenchTarget> targets = new ArrayList<>();
    for (BenchTarget t : BenchTarget.discover(config.backends(), config.openClDevice(),
        config.openClTuning())) {
      BenchTarget ready = initialize(t, config.seed(), initialization, kernels);
      if (ready.unavailable() != null) {
        progress.accept("skipped " + ready.label() + ": " + ready.unavailable());
      } else {
        progress.accept(String.format(Locale.ROOT, "%s: initialized in %.2f s", ready.label(),
            initialization.get(ready.label())));
      }
      targets.add(ready);
    }
    List<EvaluationRow> rows = new ArrayList<>();
    for (int n : config.rows()) {
      for (int d : config.features()) {
        Map<String, ReadBandwidth> bandwidth = new HashMap<>();
        for (Loss loss : config.losses()) {
          rows.addAll(measureCell(config, targets, n, d, loss, machine, bandwidth, kernels,
              progress));
        }
      }
    }
    List<FitRow> fits = config.fit() == null ? List.of()
        : fit(config, targets, kernels, progress);
    return new BenchReport(machine.ended(), config, initialization, kernels.builds, rows, fits,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Opens the target once on a tiny dataset and evaluates it for a moment, so that what a
   * process does only once (loading native libraries, creating a runtime, compiling the Java
   * code) is not counted in the first size's open or evaluation times. Records the time taken
   * (and, for OpenCL, the kernel build, which is part of it); a target that cannot open comes
   * back unavailable, with the reason.
   */
  private static BenchTarget initialize(BenchTarget t, long seed,
      Map<String, Double> initialization, Kernels kernels) {
    if (t.unavailable() != null) {
      return t;
    }
    Dataset tiny = new SyntheticData(INIT_ROWS, INIT_FEATURES, Loss.LOGISTIC, seed).dataset();
    long t0 = System.nanoTime();
    try (GradientBackend backend = Backends.open(t.kind(), tiny, Standardization.fit(tiny),
        Loss.LOGISTIC, t.openCl())) {
      double[] theta = evaluationPoint(INIT_FEATURES, seed);
      if (t.kind() == BackendKind.OPENCL) {
        kernels.built(t, Loss.LOGISTIC, INIT_FEATURES, t.openCl().precision(), "initialization",
            backend);
      }
      Batch all = Batch.all(INIT_ROWS);
      for (int k = 0; k < MAX_WARMUP_RUNS && (k == 0
          || System.nanoTime() - t0 < MIN_WARMUP_NANOS); k++) {
        sink = backend.evaluate(theta, all).loss();
      }
    } catch (BackendUnavailableException e) {
      return t.withUnavailable(oneLine(e));
    } catch (RuntimeException | LinkageError e) {
      return t.withUnavailable("could not initialize: " + oneLine(e));
    }
    initialization.put(t.label(), (System.nanoTime() - t0) / 1e9);
    return t;
  }

  /** Every target on one size and loss, with speedups over ND4J filled in. */
  private static List<EvaluationRow> measureCell(BenchConfig config, List<BenchTarget> targets,
      int n, int d, Loss loss, MachineInfo machine, Map<String, ReadBandwidth> bandwidth,
      Kernels kernels, Consumer<String> progress) {
    String cell = String.format(Locale.ROOT, "%s %d x %d", loss.label(), n, d);
    List<EvaluationRow> out = new ArrayList<>();
    final Dataset data;
    final Standardization standardization;
    final Evaluation reference;
    double[] theta = evaluationPoint(d, loss, config.seed());
    try {
      long t0 = System.nanoTime();
      data = generate(n, d, loss, config.seed());
      standardization = Standardization.fit(data);
      progress.accept(String.format(Locale.ROOT, "%s: generated in %.1f s", cell,
          (System.nanoTime() - t0) / 1e9));
      reference = evaluate(new ReferenceBackend(data, standardization, columnsOf(loss)), theta,
          Batch.all(n));
    } catch (RuntimeException | OutOfMemoryError e) {
      String reason = "failed: could not generate the data: " + oneLine(e);
      progress.accept(cell + ": " + reason);
      for (BenchTarget t : targets) {
        out.add(EvaluationRow.failed(loss, n, d, t.label(), t.expected(), reason, Double.NaN));
      }
      return out;
    }
    for (BenchTarget t : targets) {
      if (t.unavailable() != null) {
        out.add(EvaluationRow.failed(loss, n, d, t.label(), t.expected(),
            "unavailable: " + t.unavailable(), Double.NaN));
        continue;
      }
      ReadBandwidth read = bandwidth.computeIfAbsent(t.kind() == BackendKind.OPENCL
          ? t.label() : "host", key -> readBandwidth(config, t, data, n, d, machine,
              progress));
      if (t.kind() == BackendKind.OPENCL) {
        kernels.warm(t, loss, d, t.openCl().precision(), "evaluation", progress);
      }
      EvaluationRow row = measure(config, t, data, standardization, loss, theta, reference, read);
      progress.accept(cell + ": " + t.label() + " " + (row.ok()
          ? String.format(Locale.ROOT, "median %.3f ms, open %.1f ms%s (%s)",
              row.seconds().median() * 1e3, row.openSeconds() * 1e3, row.buildSeconds() > 0
                  ? String.format(Locale.ROOT, " + kernel build %.1f ms", row.buildSeconds() * 1e3)
                  : "", row.backend().summary())
          : row.failure()));
      out.add(row);
    }
    return withSpeedups(out);
  }

  /** The read bandwidth for a target's device on this size, or null (with a progress line). */
  private static ReadBandwidth readBandwidth(BenchConfig config, BenchTarget t, Dataset data,
      int n, int d, MachineInfo machine, Consumer<String> progress) {
    try {
      ReadBandwidth read = t.kind() == BackendKind.OPENCL
          ? Backends.openClReadBandwidth(t.openCl(), n, d, config.warmup(), config.repeats())
          : HostReadBandwidth.measure(data.x(), config.warmup(), config.repeats(),
              machine.cpu(), machine.cores());
      progress.accept(String.format(Locale.ROOT, "%d x %d: %s", n, d, read));
      return read;
    } catch (RuntimeException | OutOfMemoryError e) {
      progress.accept(String.format(Locale.ROOT, "%d x %d: %s read bandwidth not measured: %s",
          n, d, t.kind() == BackendKind.OPENCL ? t.label() : "host", oneLine(e)));
      return null;
    }
  }

  /** Opens, checks and times one target; a failure becomes a row with the reason. */
  private static EvaluationRow measure(BenchConfig config, BenchTarget t, Dataset data,
      Standardization standardization, Loss loss, double[] theta, Evaluation reference,
      ReadBandwidth read) {
    int n = data.rows();
    int d = data.features();
    BackendInfo info = t.expected();
    double openSeconds = Double.NaN;
    GradientBackend backend = null;
    try {
      long t0 = System.nanoTime();
      backend = Backends.open(t.kind(), data, standardization, columnsOf(loss), t.openCl());
      double buildSeconds = backend.buildSeconds();
      openSeconds = (System.nanoTime() - t0) / 1e9 - buildSeconds;
      info = backend.info();
      Batch all = Batch.all(n);
      double error = Double.NaN;
      long warmStart = System.nanoTime();
      for (int k = 0; k < config.warmup() || (config.warmup() > 0 && k < MAX_WARMUP_RUNS
          && System.nanoTime() - warmStart < MIN_WARMUP_NANOS); k++) {
        Evaluation e = evaluate(backend, theta, all);
        if (k == 0) {
          error = relativeError(e.gradient(), reference.gradient());
        }
      }
      double[] seconds = new double[config.repeats()];
      double keep = 0;
      for (int k = 0; k < seconds.length; k++) {
        long s = System.nanoTime();
        Evaluation e = evaluate(backend, theta, all);
        seconds[k] = (System.nanoTime() - s) / 1e9;
        keep += e.loss();
        if (k == 0 && config.warmup() == 0) {
          error = relativeError(e.gradient(), reference.gradient());
        }
      }
      sink = keep;
      return new EvaluationRow(loss, n, d, t.label(), info, null, openSeconds, buildSeconds,
          TimeStats.of(seconds), read, Double.NaN, error, backend.tolerance());
    } catch (BackendUnavailableException e) {
      return EvaluationRow.failed(loss, n, d, t.label(), info, "unavailable: " + oneLine(e),
          openSeconds);
    } catch (RuntimeException | OutOfMemoryError e) {
      return EvaluationRow.failed(loss, n, d, t.label(), info, "failed: " + oneLine(e),
          openSeconds);
    } finally {
      closeQuietly(backend);
    }
  }

  /** One end-to-end fit per target. */
  private static List<FitRow> fit(BenchConfig config, List<BenchTarget> targets,
      Kernels kernels, Consumer<String> progress) {
    FitProblem problem = config.fit();
    String name = String.format(Locale.ROOT, "fit %s %d x %d", problem.loss().label(),
        problem.rows(), problem.features());
    List<FitRow> out = new ArrayList<>();
    Path file;
    try {
      file = FitFile.write(problem, config.seed());
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      String reason = "failed: could not generate the data: " + oneLine(e);
      progress.accept(name + ": " + reason);
      for (BenchTarget t : targets) {
        out.add(FitRow.failed(problem, t.label(), t.expected(), reason));
      }
      return out;
    }
    try {
      fitEach(config, targets, kernels, progress, problem, name, file, out);
    } finally {
      FitFile.delete(file);
    }
    double nd4j = out.stream().filter(r -> r.ok() && r.backend().kind() == BackendKind.ND4J)
        .mapToDouble(FitRow::wallSeconds).findFirst().orElse(Double.NaN);
    out.replaceAll(r -> r.ok() ? r.withSpeedupOverNd4j(nd4j / r.wallSeconds()) : r);
    return out;
  }

  /** Reads the file and fits it, once per target, adding each target's line to {@code out}. */
  private static void fitEach(BenchConfig config, List<BenchTarget> targets, Kernels kernels,
      Consumer<String> progress, FitProblem problem, String name, Path file, List<FitRow> out) {
    for (BenchTarget t : targets) {
      FitRow row;
      Dataset data = null;
      long r0 = System.nanoTime();
      double read = Double.NaN;
      if (t.unavailable() == null) {
        try {
          data = FitFile.read(file, problem);
          read = (System.nanoTime() - r0) / 1e9;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
          out.add(FitRow.failed(problem, t.label(), t.expected(), "failed: could not read "
              + file + ": " + oneLine(e)));
          continue;
        }
      }
      if (t.unavailable() != null) {
        row = FitRow.failed(problem, t.label(), t.expected(), "unavailable: " + t.unavailable());
      } else {
        Descent descent = (problem.loss() == Loss.LINEAR ? Descent.linear() : Descent.logistic())
            .backend(t.kind().label()).seed(config.seed());
        if (t.openCl() != null) {
          descent.openCl(t.openCl());
          // The fit's own kernel, and that of its float64 finish where the device has fp64.
          kernels.warm(t, problem.loss(), problem.features(), t.openCl().precision(), "fit",
              progress);
          kernels.warm(t, problem.loss(), problem.features(), "double", "fit", progress);
        }
        try {
          row = timedFit(problem, t, descent, data).withRead(read, FitFile.size(file));
        } catch (BackendUnavailableException e) {
          row = FitRow.failed(problem, t.label(), t.expected(), "unavailable: " + oneLine(e));
        } catch (RuntimeException | OutOfMemoryError e) {
          row = FitRow.failed(problem, t.label(), t.expected(), "failed: " + oneLine(e));
        }
      }
      FitRow r = row;
      progress.accept(name + ": " + t.label() + " " + (r.ok()
          ? String.format(Locale.ROOT, "read %.2f s (%.0f MB/s), fit %.2f s, %d iterations"
              + " (%s)", r.readSeconds(), r.ingestMegabytesPerSecond(), r.wallSeconds(),
              r.iterations(), r.backend().summary())
          : r.failure()));
      out.add(row);
    }
  }

  /**
   * One fit, as {@code descent.train} runs it, with every backend it opens counted: the wall
   * time less the kernel builds, which are reported apart.
   */
  private static FitRow timedFit(FitProblem problem, BenchTarget t, Descent descent,
      Dataset data) {
    double[] build = {0};
    Trainer trainer = new Trainer((kind, d, s, loss, openCl) -> {
      GradientBackend b = Backends.open(kind, d, s, loss, openCl);
      build[0] += b.buildSeconds();
      return b;
    // The fits compare the backends' passes: the normal equations would bypass them.
    }).solver(io.descent.train.Solver.PASSES);
    long t0 = System.nanoTime();
    FitResult r = trainer.fit(data, descent.config(data), TrainingListener.NONE);
    double wall = (System.nanoTime() - t0) / 1e9 - build[0];
    Object finish = r.hyperparameters().get("polish");
    Object finishIterations = r.hyperparameters().get("polishIterations");
    return new FitRow(problem, t.label(), r.backend(), null, wall, build[0], r.iterations(),
        r.evaluations(), r.objective(), r.stopReason().label(),
        finish == null ? null : finish.toString(),
        finish == null ? 0 : ((Number) finishIterations).intValue(), Double.NaN);
  }

  /** The cell's rows with each one's speedup over the ND4J row (NaN when there is none). */
  private static List<EvaluationRow> withSpeedups(List<EvaluationRow> cell) {
    double nd4j = cell.stream().filter(r -> r.ok() && r.backend().kind() == BackendKind.ND4J)
        .mapToDouble(r -> r.seconds().median()).findFirst().orElse(Double.NaN);
    List<EvaluationRow> out = new ArrayList<>(cell.size());
    for (EvaluationRow r : cell) {
      out.add(r.ok() ? r.withSpeedupOverNd4j(nd4j / r.seconds().median()) : r);
    }
    return out;
  }

  /**
   * The point every evaluation is at: {@code theta_j ~ N(0, 1/(d+1))} from the seed, a stream
   * apart from the data's. Public so that other harnesses (the JMH benchmarks) time the very
   * same evaluations.
   *
   * @param features d; the point has d + 1 entries, intercept first
   * @param seed the bench's seed
   */
  public static double[] evaluationPoint(int features, long seed) {
    SplittableRandom r = new SplittableRandom(~seed);
    double[] theta = new double[features + 1];
    double sd = 1 / Math.sqrt(features + 1.0);
    for (int j = 0; j < theta.length; j++) {
      theta[j] = sd * r.nextGaussian();
    }
    return theta;
  }

  /**
   * The generated data of a bench cell: {@code descent generate}'s for the loss, multinomial
   * with {@link SyntheticData#DEFAULT_CLASSES} classes.
   */
  static Dataset generate(int rows, int features, Loss loss, long seed) {
    return (loss.coupled() ? new SyntheticData(rows, features, SyntheticData.DEFAULT_CLASSES,
        seed) : new SyntheticData(rows, features, loss, seed)).dataset();
  }

  /** The columns a bench evaluation computes: one model (C coupled columns multinomial). */
  static Columns columnsOf(Loss loss) {
    return loss.coupled() ? Columns.multinomial(SyntheticData.DEFAULT_CLASSES)
        : Columns.single(loss);
  }

  /**
   * The point a loss's evaluations are at: {@link #evaluationPoint(int, long)}, and for the
   * multinomial loss C such columns from one stream, {@code (d + 1) x C} column-major.
   */
  static double[] evaluationPoint(int features, Loss loss, long seed) {
    if (!loss.coupled()) {
      return evaluationPoint(features, seed);
    }
    int c = SyntheticData.DEFAULT_CLASSES;
    SplittableRandom r = new SplittableRandom(~seed);
    double[] theta = new double[(features + 1) * c];
    double sd = 1 / Math.sqrt(features + 1.0);
    for (int j = 0; j < theta.length; j++) {
      theta[j] = sd * r.nextGaussian();
    }
    return theta;
  }

  /** One evaluation of every column, as the single-model {@link Evaluation} for K = 1. */
  private static Evaluation evaluate(GradientBackend backend, double[] theta, Batch batch) {
    if (backend.columns().count() == 1) {
      return backend.evaluate(theta, batch);
    }
    BatchedEvaluation e = backend.evaluateColumns(theta, batch);
    return new Evaluation(e.loss()[0], e.gradient());
  }

  /** {@code ||g - ref|| / ||ref||}, or the absolute norm when the reference is 0. */
  static double relativeError(double[] g, double[] ref) {
    double diff = 0;
    double norm = 0;
    for (int j = 0; j < ref.length; j++) {
      double e = g[j] - ref[j];
      diff += e * e;
      norm += ref[j] * ref[j];
    }
    return norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff);
  }

  /**
   * The OpenCL kernel configurations built so far, each once per run: a configuration is a
   * device with a loss, a precision, a layout (the target's) and a feature count (the GPU
   * layout's build options depend on it).
   */
  private static final class Kernels {
    /** Rows of the dataset a kernel is built on. */
    private static final int ROWS = 64;

    private final long seed;
    private final List<KernelBuild> builds = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    Kernels(long seed) {
      this.seed = seed;
    }

    private static String key(BenchTarget t, Loss loss, int features, String precision) {
      return t.label() + "|" + loss.label() + "|" + features + "|" + precision;
    }

    /** Records a build done elsewhere (the initialization's). */
    void built(BenchTarget t, Loss loss, int features, String precision, String purpose,
        GradientBackend backend) {
      if (seen.add(key(t, loss, features, precision))) {
        builds.add(new KernelBuild(t.label(), loss, features, backend.info(), purpose,
            backend.buildSeconds()));
      }
    }

    /**
     * Builds the configuration, unless built already, by opening the device on a tiny dataset
     * with as many features and evaluating once (PoCL finishes compiling for the launch's
     * work-group size at the first launch). A configuration that cannot open (no fp64 for
     * "double", a build error) is left out: the timed open or fit that follows reports it.
     */
    void warm(BenchTarget t, Loss loss, int features, String precision, String purpose,
        Consumer<String> progress) {
      if (!seen.add(key(t, loss, features, precision))) {
        return;
      }
      Dataset tiny = generate(ROWS, features, loss, seed);
      OpenClOptions options = t.openCl().withPrecision(precision);
      try (GradientBackend b = Backends.open(BackendKind.OPENCL, tiny,
          Standardization.fit(tiny), columnsOf(loss), options)) {
        sink = evaluate(b, evaluationPoint(features, loss, seed), Batch.all(ROWS)).loss();
        KernelBuild k = new KernelBuild(t.label(), loss, features, b.info(), purpose,
            b.buildSeconds());
        builds.add(k);
        progress.accept(String.format(Locale.ROOT, "%s: kernel built for %s d=%d (%s) in %.1f"
            + " ms", t.label(), loss.label(), features, b.info().summary(), k.seconds() * 1e3));
      } catch (BackendUnavailableException e) {
        if (!"double".equals(precision)) {
          progress.accept(t.label() + ": kernel for " + loss.label() + " d=" + features
              + " not built: " + oneLine(e));
        }
      } catch (RuntimeException | OutOfMemoryError e) {
        progress.accept(t.label() + ": kernel for " + loss.label() + " d=" + features
            + " not built: " + oneLine(e));
      }
    }
  }

  private static void closeQuietly(GradientBackend backend) {
    if (backend != null) {
      try {
        backend.close();
      } catch (RuntimeException e) {
        // The row already says how it ran; a failing close must not hide it.
      }
    }
  }

  /** A throwable's message on one line, with its type where the message alone says little. */
  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    m = m.strip().replace('\n', ' ');
    return e instanceof OutOfMemoryError || e instanceof LinkageError
        || e instanceof NullPointerException || e instanceof IllegalStateException
        ? e.getClass().getSimpleName() + ": " + m : m;
  }
}
