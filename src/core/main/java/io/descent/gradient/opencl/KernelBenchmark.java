package io.descent.gradient.opencl;

import io.descent.data.ByteSizes;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.gradient.Batch;
import io.descent.gradient.Columns;
import io.descent.gradient.DeviceDescription;
import io.descent.gradient.ModelsTiming;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * How close the fused gradient kernel comes to the device's memory bandwidth.
 *
 * <p>On each device it measures (a) a plain read kernel ({@code kernels/read_bandwidth.cl}, the
 * same layout as the gradient: contiguous blocks per work-item on CPUs, coalesced with a tree on
 * GPUs) over an n x d float32 buffer, and (b) one logistic loss + gradient evaluation of
 * {@link OpenClBackend} over the same n x d data, both timed as median wall time over repeats
 * after warm-up, each run ending with the read-back of its results. The two are interleaved
 * (one (a), one (b), ...) so that a change in machine load affects both alike. It prints both
 * rates in GB/s ({@code n * d * 4} bytes per run) and the ratio (b)/(a), the fraction of the
 * achievable read bandwidth the gradient reaches, both from the two medians and as the median of
 * the ratios of adjacent pairs (steadier on a shared machine).
 *
 * <p>How the CPU layout's defaults were found (PoCL 3.1 on a 2-core AMD EPYC, 1,000,000 x 64,
 * logistic; ratios are paired medians): the first kernel read each block column-wise (one
 * vector of each of its rows in turn) and reached 0.52 to 0.58, and only with at least four
 * work-items per compute unit: with two or four work-groups in all, PoCL apparently ran them on
 * one thread and the rate halved to 10 GB/s. 16-wide vectors gave about a quarter more; software prefetch two blocks
 * ahead ({@code __builtin_prefetch}: PoCL's {@code prefetch()} does nothing) reached 0.75 to
 * 0.85 but stalled on full fill buffers. Reading each block row after row, in address order,
 * was the decisive change: 0.90 to 0.94 with no software prefetch at all, which then only
 * hurt and was removed. Single-threaded ({@code POCL_MAX_PTHREAD_COUNT=1}, where the kernel is
 * compute-bound), a transposing reduction of the block's margins, a copy of the block code for
 * full contiguous blocks (one vector load of y, no clamps or masks) and two FMA chains per sum
 * took it from 20.5 to 22.8 GB/s; 16 rows per block beat 8 by about 5 percent with 8-wide
 * vectors (each exp and log1p then serves 16 rows), while 16 x 16 spilled registers; compiling
 * d in as a constant gained 4 to 5 percent, not worth a program per d. Prefetch in the read
 * kernel did not make it faster, so the baseline stays a plain read. On this shared machine the
 * read bandwidth itself moves between about 20 and 58 GB/s with the host's load; at the top of
 * that range the evaluation becomes compute-bound near 40 GB/s and the ratio falls to about 0.7.
 *
 * <p>{@link #models} times one evaluation of K independent models per pass for each K (the
 * batched kernel; K = 1 the single-column one), with the read kernel and an FMA-bound kernel
 * ({@code kernels/fma_peak.cl}) in every round: each K's time, the bound that binds (reading the
 * data once, or its arithmetic: the {@code 2 n d K} multiply-adds at the measured FMA rate plus
 * the {@code n K} margins' link, the loss's exp and log, at the rate {@link LinkProbe} measures
 * in the same rounds) and the share of it reached; for the multinomial loss each K is a number
 * of classes C, against C single logistic passes. {@code descent bench --models} prints them;
 * the developers' command line over both, with the kernels' tuning knobs, is {@code
 * KernelBenchmarkMain} in the tests.
 */
public final class KernelBenchmark {
  private KernelBenchmark() {}

  /**
   * The read bandwidth (a) of one device: a kernel that only sums {@code rows * features}
   * float32 values in the given layout's access pattern.
   *
   * @param options the device and layout (precision is ignored: the data is float32)
   * @param rows rows of the buffer
   * @param features features per row
   * @param warmup untimed runs first (the first run also builds the kernel)
   * @param repeats timed runs; the median is reported
   * @return the median rate over the timed runs
   * @throws io.descent.gradient.BackendUnavailableException when the device cannot run it
   */
  public static Throughput measureReadBandwidth(OpenClOptions options, int rows, int features,
      int warmup, int repeats) {
    float[] x = pattern(rows, features);
    ClDevice device = OpenClBackend.select(Cl.devices(), options.device());
    try (ReadProbe probe = new ReadProbe(device, layout(device, options), x, Tuning.defaults())) {
      for (int k = 0; k < warmup; k++) {
        probe.run();
      }
      double[] t = new double[repeats];
      for (int k = 0; k < repeats; k++) {
        t[k] = probe.run();
      }
      return new Throughput(device.name(), "read", probe.layout, 4L * rows * features, repeats,
          median(t));
    }
  }

  /**
   * The read bandwidth (a) and one logistic evaluation (b) on the same random
   * {@code rows x features} data, interleaved.
   *
   * @param options the device and layout; precision applies to (b)
   * @param rows rows of the data
   * @param features features per row
   * @param warmup untimed (a, b) pairs first
   * @param repeats timed (a, b) pairs
   * @return the two rates, and the median over the pairs of time(a) / time(b)
   */
  public static Comparison compare(OpenClOptions options, int rows, int features, int warmup,
      int repeats) {
    return compare(options, Loss.LOGISTIC, rows, features, warmup, repeats, Tuning.defaults());
  }

  /**
   * The outcome of {@link #compare}.
   *
   * @param read (a), the read kernel
   * @param evaluation (b), one loss + gradient evaluation
   * @param pairedRatio the median over the timed pairs of {@code time(a) / time(b)}: (b)/(a)
   *     measured on adjacent runs, so that a change in machine load during the measurement
   *     moves both sides together
   */
  public record Comparison(Throughput read, Throughput evaluation, double pairedRatio) {
    /** (b)/(a) from the two medians. */
    public double ratio() {
      return evaluation.gigabytesPerSecond() / read.gigabytesPerSecond();
    }
  }

  static Comparison compare(OpenClOptions options, Loss loss, int rows, int features,
      int warmup, int repeats, Tuning tuning) {
    Dataset data = logisticData(rows, features, 20260101L);
    ClDevice device = OpenClBackend.select(Cl.devices(), options.device());
    String layout = layout(device, options);
    OpenClOptions exact = new OpenClOptions(String.valueOf(device.description().index()), layout,
        options.precision(), options.tuning());
    double[] theta = new double[features + 1];
    SplittableRandom rnd = new SplittableRandom(7);
    for (int j = 0; j <= features; j++) {
      theta[j] = rnd.nextGaussian() / Math.sqrt(features);
    }
    Batch all = Batch.all(rows);
    try (ReadProbe probe = new ReadProbe(device, layout, data.x(), tuning);
        OpenClBackend backend = OpenClBackend.open(data, Standardization.fit(data),
            loss, exact, tuning)) {
      for (int k = 0; k < warmup; k++) {
        probe.run();
        backend.evaluate(theta, all);
      }
      double[] read = new double[repeats];
      double[] eval = new double[repeats];
      for (int k = 0; k < repeats; k++) {
        read[k] = probe.run();
        long t0 = System.nanoTime();
        backend.evaluate(theta, all);
        eval[k] = (System.nanoTime() - t0) * 1e-9;
      }
      long bytes = 4L * rows * features;
      double[] ratios = new double[repeats];
      for (int k = 0; k < repeats; k++) {
        ratios[k] = read[k] / eval[k];
      }
      return new Comparison(
          new Throughput(device.name(), "read", layout, bytes, repeats, median(read)),
          new Throughput(device.name(), loss.label() + " evaluation (" + backend.kernelName()
              + ", " + backend.info().precision() + (backend.cpuShape() == null ? ""
              : ", " + backend.cpuShape().summary()) + ")", layout, bytes, repeats,
              median(eval)),
          median(ratios));
    }
  }

  /**
   * The arithmetic rate (c) of one device: float32 fused multiply-adds per second
   * ({@code kernels/fma_peak.cl}, each lane one), run by as many work-items as the read kernel.
   *
   * @param options the device (layout and precision are ignored)
   * @param warmup untimed runs first
   * @param repeats timed runs; the median is reported
   * @return multiply-adds per second, from the median time
   */
  public static double measureFmaRate(OpenClOptions options, int warmup, int repeats) {
    ClDevice device = OpenClBackend.select(Cl.devices(), options.device());
    try (FmaProbe probe = new FmaProbe(device, Tuning.defaults())) {
      for (int k = 0; k < warmup; k++) {
        probe.run();
      }
      double[] t = new double[repeats];
      for (int k = 0; k < repeats; k++) {
        t[k] = probe.run();
      }
      return probe.operations / median(t);
    }
  }

  /**
   * Times one evaluation of K models per pass for each K of {@code models} over the same
   * {@code rows x features} data (K = 1 on the single-column kernel, more on the batched one),
   * next to the device's read bandwidth and FMA rate measured in the same run.
   *
   * @param loss linear or logistic: K independent models of it; multinomial: one model of K
   *     classes per K (see {@link #models(OpenClOptions, Loss, int, int, int[], int, int,
   *     Tuning)})
   * @return one row per K, in the order given (multinomial: the logistic pass first)
   */
  public static List<ModelsTiming> models(OpenClOptions options, Loss loss, int rows,
      int features, int[] models, int warmup, int repeats) {
    return models(options, loss, rows, features, models, warmup, repeats, Tuning.defaults());
  }

  /**
   * As {@link #models(OpenClOptions, Loss, int, int, int[], int, int)}, with tuning. For the
   * multinomial loss each K is a number of classes C: one multinomial model of C coupled columns
   * per pass, on {@link SyntheticData} with C classes ({@code descent generate --loss multinomial
   * --classes C}, seed {@link #MULTINOMIAL_SEED}); C = 1, always measured and listed first, is
   * one single-column logistic pass over the same features (the generator draws the same
   * features whatever the target), what the other rows' speedups compare with.
   */
  static List<ModelsTiming> models(OpenClOptions options, Loss loss, int rows, int features,
      int[] models, int warmup, int repeats, Tuning tuning) {
    if (loss.coupled()) {
      return multinomial(options, rows, features, models, warmup, repeats, tuning);
    }
    Dataset data = logisticData(rows, features, 20260101L);
    ClDevice device = OpenClBackend.select(Cl.devices(), options.device());
    String layout = layout(device, options);
    OpenClOptions exact = new OpenClOptions(String.valueOf(device.description().index()), layout,
        options.precision(), options.tuning());
    Standardization standardization = Standardization.fit(data);
    // Every K's backend is open at once and each timed round runs the two probes and every K
    // in turn, so that a change in the machine's load moves every figure of a round alike.
    List<OpenClBackend> backends = new ArrayList<>();
    List<LinkProbe> links = new ArrayList<>();
    List<double[]> parameters = new ArrayList<>();
    Batch all = Batch.all(rows);
    try (ReadProbe read = new ReadProbe(device, layout, data.x(), tuning);
        FmaProbe fma = new FmaProbe(device, tuning)) {
      for (int k : models) {
        Columns columns = k == 1 ? Columns.single(loss) : Columns.of(loss, k);
        double[] w = new double[(features + 1) * k];
        SplittableRandom rnd = new SplittableRandom(7 + k);
        for (int j = 0; j < w.length; j++) {
          w[j] = rnd.nextGaussian() / Math.sqrt(features);
        }
        parameters.add(w);
        backends.add(OpenClBackend.open(data, standardization, columns, exact, tuning));
        links.add(linkProbe(device, loss, backends.get(backends.size() - 1), k, tuning));
      }
      for (int r = 0; r < warmup; r++) {
        for (int m = 0; m < models.length; m++) {
          backends.get(m).evaluateColumns(parameters.get(m), all);
        }
      }
      double[][] eval = new double[models.length][repeats];
      double[][] linkTimes = new double[models.length][repeats];
      double[] readTimes = new double[repeats];
      double[] fmaTimes = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        readTimes[r] = read.run();
        fmaTimes[r] = fma.run() / fma.operations;
        for (int m = 0; m < models.length; m++) {
          LinkProbe link = links.get(m);
          linkTimes[m][r] = link == null ? 0 : link.run() / link.values;
          long t0 = System.nanoTime();
          backends.get(m).evaluateColumns(parameters.get(m), all);
          eval[m][r] = (System.nanoTime() - t0) * 1e-9;
        }
      }
      List<ModelsTiming> out = new ArrayList<>();
      for (int m = 0; m < models.length; m++) {
        out.add(new ModelsTiming(device.name(), models[m], backends.get(m).kernelName(),
            median(eval[m]), median(readTimes),
            median(fmaTimes) * 2.0 * rows * features * models[m],
            median(linkTimes[m]) * rows * models[m]));
      }
      return out;
    } finally {
      closeAll(backends, links);
    }
  }

  /**
   * The link probe of one benchmarked backend: on the cpu layout, built with the batched
   * kernel's options for {@code columns} columns of {@code loss}; null on the gpu layout
   * (whose kernels it does not model: its rows then charge the multiply-adds alone).
   */
  private static LinkProbe linkProbe(ClDevice device, Loss loss, OpenClBackend backend,
      int columns, Tuning tuning) {
    return backend.cpuShape() == null ? null
        : new LinkProbe(device, loss, columns, backend.features(), tuning);
  }

  private static void closeAll(List<OpenClBackend> backends, List<LinkProbe> links) {
    for (OpenClBackend b : backends) {
      b.close();
    }
    for (LinkProbe l : links) {
      if (l != null) {
        l.close();
      }
    }
  }

  /** Margin values per run of the link probe (about 20 ms on a 2-core AVX2 EPYC). */
  static final double LINK_VALUES = 5e7;
  /** Independent vectors of margins per iteration of the link probe (at least). */
  static final int LINK_CHAINS = 8;

  /** The seed of the multinomial models benchmark's generated data. */
  public static final long MULTINOMIAL_SEED = 42;

  /** The multinomial rows of {@link #models}: C = 1 the logistic pass, then each C given. */
  private static List<ModelsTiming> multinomial(OpenClOptions options, int rows, int features,
      int[] models, int warmup, int repeats, Tuning tuning) {
    int[] classes = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(1),
        Arrays.stream(models).filter(c -> c != 1)).toArray();
    Dataset logistic = new SyntheticData(rows, features, Loss.LOGISTIC, MULTINOMIAL_SEED)
        .dataset();
    ClDevice device = OpenClBackend.select(Cl.devices(), options.device());
    String layout = layout(device, options);
    OpenClOptions exact = new OpenClOptions(String.valueOf(device.description().index()), layout,
        options.precision(), options.tuning());
    Standardization standardization = Standardization.fit(logistic);
    List<OpenClBackend> backends = new ArrayList<>();
    List<LinkProbe> links = new ArrayList<>();
    List<double[]> parameters = new ArrayList<>();
    Batch all = Batch.all(rows);
    try (ReadProbe read = new ReadProbe(device, layout, logistic.x(), tuning);
        FmaProbe fma = new FmaProbe(device, tuning)) {
      for (int c : classes) {
        Dataset data = logistic;
        Columns columns = Columns.single(Loss.LOGISTIC);
        if (c > 1) {
          // The C-class target of the same rows; the features are the logistic data's.
          double[] y = new SyntheticData(rows, features, c, MULTINOMIAL_SEED).dataset().y();
          data = Dataset.ofClasses(logistic.source(), logistic.featureNames(), "y",
              logistic.x(), y, io.descent.data.ClassLabels.indices(c));
          columns = Columns.multinomial(c);
        }
        double[] w = new double[(features + 1) * c];
        SplittableRandom rnd = new SplittableRandom(7 + c);
        for (int j = 0; j < w.length; j++) {
          w[j] = rnd.nextGaussian() / Math.sqrt(features);
        }
        parameters.add(w);
        backends.add(OpenClBackend.open(data, standardization, columns, exact, tuning));
        links.add(linkProbe(device, columns.loss(), backends.get(backends.size() - 1), c,
            tuning));
      }
      for (int r = 0; r < warmup; r++) {
        for (int m = 0; m < classes.length; m++) {
          backends.get(m).evaluateColumns(parameters.get(m), all);
        }
      }
      double[][] eval = new double[classes.length][repeats];
      double[][] linkTimes = new double[classes.length][repeats];
      double[] readTimes = new double[repeats];
      double[] fmaTimes = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        readTimes[r] = read.run();
        fmaTimes[r] = fma.run() / fma.operations;
        for (int m = 0; m < classes.length; m++) {
          LinkProbe link = links.get(m);
          linkTimes[m][r] = link == null ? 0 : link.run() / link.values;
          long t0 = System.nanoTime();
          backends.get(m).evaluateColumns(parameters.get(m), all);
          eval[m][r] = (System.nanoTime() - t0) * 1e-9;
        }
      }
      List<ModelsTiming> out = new ArrayList<>();
      for (int m = 0; m < classes.length; m++) {
        // Margins and gradient: 2 n d C multiply-adds, as K independent columns; the softmax
        // of n rows of C classes.
        out.add(new ModelsTiming(device.name(), classes[m], backends.get(m).kernelName(),
            median(eval[m]), median(readTimes),
            median(fmaTimes) * 2.0 * rows * features * classes[m],
            median(linkTimes[m]) * rows * classes[m]));
      }
      return out;
    } finally {
      closeAll(backends, links);
    }
  }

  private static String layout(ClDevice device, OpenClOptions options) {
    return options.layout().equals("auto")
        ? (device.description().type() == DeviceDescription.Type.CPU ? "cpu" : "gpu")
        : options.layout();
  }

  /** Any values will do for a read; these are cheap to make. */
  private static float[] pattern(int rows, int features) {
    float[] x = new float[Math.multiplyExact(rows, features)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 1021) * 0.001f;
    }
    return x;
  }

  /** Gaussian features on mixed scales and labels drawn from a logistic model. */
  static Dataset logisticData(int rows, int features, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] w = new double[features];
    for (int j = 0; j < features; j++) {
      w[j] = rnd.nextGaussian() / Math.sqrt(features);
    }
    float[] x = new float[Math.multiplyExact(rows, features)];
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      double m = 0;
      for (int j = 0; j < features; j++) {
        double z = rnd.nextGaussian();
        x[i * features + j] = (float) (z * (1 + j % 5) + j % 3);
        m += w[j] * z;
      }
      y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
    }
    List<String> names = new ArrayList<>();
    for (int j = 0; j < features; j++) {
      names.add("x" + j);
    }
    return new Dataset("synthetic", names, "y", x, y, null);
  }

  private static double median(double[] t) {
    double[] s = t.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  /**
   * The probes' work-groups on a CPU device: one work-item each, as the cpu kernels run. PoCL runs
   * a work-group on one thread, and given no local size it put all of a probe's work-items into
   * one group: until 2026-12-04 the FMA and link probes measured one core of the two on the
   * project's 2-core machines, so the arithmetic bound was twice too slow (on an AVX-512 EPYC
   * 12 chains of 16-wide FMAs ran at 109 billion a second in one group, 215 in groups of one).
   */
  static final long[] CPU_PROBE_GROUP = {1};

  /** The FMA kernel, on its own context, sized to run about 2e9 multiply-adds per launch. */
  static final class FmaProbe implements AutoCloseable {
    /** Multiply-adds per run. */
    final double operations;
    /** The launch's local size: {@link #CPU_PROBE_GROUP} on a CPU, else the driver's choice. */
    final long[] local;
    private final ClContext cl;
    private final cl_kernel kernel;
    private final int slots;
    private final float[] partialHost;
    private final cl_mem partial;

    FmaProbe(ClDevice device, Tuning tuning) {
      int cu = Math.max(1, device.description().computeUnits());
      boolean cpu = device.description().type() == DeviceDescription.Type.CPU;
      int vw = CpuShape.lanes(device, false);
      int chains = 12;
      slots = cpu ? tuning.itemsPerComputeUnit() * cu : cu * 1024;
      local = cpu ? CPU_PROBE_GROUP : null;
      int iterations = (int) Math.max(1, 2e9 / ((double) slots * chains * vw));
      operations = (double) slots * iterations * chains * vw;
      ClContext context = new ClContext(device);
      this.cl = context;
      try {
        kernel = context.kernel(context.program("fma_peak.cl", "-DVW=" + vw + " -DCHAINS="
            + chains), "fma_peak");
        partialHost = new float[slots];
        partial = context.buffer(CL.CL_MEM_WRITE_ONLY, 4L * slots, "partial sums");
        CL.clSetKernelArg(kernel, 0, Sizeof.cl_int, Pointer.to(new int[] {iterations}));
        CL.clSetKernelArg(kernel, 1, Sizeof.cl_float, Pointer.to(new float[] {0.5f}));
        CL.clSetKernelArg(kernel, 2, Sizeof.cl_mem, Pointer.to(partial));
      } catch (RuntimeException e) {
        context.close();
        throw e;
      }
    }

    /** One timed run: launch, then read the partial sums back. */
    double run() {
      long t0 = System.nanoTime();
      cl.launch(kernel, new long[] {slots}, local);
      cl.read(partial, 4L * slots, Pointer.to(partialHost));
      return (System.nanoTime() - t0) * 1e-9;
    }

    @Override
    public void close() {
      cl.close();
    }
  }

  /**
   * The loss's link (each margin to its residual and loss: {@code link_peak} in
   * {@code kernels/gradient_cpu_columns.cl}), built with the batched cpu kernel's own options
   * for the same columns, on its own context, sized to run about {@link #LINK_VALUES} margin
   * values per launch with as many work-items as the read kernel. Its rate is what the device
   * reaches on the arithmetic between the two multiply-add phases that every evaluation must
   * do once per (row, column): for the logistic loss an exp, a reciprocal and a log1p series;
   * for the softmax, per (row, class) an exp and per row a reciprocal and a log1p.
   */
  static final class LinkProbe implements AutoCloseable {
    /** Margin values ((row, column) pairs) per run. */
    final double values;
    /** The step the margins move by each iteration. */
    static final float STEP = 1e-6f;
    private final int iterations;
    private final ClContext cl;
    private final cl_kernel kernel;
    private final int slots;
    private final float[] partialHost;
    private final cl_mem partial;

    /**
     * @param columns the columns of one evaluation (a multinomial model's classes)
     * @param features the features of its rows (which choose the kernel's phases)
     */
    LinkProbe(ClDevice device, Loss loss, int columns, int features, Tuning tuning) {
      this(device, loss, columns, features, tuning, LINK_VALUES);
    }

    /** As the other constructor, with about {@code target} values per run. */
    LinkProbe(ClDevice device, Loss loss, int columns, int features, Tuning tuning,
        double target) {
      int cu = Math.max(1, device.description().computeUnits());
      int vw = CpuShape.lanes(device, false);
      int classes = classes(loss, columns);
      int groups = groups(loss, columns);
      slots = tuning.itemsPerComputeUnit() * cu;
      double perIteration = (double) groups * classes * vw;
      iterations = (int) Math.max(1, target / (slots * perIteration));
      values = slots * (double) iterations * perIteration;
      String options = options(loss, vw, columns, features, tuning);
      ClContext context = new ClContext(device);
      this.cl = context;
      try {
        kernel = context.kernel(context.program(OpenClBackend.CPU_COLUMNS_FILE, options),
            "link_peak");
        partialHost = new float[slots];
        partial = context.buffer(CL.CL_MEM_WRITE_ONLY, 4L * slots, "partial sums");
        CL.clSetKernelArg(kernel, 0, Sizeof.cl_int, Pointer.to(new int[] {iterations}));
        CL.clSetKernelArg(kernel, 1, Sizeof.cl_float, Pointer.to(new float[] {STEP}));
        CL.clSetKernelArg(kernel, 2, Sizeof.cl_int, Pointer.to(new int[] {classes}));
        CL.clSetKernelArg(kernel, 3, Sizeof.cl_mem, Pointer.to(partial));
      } catch (RuntimeException e) {
        context.close();
        throw e;
      }
    }

    /** The classes of one softmax group: {@code columns} for a coupled loss, else 1. */
    static int classes(Loss loss, int columns) {
      return loss.coupled() ? columns : 1;
    }

    /**
     * Independent groups per iteration: about {@link #LINK_CHAINS} vectors, so that the core
     * overlaps their chains.
     */
    static int groups(Loss loss, int columns) {
      return Math.max(1, LINK_CHAINS / classes(loss, columns));
    }

    /**
     * The probe's build options: the batched cpu kernel's for these columns of rows of {@code
     * features} features on a register of {@code lanes} floats, and LINK_PEAK.
     */
    static String options(Loss loss, int lanes, int columns, int features, Tuning tuning) {
      return "-DPRECISION=32 -DLOSS=" + OpenClBackend.lossDefine(loss) + " -DCENTER=0 "
          + OpenClBackend.columnsDefines(lanes, columns, features)
          + (loss.coupled() ? " -DCLASSES=" + classes(loss, columns) : "")
          + (tuning.extraDefines().isEmpty() ? "" : " " + tuning.extraDefines())
          + " -DLINK_PEAK=1 -DLINK_GROUPS=" + groups(loss, columns);
    }

    /** Iterations per work-item of one run. */
    int iterations() {
      return iterations;
    }

    /** The work-items' partial sums of the last run. */
    float[] partials() {
      return partialHost.clone();
    }

    /** One timed run: launch, then read the partial sums back. */
    double run() {
      long t0 = System.nanoTime();
      cl.launch(kernel, new long[] {slots}, CPU_PROBE_GROUP);
      cl.read(partial, 4L * slots, Pointer.to(partialHost));
      return (System.nanoTime() - t0) * 1e-9;
    }

    @Override
    public void close() {
      cl.close();
    }
  }

  /** The read kernel with its buffers, on its own context. */
  static final class ReadProbe implements AutoCloseable {
    final String layout;
    private final ClContext cl;
    private final cl_kernel kernel;
    private final int slots;
    private final long global;
    private final long local;
    private final float[] partialHost;
    private final cl_mem partial;

    ReadProbe(ClDevice device, String layout, float[] x, Tuning tuning) {
      this.layout = layout;
      long bytes = 4L * x.length;
      if (bytes > device.description().maxAllocationBytes()) {
        throw new IllegalArgumentException("the read buffer (" + ByteSizes.of(bytes)
            + ") exceeds the largest buffer on " + device.name());
      }
      int cu = Math.max(1, device.description().computeUnits());
      ClContext context = new ClContext(device);
      this.cl = context;
      try {
        cl_mem data = context.buffer(CL.CL_MEM_READ_ONLY, bytes, "the read buffer");
        context.write(data, 0, bytes, Pointer.to(x));
        String vw = "-DVW=" + (tuning.vectorWidth() != 0 ? tuning.vectorWidth()
            : CpuShape.fromDevice(device, false).vectorWidth());
        String extra = tuning.extraDefines().isEmpty() ? "" : " " + tuning.extraDefines();
        boolean cpu = layout.equals("cpu");
        int wgs = 1;
        if (cpu) {
          kernel = context.kernel(context.program("read_bandwidth.cl", vw + extra), "read_cpu");
        } else {
          WorkGroupFit.Fitted fitted = WorkGroupFit.fit(context, "read_bandwidth.cl", tuning,
              size -> new WorkGroupFit.Plan(size, vw + " -DWGS=" + size + extra, "read_gpu",
                  4L * size, "read_gpu"));
          kernel = fitted.kernel();
          wgs = fitted.plan().size();
        }
        if (cpu) {
          slots = tuning.itemsPerComputeUnit() * cu;
          local = 1;
          global = slots;
        } else {
          slots = (int) Math.max(1, Math.min(cu * 64L, x.length / ((long) wgs * 16)));
          local = wgs;
          global = (long) slots * wgs;
        }
        partialHost = new float[slots];
        partial = context.buffer(CL.CL_MEM_WRITE_ONLY, 4L * slots, "partial sums");
        CL.clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(data));
        CL.clSetKernelArg(kernel, 1, Sizeof.cl_int, Pointer.to(new int[] {x.length}));
        CL.clSetKernelArg(kernel, 2, Sizeof.cl_mem, Pointer.to(partial));
        if (!cpu) {
          CL.clSetKernelArg(kernel, 3, 4L * wgs, null);
        }
      } catch (RuntimeException e) {
        context.close();
        throw e;
      }
    }

    /** The work-group size of a launch (1 in the cpu layout). */
    int workGroupSize() {
      return (int) local;
    }

    /** One timed run: launch, then read the partial sums back. */
    double run() {
      long t0 = System.nanoTime();
      cl.launch(kernel, new long[] {global}, new long[] {local});
      cl.read(partial, 4L * slots, Pointer.to(partialHost));
      return (System.nanoTime() - t0) * 1e-9;
    }

    @Override
    public void close() {
      cl.close();
    }
  }
}
