package io.descent.gradient.opencl;

import io.descent.data.ByteSizes;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.DeviceDescription;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.NoSuchDeviceException;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.Shapes;
import io.descent.loss.Loss;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * Loss and gradient computed by OpenCL kernels on any OpenCL device: a GPU, or a CPU through a
 * driver such as PoCL.
 *
 * <p><b>Data.</b> The dataset is uploaded once, when the backend opens, and stays on the device:
 * each {@link #evaluate} sends only theta up and brings only the per-work-group partial sums
 * down. In double precision the raw float32 data is uploaded and the kernel subtracts the means
 * in float64, with {@code 1/scale} folded into theta and into the finished gradient on the host:
 * that path reproduces the float64 {@link io.descent.gradient.ReferenceBackend} to about 1e-15,
 * where rounding {@code z = (x - mean) / scale} to float32 would have capped it near 1e-8. In
 * float precision, for one unweighted column, the same raw rows are uploaded and the kernel
 * subtracts the means rounded to float32; the host folds {@code 1/scale} in as in float64 and
 * takes the means' rounding back out of the intercept and the gradient (a difference of two
 * float32 values near each other is exact, so a column whose mean is large against its spread
 * keeps its digits). Then a float64 backend can read the same copy ({@link
 * #float64OnTheSameRows}). Otherwise (batched columns, weights, the identity standardization,
 * means or inverse scales beyond {@link #FLOAT32_CENTERED_LIMIT}) the host uploads z, computed
 * in float64 and rounded to float32 once, slab by slab (so host memory is not doubled). For
 * squared error in float precision the targets are uploaded minus their mean, and the same
 * shift is taken off the intercept at each evaluation:
 * {@code m - y} is unchanged, but float32 then rounds {@code y - mean} and the shifted margin
 * relative to the targets' spread rather than their size (a target of 100000 +- 10 would
 * otherwise lose the residual's last four digits). Data larger than the device's largest buffer
 * ({@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}) is split into chunks of rows, one buffer each; data
 * larger than its global memory is refused with both sizes in the message.
 *
 * <p><b>Kernels.</b> One fused pass over the rows per evaluation (margin, residual, loss and
 * gradient together), in one of two layouts: {@code cpu} (each work-item streams one contiguous
 * block of rows with vector loads, {@code kernels/gradient_cpu.cl}) or {@code gpu} (coalesced
 * rows and a local-memory tree, {@code kernels/gradient_gpu.cl}); {@code auto} picks {@code cpu}
 * for CPU devices and {@code gpu} otherwise. Each kernel file's banner explains its algorithm.
 * The gpu kernels are compiled for one work-group size, which {@link WorkGroupFit} chooses so that
 * the built kernel and the device's local memory accept it.
 * Partial sums are finished on the host in float64 in a fixed order, with no atomics, so the same
 * input on the same device gives bit-identical results.
 *
 * <p><b>Many columns.</b> Any {@link Columns} other than one unweighted column (K models,
 * multinomial classes, positive classes, folds, class-weight tables, row weights) runs on the
 * batched kernels ({@code kernels/gradient_cpu_columns.cl},
 * {@code kernels/gradient_gpu_columns.cl}): one pass over the rows for all K columns, the
 * weights uploaded transposed ({@code (d + 1) x K}), row weights and folds in device buffers
 * next to each chunk's rows, each column's class weight of every label with its other
 * per-column values, the partial rows finished on the host in float64 in a fixed order as
 * above, and each group's weight in the batch summed on the host. One unweighted column keeps
 * the single-column kernels.
 *
 * <p><b>Mini-batches.</b> A contiguous batch needs nothing extra. A shuffled batch
 * ({@link Batch#order()} non-null) uses a device-side index buffer, uploaded once per new order
 * array (recognized by identity), so the data is never re-uploaded.
 *
 * <p>Not thread-safe. Close it (try-with-resources) to release the device memory; evaluating
 * after {@link #close()} throws {@link IllegalStateException}.
 */
public final class OpenClBackend implements GradientBackend, io.descent.gradient.MomentSource {
  /** Float32 relative error bound against the reference (see {@link #tolerance()}). */
  static final double FLOAT_TOLERANCE = 1e-6;
  /** Float64 relative error bound against the reference. */
  static final double DOUBLE_TOLERANCE = 1e-12;

  static final String CPU_FILE = "gradient_cpu.cl";
  private static final String GPU_FILE = "gradient_gpu.cl";
  /** The batched kernels: any {@link Columns} other than one unweighted column. */
  static final String CPU_COLUMNS_FILE = "gradient_cpu_columns.cl";
  static final String GPU_COLUMNS_FILE = "gradient_gpu_columns.cl";
  /** Batched cpu layout: rows of one phase-1 register tile (RB in gradient_cpu_columns.cl). */
  static final int COLUMNS_TILE_ROWS = 8;
  /** Batched cpu layout: rows per superblock (SB), a multiple of the tile rows. */
  static final int COLUMNS_SUPERBLOCK_ROWS = 64;
  /** Batched cpu layout: features of one phase-3 register tile (JT). */
  static final int COLUMNS_TILE_FEATURES = 8;
  /**
   * Batched cpu layout: the most columns that take the row-vectorized phases (NK in
   * gradient_cpu_columns.cl, with theta column-major), where broadcasting each value into
   * column vectors would cost more than the multiply-adds; twice as many on devices whose
   * registers hold {@link #WIDE_LANES} values ({@link #narrowColumns}).
   */
  static final int NARROW_COLUMNS = 4;
  /** Register lanes from which the batched cpu layout's row-vectorized phases take 8 columns. */
  static final int WIDE_LANES = 16;
  /**
   * Batched cpu layout on 8 lanes: the most columns that take phase 3 over feature vectors and
   * phase 1 over pairs of features (NG and NG_PAIRS8 in gradient_cpu_columns.cl), up to 3 groups
   * of 4 columns; more fill the tiles' column vectors.
   */
  static final int EIGHT_LANE_GROUPED_COLUMNS = 12;
  /** Batched gpu layout: rows per tile (RT in gradient_gpu_columns.cl). */
  static final int COLUMNS_GPU_TILE_ROWS = 8;
  /** Flags of the batched kernels (FLAG_* in their sources). */
  private static final int FLAG_WEIGHTED = 1;
  private static final int FLAG_FOLDS = 2;
  private static final int FLAG_POSITIVES = 4;
  private static final int FLAG_CLASS_WEIGHTS = 8;
  /**
   * Where the cpu layouts' programs are kept as driver binaries between opens (the user's
   * cache, {@link ProgramBinaries}): an open makes its program from the stored binary when there
   * is one. Measured with PoCL 3.1 on the 2-core EPYC (250,000 x 64, logistic): the build took
   * 33 to 37 ms from the binary against 108 to 148 ms from source in float precision, 5 ms
   * against 38 to 56 ms in double, the evaluations as fast. It matters where many backends
   * open, as one per partition of a Spark fit does, in float32 and again for the float64 finish.
   */
  static final ProgramBinaries BINARIES = ProgramBinaries.user();
  /** Floats mapped at a time when the host standardizes into a buffer (1 GiB). */
  private static final int MAP_FLOATS = 1 << 28;
  /** Rows per task when the host standardizes into a mapped buffer. */
  private static final int STANDARDIZE_ROWS = 1 << 13;
  /** Floats per upload slab when the host standardizes while uploading (16 MiB). */
  private static final int SLAB_FLOATS = 1 << 22;

  /** The three kernels and how their partial rows look. */
  private enum Kind {
    CPU("gradient_cpu", true),
    /** The CPU kernel over a shuffled batch's rows (a separate kernel: see gradient_cpu.cl). */
    CPU_GATHER("gradient_cpu_gather", true),
    GPU_NARROW("gradient_gpu_narrow", false),
    GPU_WIDE("gradient_gpu_wide", true),
    /** The batched kernels (any Columns), cpu layout, contiguous and shuffled, and gpu layout. */
    CPU_COLUMNS("gradient_cpu_columns", true),
    CPU_COLUMNS_GATHER("gradient_cpu_columns_gather", true),
    GPU_COLUMNS("gradient_gpu_columns", true);

    final String kernelName;
    /** Whether a partial row holds sums and Kahan compensations (2p values) or just sums (p). */
    final boolean compensated;

    Kind(String kernelName, boolean compensated) {
      this.kernelName = kernelName;
      this.compensated = compensated;
    }
  }

  /**
   * Rows firstRow .. firstRow + rows of the data, in their own device buffers; the batched
   * kernels' row weights and folds (REAL) too where the data has them, else null.
   */
  private record Chunk(int firstRow, int rows, cl_mem x, cl_mem y, cl_mem weight, cl_mem fold) {}

  /** One chunk's part of a shuffled order: local row numbers, and their positions in the order
   * (null when there is one chunk: positions are then 0, 1, 2, ...). */
  private record OrderPart(cl_mem index, int[] positions) {}

  private final ClContext cl;
  /**
   * The backend whose context and rows this one uses ({@link #float64OnTheSameRows}), or null
   * when it owns its own.
   */
  private final OpenClBackend rowsFrom;
  /** The buffers this backend made, released by {@link #close} when it does not own the context. */
  private final List<cl_mem> ownBuffers = new ArrayList<>();
  private final Standardization standardization;
  private final OpenClOptions options;
  private final String layout;
  private final ClDevice device;
  /** The dataset, not copied: its raw rows for {@link #moments}. */
  private final Dataset data;
  /** The standardization's means: the moments' shift. */
  private final double[] mean;
  private final BackendInfo info;
  private final Tuning tuning;
  /**
   * Rows per superblock of the batched cpu kernel (SB): {@link #COLUMNS_SUPERBLOCK_ROWS}, or the
   * tuning's own -DSB, which then sizes the scratch rows and the partial rows here as well.
   */
  private final int superblockRows;
  private final Kind kind;
  private final cl_kernel kernel;
  /**
   * The cpu layouts' program, made through {@link #BINARIES} ({@link ClContext#cachedProgram}),
   * whose binary is stored after the first evaluation; null in the gpu layouts.
   */
  private final org.jocl.cl_program cpuProgram;
  /** Whether {@link #cpuProgram}'s binary was offered to {@link #BINARIES} already. */
  private boolean binaryStored;
  /** The CPU layout's kernel for shuffled batches, created on first use; else null. */
  private cl_kernel gatherKernel;
  /** The CPU layout's vector width and rows per block; null in the GPU layout. */
  private final CpuShape cpuShape;
  private final boolean doublePrecision;
  private final int realBytes;
  private final int rows;
  private final int features;
  private final int chunkRows;
  private final List<Chunk> chunks = new ArrayList<>();
  private final Columns columns;
  private final cl_mem theta;
  private final cl_mem center;
  private final cl_mem partial;
  private final cl_mem noIndex;
  private final ByteBuffer thetaHost;
  private final ByteBuffer partialHost;
  /**
   * Whether the rows on the device are the raw float32 values, centred by the kernel (CENTER):
   * always in float64, and in float32 for one unweighted column whose scales float32 holds
   * ({@link #centersInFloat32}); otherwise the host uploads standardized values.
   */
  private final boolean centered;
  /** Centred: 1/scale per feature, folded into theta and the gradient; else null. */
  private final double[] invScale;
  /**
   * Centred: per feature, the mean less the centre the kernel subtracts (in float32 the mean
   * rounded to float32; 0 in float64), which the host corrects the intercept and the gradient
   * for; else null.
   */
  private final double[] centerError;
  /**
   * Whether this backend's row buffers are the dataset's own features off the heap, used in
   * place ({@code CL_MEM_USE_HOST_PTR}) rather than copied.
   */
  private boolean rowsInPlace;
  /** Subtracted from every target on upload and from the intercept per evaluation (LINEAR). */
  private final double targetShift;
  private final int localSize;
  private final long localBytes;
  /** Seconds spent building the program and creating the kernel while opening. */
  private final double buildSeconds;
  private final String buildOptions;

  /** Whether the batched kernels run (any Columns but one unweighted column). */
  private final boolean batched;
  /** Batched: K rounded up to the cpu kernel's column vector (K in the gpu layout). */
  private final int paddedColumns;
  /**
   * The cpu layout's register lanes ({@link CpuShape#lanes}) for this precision, or the
   * tuning's vector width where one is set (tuning runs, and tests of the 16-wide paths on any
   * CPU).
   */
  private final int lanes;
  /** Batched: FLAG_* bits of the data and columns. */
  private final int flags;
  /**
   * Batched: the per-column valid, held-out fold, positive class and class weight of each label
   * ((3 + labels) kp REAL, {@link #columnInfo(int)}); else null.
   */
  private final cl_mem columnInfo;
  /** Batched cpu layout: the work-items' scratch rows; else null. */
  private final cl_mem scratch;
  /** The row weights (null when unweighted), for each group's weight in a batch. */
  private final double[] rowWeights;
  /** The rows' labels (y, not copied) for the class weights in each group's weight; or null. */
  private final double[] labels;
  /** The last batch whose group weights were summed, and those weights. */
  private Batch weightBatch;
  private double[] batchWeights;

  private int[] order;
  private OrderPart[] orderParts;
  private boolean closed;

  /**
   * Opens the backend on a device chosen by {@code options}, uploads the data and builds the
   * kernel.
   *
   * @param data the dataset; its rows are uploaded now and not read again
   * @param standardization applied to every feature (the identity to train on raw values)
   * @param loss the per-row loss
   * @param options device, layout and precision
   * @return the open backend, its data on the device
   * @throws BackendUnavailableException with a one-line reason when it cannot run here: no
   *     OpenCL runtime or platform, float64 asked on a device without
   *     {@code cl_khr_fp64}, data larger than the device's memory, or a kernel that does not
   *     build ({@link KernelBuildException}, with the build log)
   * @throws NoSuchDeviceException when {@code options} name a device this machine does not have
   */
  public static OpenClBackend open(Dataset data, Standardization standardization, Loss loss,
      OpenClOptions options) {
    return open(data, standardization, loss, options, Tuning.defaults());
  }

  /** As {@link #open(Dataset, Standardization, Loss, OpenClOptions)}, with explicit tuning. */
  static OpenClBackend open(Dataset data, Standardization standardization, Loss loss,
      OpenClOptions options, Tuning tuning) {
    return open(data, standardization, Columns.single(Objects.requireNonNull(loss, "loss")),
        options, tuning);
  }

  /**
   * Opens the backend evaluating {@code columns} over the data and its row weights: one
   * unweighted column runs the single-column kernels, anything else the batched ones
   * ({@code kernels/gradient_cpu_columns.cl}, {@code kernels/gradient_gpu_columns.cl}).
   *
   * @throws IllegalArgumentException when the columns do not fit the data
   * @see #open(Dataset, Standardization, Loss, OpenClOptions)
   */
  public static OpenClBackend open(Dataset data, Standardization standardization,
      Columns columns, OpenClOptions options) {
    return open(data, standardization, columns, options, Tuning.defaults());
  }

  /** As {@link #open(Dataset, Standardization, Columns, OpenClOptions)}, with explicit tuning. */
  static OpenClBackend open(Dataset data, Standardization standardization, Columns columns,
      OpenClOptions options, Tuning tuning) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(standardization, "standardization");
    Objects.requireNonNull(columns, "columns");
    Objects.requireNonNull(options, "options");
    columns.check(data);
    if (standardization.features() != data.features()) {
      throw new IllegalArgumentException("standardization has " + standardization.features()
          + " features, data has " + data.features());
    }
    ClDevice device = select(Cl.devices(), options.device());
    boolean fp64 = options.precision().equals("double");
    requirePrecision(device.description(), fp64);
    String layout = options.layout().equals("auto")
        ? (device.description().type() == DeviceDescription.Type.CPU ? "cpu" : "gpu")
        : options.layout();
    CpuShape shape = layout.equals("cpu") ? cpuShape(device, fp64, tuning, options.tuning())
        : null;
    return new OpenClBackend(data, standardization, columns, device, layout, fp64, tuning,
        shape, options, null);
  }

  /**
   * Whether {@link #float64OnTheSameRows()} can open: a float32 backend whose device holds the
   * raw rows (one unweighted column, centred on the device) and computes in float64.
   */
  public boolean sharesRowsWithFloat64() {
    return !closed && centered && !doublePrecision && device.description().fp64();
  }

  /**
   * A float64 backend over this one's copy of the rows, on its context: no second copy to make
   * (the float64 finish of a float32 fit). It must be closed before this one, which owns the
   * rows and the context; closing it releases only its own buffers.
   *
   * @throws IllegalStateException when {@link #sharesRowsWithFloat64()} is false
   * @throws BackendUnavailableException when the device cannot hold its buffers
   */
  public OpenClBackend float64OnTheSameRows() {
    if (!sharesRowsWithFloat64()) {
      throw new IllegalStateException("this backend's rows are not the raw float32 rows, or "
          + device.name() + " has no float64");
    }
    CpuShape shape = layout.equals("cpu")
        ? cpuShape(device, true, tuning, options.tuning()) : null;
    return new OpenClBackend(data, standardization, columns, device, layout, true, tuning,
        shape, options, this);
  }

  /**
   * A read-only buffer over host memory that the device uses in place ({@code
   * CL_MEM_USE_HOST_PTR}), recorded as this backend's own.
   */
  private cl_mem ownHostBuffer(ClContext context, long bytes, Pointer host, String what) {
    cl_mem m = context.hostBuffer(bytes, host, what);
    ownBuffers.add(m);
    return m;
  }

  /** Whether the rows on the device are the dataset's off-heap features, used in place. */
  boolean rowsInPlace() {
    return rowsInPlace;
  }

  /** A buffer made through {@code context}, recorded as this backend's own. */
  private cl_mem ownBuffer(ClContext context, long flags, long bytes, String what) {
    cl_mem m = context.buffer(flags, bytes, what);
    ownBuffers.add(m);
    return m;
  }

  /** The build options every kernel starts with: precision, loss, centering on the device. */
  private static String commonOptions(Loss loss, boolean doublePrecision, boolean centered) {
    return "-DPRECISION=" + (doublePrecision ? 64 : 32)
        + " -DLOSS=" + (loss == Loss.MULTINOMIAL ? 2 : loss == Loss.LOGISTIC ? 1 : 0)
        + " -DCENTER=" + (centered ? 1 : 0);
  }

  /**
   * The largest inverse scale, and the largest mean, the float32 kernels centre for: {@value}.
   * Past it the folded weights {@code theta_j / scale_j} could leave float32's range, and the
   * host uploads standardized values instead.
   */
  static final double FLOAT32_CENTERED_LIMIT = 0x1p60;

  /**
   * Whether the float32 kernels can centre the raw rows for this standardization: not the
   * identity (whose raw rows are the standardized ones already), and every inverse scale in
   * [2^-60, 2^60] and every mean within 2^60. Then the device holds the same copy of the rows
   * as in float64, and the host folds 1/scale into theta and the gradient as there.
   */
  static boolean centersInFloat32(Standardization standardization) {
    if (standardization.isIdentity()) {
      return false;
    }
    double[] inverse = standardization.inverseScales();
    for (int j = 0; j < inverse.length; j++) {
      if (!(inverse[j] <= FLOAT32_CENTERED_LIMIT && inverse[j] >= 1 / FLOAT32_CENTERED_LIMIT)
          || !(Math.abs(standardization.mean(j)) <= FLOAT32_CENTERED_LIMIT)) {
        return false;
      }
    }
    return true;
  }

  /** The build options of the single-column cpu kernel ({@code gradient_cpu.cl}). */
  private static String singleCpuOptions(String common, CpuShape cpuShape, Tuning tuning) {
    String rest = tuning.extraDefinesWithout(java.util.Set.of("PFD", "COLUMNS", "LANES"));
    return common + " " + cpuShape.defines() + (rest.isEmpty() ? "" : " " + rest);
  }

  /**
   * The moments of each fold's rows about the standardization's means and the weighted mean
   * target, in float64, on the device {@code options} choose, opening only what computes them:
   * a context, the moments kernel ({@code kernels/moments.cl}, see {@link OpenClMoments}) and
   * one slab's buffers; the rows go up slab by slab straight from the dataset, and everything is
   * released before this returns. No gradient kernel is built and no standardized copy of the
   * rows is made (a normal-equations fit never reads them). The layout is the options' ({@code
   * auto}: cpu on a CPU device, else gpu); their precision is not used (the moments are float64
   * on every device that has {@code cl_khr_fp64}).
   *
   * @param rowFold every row's fold, or null for one set of every row
   * @param folds the number of folds (1 without)
   * @throws BackendUnavailableException when there is no OpenCL runtime, platform or context
   * @throws NoSuchDeviceException when {@code options} name a device this machine does not have
   * @throws UnsupportedOperationException when the device has no {@code cl_khr_fp64}
   * @throws OpenClException when the device fails while computing them
   */
  public static io.descent.gradient.DeviceMoments moments(Dataset data,
      Standardization standardization, int[] rowFold, int folds, OpenClOptions options) {
    Objects.requireNonNull(data, "data");
    if (standardization.features() != data.features()) {
      throw new IllegalArgumentException("standardization has " + standardization.features()
          + " features, data has " + data.features());
    }
    return moments(data, standardization.mean(), rowFold, folds, options);
  }

  /**
   * As {@link #moments(Dataset, Standardization, int[], int, OpenClOptions)}, about any shift of
   * the features (for example {@link io.descent.gradient.Moments#shiftOf}, known before any
   * pass, the standardization then following from the moments).
   *
   * @param shift one value per feature
   */
  public static io.descent.gradient.DeviceMoments moments(Dataset data, double[] shift,
      int[] rowFold, int folds, OpenClOptions options) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    if (shift.length != data.features()) {
      throw new IllegalArgumentException("a shift of " + shift.length + " values, data has "
          + data.features() + " features");
    }
    if (rowFold != null && rowFold.length != data.rows()) {
      throw new IllegalArgumentException(data.rows() + " rows but " + rowFold.length
          + " row folds");
    }
    ClDevice device = select(Cl.devices(), options.device());
    if (!device.description().fp64()) {
      throw new UnsupportedOperationException("device " + device.name()
          + " has no cl_khr_fp64 for float64 moments");
    }
    String layout = options.layout().equals("auto")
        ? (device.description().type() == DeviceDescription.Type.CPU ? "cpu" : "gpu")
        : options.layout();
    boolean cpu = layout.equals("cpu");
    long slab = Math.min(cpu ? OpenClMoments.CPU_SLAB_BYTES : OpenClMoments.SLAB_BYTES,
        device.description().maxAllocationBytes());
    try (ClContext cl = new ClContext(device)) {
      io.descent.gradient.Moments[] m = OpenClMoments.compute(cl, data, shift, rowFold, folds,
          slab, cpu, device);
      return new io.descent.gradient.DeviceMoments(
          new BackendInfo(BackendKind.OPENCL, device.name(), "float64", layout), m);
    } catch (CLException e) {
      throw Cl.error("computing the moments", device.name(), e);
    }
  }

  /**
   * The CPU kernel's shape: what {@code tuning} sets explicitly (for tuning runs), else by
   * {@code mode} (see {@link OpenClOptions#tuning()}) a cached measurement, a new one, or the
   * device's register widths.
   */
  static CpuShape cpuShape(ClDevice device, boolean fp64, Tuning tuning, String mode) {
    CpuShape widths = CpuShape.fromDevice(device, fp64);
    Integer prefetch = tuning.define("PFD");
    Integer columns = tuning.define("COLUMNS");
    Integer lanes = tuning.define("LANES");
    if (tuning.vectorWidth() != 0 || tuning.rowsPerBlock() != 0 || prefetch != null
        || columns != null || lanes != null) {
      return new CpuShape(tuning.vectorWidth() != 0 ? tuning.vectorWidth()
          : widths.vectorWidth(), tuning.rowsPerBlock() != 0 ? tuning.rowsPerBlock()
          : widths.rowsPerBlock(), prefetch != null ? prefetch : widths.prefetchBlocks(),
          columns != null ? columns != 0 : widths.columnOrder(),
          lanes != null ? lanes : widths.lanes(), "set");
    }
    TuningCache cache = TuningCache.user();
    return switch (mode) {
      case "measure" -> CpuTuner.measureOnce(device, fp64, cache);
      case "device" -> widths;
      default -> cache.read(device, fp64).orElse(widths);
    };
  }

  /** Refuses float64 on a device without {@code cl_khr_fp64}. */
  static void requirePrecision(DeviceDescription device, boolean fp64) {
    if (fp64 && !device.fp64()) {
      throw new BackendUnavailableException("device " + device.name()
          + " has no cl_khr_fp64: use float precision");
    }
  }

  /**
   * OpenCL objects (queues, programs, kernels, buffers) this process has created and not yet
   * released; not each device's one context, which lives as long as the process. After every
   * backend is closed it is back where it started: tests use it to prove nothing leaks, on
   * success and on every failure path.
   */
  public static int liveObjects() {
    return ClContext.LIVE.get();
  }

  /**
   * What the OpenCL compiler said in this process's successful builds (warnings, notes), one
   * entry per build that said anything, oldest first. None of it is printed: PoCL's compiler
   * writes to the process's standard error, which each build redirects into its log.
   */
  public static List<String> compilerMessages() {
    return BuildLogs.all();
  }

  /**
   * The OpenCL devices of this machine, every platform's in order; a device's
   * {@link DeviceDescription#index()} is what {@code --device} accepts.
   *
   * @return the devices, empty when no OpenCL platform is installed
   * @throws BackendUnavailableException when the OpenCL runtime itself cannot be loaded
   */
  public static List<DeviceDescription> devices() {
    return Cl.devices().stream().map(ClDevice::description).toList();
  }

  /**
   * Starts loading the OpenCL platforms on a background thread, so that the first open finds
   * them loaded (0.11 to 0.12 s of a process's first open with PoCL); only where the JVM chains
   * signals (the JDK's {@code libjsig} preloaded), since PoCL's LLVM takes the fault signals
   * while it loads. A failure is left for the open to report. See {@link PlatformStart}.
   *
   * @return whether a start is under way (or done); false where the JVM does not chain signals
   */
  public static boolean startPlatforms() {
    return PlatformStart.begin();
  }

  /**
   * The platforms that failed to list their devices at the last {@link #devices()} (left out of
   * it), each as "NAME: STATUS when asked for its devices"; empty when none failed.
   */
  public static List<String> platformProblems() {
    return Cl.platformProblems();
  }

  /**
   * The device {@code choice} names: null or blank for the first GPU (else the first device); a
   * number that is a valid index for that device; otherwise (any other text, or a number that is
   * no index, such as "4090" for an "RTX 4090") the first device whose name contains it, ignoring
   * case.
   *
   * @throws BackendUnavailableException when there is no OpenCL device at all and none was
   *     asked for
   * @throws NoSuchDeviceException when a device was asked for ({@code choice}) and none is
   *     that one, or there is none at all
   */
  static ClDevice select(List<ClDevice> all, String choice) {
    if (all.isEmpty()) {
      List<String> problems = Cl.platformProblems();
      String none = problems.isEmpty() ? "no OpenCL platform found"
          : "no OpenCL device found (" + String.join("; ", problems) + ")";
      if (choice != null && !choice.isBlank()) {
        // A device asked for by name or index is never quietly replaced by another backend.
        throw new NoSuchDeviceException("no OpenCL device matches \"" + choice.trim() + "\": "
            + none);
      }
      throw new BackendUnavailableException(none);
    }
    if (choice == null || choice.isBlank()) {
      return all.stream()
          .filter(d -> d.description().type() == DeviceDescription.Type.GPU)
          .findFirst().orElse(all.get(0));
    }
    String c = choice.trim();
    // Up to 9 digits always fits an int; a longer number cannot be an index anyway.
    if (c.matches("\\d{1,9}")) {
      int index = Integer.parseInt(c);
      if (index < all.size()) {
        return all.get(index);
      }
    }
    String needle = c.toLowerCase(Locale.ROOT);
    return all.stream()
        .filter(d -> d.name().toLowerCase(Locale.ROOT).contains(needle))
        .findFirst()
        .orElseThrow(() -> new NoSuchDeviceException("no OpenCL device matches \"" + c + "\""
            + (c.matches("\\d+") ? " (not an index, nor part of a name)" : "")
            + "; available: " + available(all)));
  }

  /** The kernels form the logistic residual for targets 0 and 1 only (see common.cl). */
  private static void requireBinary(Dataset data) {
    double[] y = data.y();
    for (int i = 0; i < y.length; i++) {
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException("logistic targets must be 0 or 1, row " + i + " has "
            + y[i]);
      }
    }
  }

  private static String available(List<ClDevice> all) {
    return all.stream()
        .map(d -> d.description().index() + ": " + d.name() + " ("
            + d.description().type().label() + ")")
        .collect(Collectors.joining(", "));
  }

  private OpenClBackend(Dataset data, Standardization standardization, Columns columns,
      ClDevice device, String layout, boolean doublePrecision, Tuning tuning, CpuShape cpuShape,
      OpenClOptions options, OpenClBackend rowsFrom) {
    this.device = device;
    this.standardization = standardization;
    this.options = options;
    this.layout = layout;
    this.rowsFrom = rowsFrom;
    this.data = data;
    this.mean = standardization.mean();
    this.columns = columns;
    Loss loss = columns.loss();
    this.batched = !columns.isSingle() || data.weights() != null;
    this.rowWeights = data.weights();
    this.labels = columns.hasClassWeights() ? data.y() : null;
    this.flags = (data.weights() != null ? FLAG_WEIGHTED : 0)
        | (columns.hasFolds() ? FLAG_FOLDS : 0) | (columns.hasPositives() ? FLAG_POSITIVES : 0)
        | (columns.hasClassWeights() ? FLAG_CLASS_WEIGHTS : 0);
    this.lanes = tuning.vectorWidth() != 0 ? tuning.vectorWidth()
        : CpuShape.lanes(device, doublePrecision);
    int vector = cpuShape != null ? columnVector(lanes, columns.count()) : 1;
    this.paddedColumns = (columns.count() + vector - 1) / vector * vector;
    this.tuning = tuning;
    Integer sb = tuning.define("SB");
    this.superblockRows = sb != null ? sb : COLUMNS_SUPERBLOCK_ROWS;
    this.cpuShape = cpuShape;
    this.doublePrecision = doublePrecision;
    this.realBytes = doublePrecision ? Sizeof.cl_double : Sizeof.cl_float;
    this.rows = data.rows();
    this.features = data.features();
    this.info = new BackendInfo(BackendKind.OPENCL, device.name(),
        doublePrecision ? "float64" : "float32", layout);
    this.targetShift = loss == Loss.LINEAR && !doublePrecision ? mean(data.y()) : 0;
    if (loss == Loss.LOGISTIC && !columns.hasPositives()) {
      requireBinary(data);
    }
    DeviceDescription desc = device.description();
    int d = features;
    int kp = paddedColumns;
    int p = batched ? (d + 2) * kp : d + 2;

    this.centered = doublePrecision
        || !batched && centersInFloat32(standardization);
    String common = commonOptions(loss, doublePrecision, centered);
    String extra = tuning.extraDefines().isEmpty() ? "" : " " + tuning.extraDefines();
    ClContext context = rowsFrom != null ? rowsFrom.cl : new ClContext(device);
    this.cl = context;
    try {
      // Kernel and launch shape.
      long buildStart = System.nanoTime();
      if (batched && layout.equals("cpu")) {
        kind = Kind.CPU_COLUMNS;
        localSize = 1;
        localBytes = 0;
        buildOptions = common + " "
            + columnsDefines(lanes, columns.count(), features)
            + (loss == Loss.MULTINOMIAL ? " -DCLASSES=" + columns.classes() : "")
            + (tuning.extraDefines().isEmpty() ? "" : " " + tuning.extraDefines());
        this.cpuProgram = context.cachedProgram(CPU_COLUMNS_FILE, buildOptions, BINARIES);
        this.kernel = context.kernel(cpuProgram, kind.kernelName);
      } else if (batched) {
        WorkGroupFit.Fitted fitted = WorkGroupFit.fit(context, GPU_COLUMNS_FILE, tuning,
            wgs -> gpuColumnsPlan(wgs, common, extra));
        kind = Kind.GPU_COLUMNS;
        localSize = fitted.plan().size();
        localBytes = fitted.plan().localBytes();
        buildOptions = fitted.plan().options();
        this.kernel = fitted.kernel();
        this.cpuProgram = null;
      } else if (layout.equals("cpu")) {
        kind = Kind.CPU;
        localSize = 1;
        localBytes = 0;
        buildOptions = singleCpuOptions(common, cpuShape, tuning);
        this.cpuProgram = context.cachedProgram(CPU_FILE, buildOptions, BINARIES);
        this.kernel = context.kernel(cpuProgram, kind.kernelName);
      } else {
        WorkGroupFit.Fitted fitted = WorkGroupFit.fit(context, GPU_FILE, tuning,
            wgs -> gpuPlan(wgs, common, extra, localMemory(device, tuning)));
        kind = Kind.valueOf(fitted.plan().tag());
        localSize = fitted.plan().size();
        localBytes = fitted.plan().localBytes();
        buildOptions = fitted.plan().options();
        this.kernel = fitted.kernel();
        this.cpuProgram = null;
      }
      this.buildSeconds = (System.nanoTime() - buildStart) / 1e9;

      // Chunks: each x and y buffer within the device's (or the forced) largest allocation.
      long maxAlloc = tuning.maxChunkBytes() > 0
          ? Math.min(tuning.maxChunkBytes(), desc.maxAllocationBytes())
          : desc.maxAllocationBytes();
      long rowBytes = Math.max(4L * d, realBytes);
      if (rowBytes > maxAlloc) {
        throw new BackendUnavailableException("one row of " + d + " features needs "
            + ByteSizes.of(rowBytes) + " but the largest buffer on " + device.name() + " is "
            + ByteSizes.of(maxAlloc));
      }
      this.chunkRows = rowsFrom != null ? rowsFrom.chunkRows
          : (int) Math.max(1, Math.min(Math.max(rows, 1), maxAlloc / rowBytes));
      if ((long) chunkRows * rowBytes > maxAlloc) {
        throw new BackendUnavailableException("a chunk of " + chunkRows + " rows needs "
            + ByteSizes.of((long) chunkRows * rowBytes) + " but the largest buffer on "
            + device.name() + " is " + ByteSizes.of(maxAlloc));
      }
      int chunkCount = (rows + chunkRows - 1) / chunkRows;
      long slots = 0;
      for (int c = 0; c < chunkCount; c++) {
        slots += maxSlots(Math.min(chunkRows, rows - c * chunkRows), localSize);
      }
      int stride = partialStride(p);
      long partialBytes = Math.max(1, slots) * stride * realBytes;
      // Features, targets, room for a shuffled order's row index, partial sums, theta and means.
      long needed = 4L * rows * d + (long) realBytes * rows + 4L * rows + partialBytes
          + (long) realBytes * (2L * d + 1);
      long scratchBytes = kind == Kind.CPU_COLUMNS ? (long) Math.max(1, maxItems())
          * scratchStride(kp, columns.count(), d) * realBytes : 0;
      if (batched) {
        needed += (long) realBytes * ((d + 1L) * kp + infoRows() * kp) + scratchBytes
            + (rowWeights != null ? (long) realBytes * rows : 0)
            + (columns.hasFolds() ? (long) realBytes * rows : 0);
      }
      long global = tuning.globalMemoryBytes() > 0 ? tuning.globalMemoryBytes()
          : desc.globalMemoryBytes();
      if (needed > global) {
        throw new BackendUnavailableException("the data needs " + ByteSizes.of(needed)
            + " of device memory (" + rows + " rows x " + d + " features) but " + device.name()
            + " has " + ByteSizes.of(global));
      }
      if (partialBytes > Integer.MAX_VALUE) {
        throw new BackendUnavailableException("the partial sums would need "
            + ByteSizes.of(partialBytes) + ", more than one host buffer holds");
      }

      int thetaValues = (d + 1) * (batched ? kp : 1);
      this.theta = ownBuffer(context, CL.CL_MEM_READ_ONLY, (long) thetaValues * realBytes,
          "theta");
      this.center = ownBuffer(context, CL.CL_MEM_READ_ONLY, (long) Math.max(d, 1) * realBytes,
          "feature means");
      this.noIndex = ownBuffer(context, CL.CL_MEM_READ_ONLY, Sizeof.cl_int, "row index");
      this.partial = ownBuffer(context, CL.CL_MEM_READ_WRITE, partialBytes, "partial sums");
      this.thetaHost = ByteBuffer.allocateDirect(thetaValues * realBytes)
          .order(ByteOrder.nativeOrder());
      if (batched) {
        this.columnInfo = ownBuffer(context, CL.CL_MEM_READ_ONLY, infoRows() * kp * realBytes,
            "the columns' folds and classes");
        context.write(columnInfo, 0, infoRows() * kp * realBytes, real(columnInfo(kp)));
        this.scratch = scratchBytes > 0
            ? ownBuffer(context, CL.CL_MEM_READ_WRITE, scratchBytes, "scratch rows") : null;
      } else {
        this.columnInfo = null;
        this.scratch = null;
      }
      this.partialHost = ByteBuffer.allocateDirect((int) partialBytes)
          .order(ByteOrder.nativeOrder());
      if (centered) {
        invScale = standardization.inverseScales();
        double[] mean = standardization.mean();
        centerError = new double[d];
        for (int j = 0; j < d; j++) {
          centerError[j] = doublePrecision ? 0 : mean[j] - (float) mean[j];
        }
        if (d > 0) {
          context.write(center, 0, (long) d * realBytes, real(mean));
        }
      } else {
        invScale = null;
        centerError = null;
      }
      upload(data, standardization, targets(data, columns));
      setFixedArguments(kernel);
    } catch (CLException e) {
      release(context);
      throw new BackendUnavailableException("setting up OpenCL on " + device.name()
          + " failed: " + Cl.status(e), e);
    } catch (RuntimeException | Error e) {
      release(context);
      throw e;
    }
  }

  /** Closes the context when this backend owns it, else releases the buffers it made. */
  private void release(ClContext context) {
    if (rowsFrom == null) {
      context.close();
    } else {
      for (cl_mem m : ownBuffers) {
        context.release(m);
      }
      ownBuffers.clear();
    }
  }

  /** {@code CL_DEVICE_LOCAL_MEM_SIZE}, or the tuning's smaller figure in tests. */
  private static long localMemory(ClDevice device, Tuning tuning) {
    return tuning.localMemoryBytes() > 0 ? tuning.localMemoryBytes() : device.localMemoryBytes();
  }

  /**
   * The GPU kernel at work-group size {@code wgs}: the narrow one (a local accumulator of p = d + 2
   * sums per work-item) while that takes at most half the local memory, else the wide one with
   * RT rows of margins per work-item. WGS and RT go to the kernel as defines and size the local
   * buffer here, from the same values, so the two cannot disagree.
   */
  private WorkGroupFit.Plan gpuPlan(int wgs, String common, String extra, long localMemory) {
    int d = features;
    long narrowBytes = (long) (d + 2) * wgs * realBytes;
    Kind k;
    long bytes;
    if (d <= tuning.narrowMaxFeatures() && narrowBytes <= localMemory / 2) {
      k = Kind.GPU_NARROW;
      bytes = narrowBytes;
    } else {
      k = Kind.GPU_WIDE;
      // Enough work-items to cover a row, not many more: the rest would idle.
      wgs = Math.min(wgs, Math.max(32, Integer.highestOneBit(Math.max(1, d - 1)) << 1));
      bytes = (long) tuning.rowsPerTile() * wgs * realBytes;
    }
    return new WorkGroupFit.Plan(wgs, common + " -DWGS=" + wgs + " -DRT=" + tuning.rowsPerTile()
        + extra, k.kernelName, bytes, k.name());
  }

  /**
   * The batched gpu kernel at work-group size {@code wgs}: its local memory holds the RT x K
   * margins and losses of one tile; more work-items than a tile's K RT entries would idle.
   */
  private WorkGroupFit.Plan gpuColumnsPlan(int wgs, String common, String extra) {
    int rt = COLUMNS_GPU_TILE_ROWS;
    int entries = rt * paddedColumns;
    int size = Math.min(wgs, Math.max(32, Integer.highestOneBit(Math.max(1, entries - 1)) << 1));
    long bytes = 2L * entries * realBytes;
    return new WorkGroupFit.Plan(size, common + " -DWGS=" + size + " -DRT=" + rt + extra,
        Kind.GPU_COLUMNS.kernelName, bytes, Kind.GPU_COLUMNS.name());
  }

  /**
   * The batched cpu kernel's defines for a device whose vector registers hold {@code lanes}
   * values ({@link CpuShape#lanes}): VW, the features of one vector, fills the register (16
   * floats with AVX-512, where the single-column kernel's VW stops at
   * {@link CpuShape#MAX_VECTOR_WIDTH}: this kernel's tiles keep about 8 accumulators, which 32
   * registers hold at any width); KT, the columns of one vector ({@link #columnVector}); the
   * tiles' sizes; NK and NG for {@code columns} columns of rows of {@code features} features
   * ({@link #fewColumns}, {@link #featureVectorGradient}); and the float32 exp and log1p of the
   * logistic loss.
   */
  static String columnsDefines(int lanes, int columns, int features) {
    return "-DKT=" + columnVector(lanes, columns) + " -DRB=" + COLUMNS_TILE_ROWS + " -DSB="
        + COLUMNS_SUPERBLOCK_ROWS + " -DJT=" + COLUMNS_TILE_FEATURES
        + " -DNK=" + (fewColumns(lanes, columns, features) ? columns : 0) + " -DVW=" + lanes
        + " -DLOG1P_SERIES=1 -DFAST_EXP=1"
        + (featureVectorGradient(lanes, columns, features) ? " -DNG=" + columns : "");
  }

  /**
   * Whether the batched cpu kernel takes the few-columns phases (NK = K in
   * gradient_cpu_columns.cl, theta column-major): at most {@link #narrowColumns} columns, and
   * rows of at least one register of features. Rows of fewer features hold no whole feature
   * vector, so those phases would run every product in scalar loops; the tiles (one broadcast
   * feature per column vector) took 1M x 8 linear K = 2, 4 and 8 in 0.39, 0.28 and 0.19 of
   * their time, and x 10 and x 12 K = 4 in 0.26 and 0.27 (a 2-core AVX-512 EPYC, 16 lanes).
   */
  static boolean fewColumns(int lanes, int columns, int features) {
    return columns <= narrowColumns(lanes) && features >= lanes;
  }

  /**
   * Whether the batched cpu kernel's phase 3 runs over feature vectors for more columns than
   * {@link #narrowColumns} (NG in gradient_cpu_columns.cl): 9 to 16 columns on
   * {@link #WIDE_LANES} lanes, 5 to 12 on 8. For 9 to 15 the column vectors would carry dead
   * lanes (a model of 10 classes used 10 of 16); for 16 each loaded feature vector serves 8
   * columns where each loaded residual vector served 8 features, the same sums bit for bit, in
   * 0.91 to 0.92 of the time (1M x 64, a 2-core AVX-512 EPYC). On 8 lanes (AVX2, 16
   * registers) the columns go in groups of 4 and phase 1 runs over pairs of features
   * (NG_PAIRS8), which fills no dead lanes either: on a 2-core AVX2 EPYC (Zen 3;
   * ColumnsDefinesTiming, 1M x 64, against NG=0, the tiles) K = 6 took 0.77 (linear) and 0.75
   * (logistic) of the time, K = 8 0.77 and 0.79, K = 10 0.72 and 0.66, K = 12 0.69 and 0.74,
   * multinomial C = 6 0.64 and C = 10 0.74; 16 columns, which fill the tiles' vectors, took
   * 0.99 and 1.02 there with phase 3 over feature vectors, and keep the tiles.
   * As with {@link #fewColumns}, rows of fewer features than lanes take the tiles: 1M x 8, 10
   * and 12 linear K = 12 or 16 in 0.10 to 0.16 of the time (16 lanes).
   */
  static boolean featureVectorGradient(int lanes, int columns, int features) {
    return (lanes == WIDE_LANES || lanes == 8) && columns > narrowColumns(lanes)
        && columns <= (lanes == WIDE_LANES ? lanes : EIGHT_LANE_GROUPED_COLUMNS)
        && features >= lanes;
  }

  /**
   * The most columns that take the row-vectorized phases on a register of {@code lanes} values:
   * {@link #NARROW_COLUMNS}, or 8 from {@link #WIDE_LANES} lanes, where 8 columns in one 8-wide
   * column vector (the many-columns tiles) would fill half of each register: on a 2-core AVX-512
   * EPYC (16 floats) the many-columns tiles took 1M x 64 linear K = 8 about as long as K = 16.
   */
  static int narrowColumns(int lanes) {
    return lanes >= WIDE_LANES ? 2 * NARROW_COLUMNS : NARROW_COLUMNS;
  }

  /** LOSS in the kernels: 0 squared error, 1 logistic, 2 multinomial. */
  static int lossDefine(Loss loss) {
    return loss == Loss.MULTINOMIAL ? 2 : loss == Loss.LOGISTIC ? 1 : 0;
  }

  /**
   * KT for K columns on a register of {@code lanes} values: K rounded up to a power of two, at
   * least 4 and at most the register (4 up to 4 columns, 8 up to 8, then the register), so that
   * few columns waste no more than they did in 8-wide vectors (K = 8 in 16-wide ones would
   * compute 8 dead columns).
   */
  static int columnVector(int lanes, int columns) {
    int rounded = Integer.highestOneBit(Math.max(1, columns - 1)) << 1;
    return Math.min(lanes, Math.max(4, rounded));
  }

  /** The most work-items one batched cpu launch runs (each needs its scratch rows). */
  private int maxItems() {
    return Math.max(1, tuning.itemsPerComputeUnit()
        * Math.max(1, device.description().computeUnits()));
  }

  /**
   * SCRATCH_STRIDE in gradient_cpu_columns.cl: (SB + 2) kp values (for the multinomial loss
   * (2 SB + 2) kp: SB rows of max - m_y), whole 128-byte lines; with the few-columns phases
   * ({@link #fewColumns}: NK = K), then 2 K d values (the item's gradient sums and
   * compensations, column-major), whole lines, as with {@link #featureVectorGradient}; with
   * {@link #pairedColumns}, then 8 d values (PAIRS' or OCTETS' interleaved weights), whole
   * lines; with {@link #featureVectorGradient}, 12 d values (on {@link #WIDE_LANES} lanes NG_PAIRS'
   * interleaved weights: 8 d for the pairs, at most 4 d for the other columns; on 8 lanes
   * NG_PAIRS8's: 4 d per group of 4 columns), whole lines.
   */
  private long scratchStride(int kp, int k, int d) {
    int perLine = 128 / realBytes;
    long rows = columns.loss() == Loss.MULTINOMIAL ? 2L * superblockRows + 2
        : superblockRows + 2L;
    long margins = (rows * kp + perLine - 1) / perLine * perLine;
    long narrow = fewColumns(lanes, k, d) || featureVectorGradient(lanes, k, d)
        ? (2L * k * d + perLine - 1) / perLine * perLine : 0;
    long pairs = pairedColumns(lanes, k, d)
        ? (8L * d + perLine - 1) / perLine * perLine
        : featureVectorGradient(lanes, k, d) ? (12L * d + perLine - 1) / perLine * perLine : 0;
    return margins + narrow + pairs;
  }

  /**
   * Whether the batched cpu kernel may take phase 1 over pairs or octets of features (PAIRS
   * or OCTETS in gradient_cpu_columns.cl), for which each work-item's scratch holds an
   * interleaved copy of the weights: 4 to 8 few columns on {@link #WIDE_LANES} lanes, 3 or 4
   * on 8. Over pairs, 5 to 8 on {@link #WIDE_LANES} lanes and 3 or 4 on 8, where each FMA
   * then takes a pair of features for 4 columns instead of 8 features of one column, and no
   * horizontal sums are left: on a 2-core AVX2 EPYC (ColumnsDefinesTiming, 1M x 64, against
   * PAIRS=0, the shuffle reduction, with its burst prefetch) K = 4 took 0.88 to 0.96 (linear)
   * and 0.93 to 0.96 (logistic) of the time, K = 3 0.89 and 1.05 (two runs an hour apart).
   * On {@link #WIDE_LANES} lanes 4 to 6 columns take phase 1 over octets of features instead
   * (OCTETS, 4 columns in place of the shuffle reduction), whose interleaved weights (4 d or
   * 6 d values) fit the same space.
   */
  static boolean pairedColumns(int lanes, int columns, int features) {
    return fewColumns(lanes, columns, features) && (lanes == WIDE_LANES
        ? columns >= NARROW_COLUMNS : lanes == 8 && columns >= 3);
  }

  /** Rows of kp values in the column info: 3, and one per label of a class-weight table. */
  private long infoRows() {
    return 3L + columns.labels();
  }

  /**
   * Per padded column: 1 when it is a real column, else 0; the fold its group leaves out
   * (-1 for none); its group's positive class (-1 for none); then with a class-weight table,
   * for each label L its group's class weight of rows labelled L, at {@code (3 + L) kp + c}
   * (0 for padded columns).
   */
  private double[] columnInfo(int kp) {
    double[] info = new double[(int) infoRows() * kp];
    Arrays.fill(info, kp, 3 * kp, -1);
    for (int c = 0; c < columns.count(); c++) {
      int g = c / columns.classes();
      info[c] = 1;
      info[kp + c] = columns.heldOut(g) < 0 ? -1 : columns.heldOut(g);
      info[2 * kp + c] = columns.positive(g);
      for (int label = 0; label < columns.labels(); label++) {
        info[(3 + label) * kp + c] = columns.classWeight(g, label);
      }
    }
    return info;
  }

  /** Values in REAL, in a direct buffer for an upload. */
  private Pointer real(double[] values) {
    ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, values.length) * realBytes)
        .order(ByteOrder.nativeOrder());
    for (double v : values) {
      if (doublePrecision) {
        b.putDouble(v);
      } else {
        b.putFloat((float) v);
      }
    }
    b.flip();
    return Pointer.to(b);
  }

  /**
   * The targets the kernels see: y, except with positive classes, where a row's y is its class
   * only when it is an integer below 2^24 (exact in float32), and -1 otherwise, so that the
   * kernel's comparison with each group's class matches {@link Columns#target}'s exactly.
   */
  private static double[] targets(Dataset data, Columns columns) {
    double[] y = data.y();
    if (!columns.hasPositives()) {
      return y;
    }
    double[] t = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      t[i] = y[i] == Math.rint(y[i]) && Math.abs(y[i]) < (1 << 24) ? y[i] : -1;
    }
    return t;
  }

  /**
   * The values between the starts of two partial rows: the CPU kernels pad their 2p to a
   * multiple of 128 bytes (PARTIAL_STRIDE in gradient_cpu.cl: rows of work-items running on
   * different cores must not share a cache line); the GPU kernels write 2p or p values.
   */
  private int partialStride(int p) {
    if (kind == Kind.CPU || kind == Kind.CPU_COLUMNS) {
      int perLine = 128 / realBytes;
      return (2 * p + perLine - 1) / perLine * perLine;
    }
    return kind.compensated ? 2 * p : p;
  }

  /** The most partial rows one launch over {@code count} rows writes. */
  private int maxSlots(int count, int wgs) {
    int cu = Math.max(1, device.description().computeUnits());
    return switch (kind) {
      case CPU, CPU_GATHER -> (int) Math.max(1, Math.min(
          (long) tuning.itemsPerComputeUnit() * cu,
          ((long) count + cpuShape.rowsPerBlock() - 1) / cpuShape.rowsPerBlock()));
      case CPU_COLUMNS, CPU_COLUMNS_GATHER -> (int) Math.max(1, Math.min(maxItems(),
          ((long) count + superblockRows - 1) / superblockRows));
      case GPU_COLUMNS -> (int) Math.max(1, Math.min((long) tuning.wideGroupsPerComputeUnit()
          * cu, ((long) count + COLUMNS_GPU_TILE_ROWS - 1) / COLUMNS_GPU_TILE_ROWS));
      case GPU_NARROW -> (int) Math.max(1,
          ((long) count + (long) wgs * tuning.rowsPerItem() - 1) / ((long) wgs
              * tuning.rowsPerItem()));
      case GPU_WIDE -> (int) Math.max(1, Math.min((long) tuning.wideGroupsPerComputeUnit() * cu,
          ((long) count + tuning.rowsPerTile() - 1) / tuning.rowsPerTile()));
    };
  }

  /** Creates the chunks' buffers and fills them, standardizing on the way in float precision. */
  private void upload(Dataset data, Standardization standardization, double[] y) {
    int d = features;
    boolean raw = centered || standardization.isIdentity();
    // Raw rows off the heap on a device in the host's memory: its buffers are those rows.
    FloatBuffer offHeap = data.offHeapRows().orElse(null);
    boolean inPlace = raw && rowsFrom == null && offHeap != null
        && device.description().type() == DeviceDescription.Type.CPU;
    this.rowsInPlace = inPlace;
    float[] x = offHeap != null || raw && rowsFrom != null ? null : data.x();
    double[] mean = standardization.mean();
    double[] inv = standardization.inverseScales();
    int slabRows = Math.max(1, Math.min(chunkRows, SLAB_FLOATS / Math.max(d, 1)));
    FloatBuffer ySlab = doublePrecision ? null : ByteBuffer.allocateDirect(slabRows * 4)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int first = 0; first < rows; first += chunkRows) {
      int count = Math.min(chunkRows, rows - first);
      String what = "rows " + first + ".." + (first + count);
      // With another backend's rows (the same chunks: see the constructor), its buffers.
      cl_mem xm = rowsFrom != null ? rowsFrom.chunks.get(chunks.size()).x()
          : inPlace ? ownHostBuffer(cl, 4L * count * d,
              Pointer.to(offHeap).withByteOffset(4L * first * d), "the features of " + what)
          : ownBuffer(cl, CL.CL_MEM_READ_ONLY, 4L * count * d, "the features of " + what);
      cl_mem ym = ownBuffer(cl, CL.CL_MEM_READ_ONLY, (long) realBytes * count,
          "the targets of " + what);
      cl_mem wm = null;
      cl_mem fm = null;
      if (batched && rowWeights != null) {
        wm = ownBuffer(cl, CL.CL_MEM_READ_ONLY, (long) realBytes * count,
            "the weights of " + what);
        cl.write(wm, 0, (long) realBytes * count,
            real(Arrays.copyOfRange(rowWeights, first, first + count)));
      }
      if (batched && columns.hasFolds()) {
        int[] folds = columns.rowFolds();
        double[] f = new double[count];
        for (int i = 0; i < count; i++) {
          f[i] = folds[first + i];
        }
        fm = ownBuffer(cl, CL.CL_MEM_READ_ONLY, (long) realBytes * count,
            "the folds of " + what);
        cl.write(fm, 0, (long) realBytes * count, real(f));
      }
      chunks.add(new Chunk(first, count, xm, ym, wm, fm));
      if (raw && rowsFrom == null && !inPlace) {
        copyInto(xm, x, offHeap, first, count);
      }
      if (doublePrecision) {
        cl.write(ym, 0, 8L * count, Pointer.to(y).withByteOffset(8L * first));
        if (raw) {
          continue;
        }
      }
      if (!raw) {
        standardizeInto(xm, x, offHeap, first, count, mean, inv);
      }
      for (int s = 0; s < count; s += slabRows) {
        int k = Math.min(slabRows, count - s);
        int row0 = first + s;
        if (!doublePrecision) {
          ySlab.clear();
          putTargets(ySlab, y, row0, k, targetShift);
          ySlab.flip();
          cl.write(ym, 4L * s, 4L * k, Pointer.to(ySlab));
        }
      }
    }
  }

  /**
   * Puts {@code (float) (y[i] - shift)} for the {@code count} rows from {@code first}. A method of
   * its own, so that the JIT compiles this loop alone: within {@link #upload} it compiled the
   * whole method for it, on the stack, about 0.07 s of a compiler thread in a fresh JVM.
   */
  private static void putTargets(FloatBuffer out, double[] y, int first, int count,
      double shift) {
    for (int i = first; i < first + count; i++) {
      out.put((float) (y[i] - shift));
    }
  }

  /**
   * Copies the float32 values of rows {@code first..first+count} into the chunk's buffer {@code
   * xm} through a mapping (on a CPU device its own memory), as {@link #writeMapped}.
   */
  private void copyInto(cl_mem xm, float[] x, FloatBuffer offHeap, int first, int count) {
    int d = features;
    writeMapped(xm, first, count, (out, row0, from, to) -> {
      if (x != null) {
        out.put(from * d, x, (row0 + from) * d, (to - from) * d);
      } else {
        out.put(from * d, offHeap.duplicate(), (row0 + from) * d, (to - from) * d);
      }
    });
  }

  /**
   * Writes the standardized float32 values {@code (float) ((x - mean) * inv)} of rows {@code
   * first..first+count} into the chunk's buffer {@code xm}, as {@link #writeMapped}.
   */
  private void standardizeInto(cl_mem xm, float[] x, FloatBuffer offHeap, int first, int count,
      double[] mean, double[] inv) {
    int d = features;
    writeMapped(xm, first, count, (out, row0, from, to) -> {
      float[] row = new float[d];
      float[] rawRow = x != null ? x : new float[d];
      FloatBuffer source = x != null ? null : offHeap.duplicate();
      for (int i = from; i < to; i++) {
        int base = (row0 + i) * d;
        if (source != null) {
          source.get(base, rawRow, 0, d);
          base = 0;
        }
        for (int j = 0; j < d; j++) {
          row[j] = (float) ((rawRow[base + j] - mean[j]) * inv[j]);
        }
        out.put(i * d, row, 0, d);
      }
    });
  }

  /** Writes the rows {@code row0 + from .. row0 + to} of one mapped part at its row {@code from}. */
  @FunctionalInterface
  private interface PartWriter {
    void write(FloatBuffer out, int row0, int from, int to);
  }

  /**
   * Writes rows {@code first..first+count} into the chunk's buffer {@code xm} through a mapping
   * (on a CPU device its own memory: no staging copy), in parts of at most {@value #MAP_FLOATS}
   * floats, the rows of each part spread over the common fork-join pool in blocks of {@value
   * #STANDARDIZE_ROWS}.
   */
  private void writeMapped(cl_mem xm, int first, int count, PartWriter writer) {
    int d = features;
    if (d == 0) {
      return;
    }
    int partRows = Math.max(1, MAP_FLOATS / d);
    for (int s = 0; s < count; s += partRows) {
      int k = Math.min(partRows, count - s);
      int row0 = first + s;
      ByteBuffer mapped = cl.mapForWrite(xm, 4L * s * d, 4L * k * d);
      try {
        int blocks = (k + STANDARDIZE_ROWS - 1) / STANDARDIZE_ROWS;
        java.util.stream.IntStream.range(0, blocks).parallel().forEach(b -> writer.write(
            mapped.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer(), row0,
            b * STANDARDIZE_ROWS, Math.min(k, (b + 1) * STANDARDIZE_ROWS)));
      } finally {
        cl.unmap(xm, mapped);
      }
    }
  }

  private static double mean(double[] values) {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return values.length == 0 ? 0 : s / values.length;
  }

  /** Arguments that never change: d, theta, the means, the partial buffer, local memory. */
  private void setFixedArguments(cl_kernel k) {
    CL.clSetKernelArg(k, 6, Sizeof.cl_int, Pointer.to(new int[] {features}));
    CL.clSetKernelArg(k, 7, Sizeof.cl_mem, Pointer.to(theta));
    CL.clSetKernelArg(k, 8, Sizeof.cl_mem, Pointer.to(center));
    CL.clSetKernelArg(k, 9, Sizeof.cl_mem, Pointer.to(partial));
    if (batched) {
      CL.clSetKernelArg(k, 13, Sizeof.cl_mem, Pointer.to(columnInfo));
      CL.clSetKernelArg(k, 14, Sizeof.cl_int, Pointer.to(new int[] {paddedColumns}));
      CL.clSetKernelArg(k, 15, Sizeof.cl_int, Pointer.to(new int[] {columns.classes()}));
      CL.clSetKernelArg(k, 16, Sizeof.cl_int, Pointer.to(new int[] {flags}));
      if (kind == Kind.GPU_COLUMNS) {
        CL.clSetKernelArg(k, 17, localBytes, null);
      } else {
        CL.clSetKernelArg(k, 17, Sizeof.cl_mem, Pointer.to(scratch));
      }
    } else if (kind != Kind.CPU) {
      CL.clSetKernelArg(k, 11, localBytes, null);
    }
  }

  /**
   * The kernel for a launch: in the CPU layout a shuffled batch ({@code gather}) has its own,
   * created (and so, on PoCL, compiled) only when a fit first needs it.
   */
  private cl_kernel kernelFor(boolean gather) {
    if (!gather || (kind != Kind.CPU && kind != Kind.CPU_COLUMNS)) {
      return kernel;
    }
    if (gatherKernel == null) {
      gatherKernel = kind == Kind.CPU
          ? cl.kernel(cl.program(CPU_FILE, buildOptions), Kind.CPU_GATHER.kernelName)
          : cl.kernel(cl.program(CPU_COLUMNS_FILE, buildOptions),
              Kind.CPU_COLUMNS_GATHER.kernelName);
      setFixedArguments(gatherKernel);
    }
    return gatherKernel;
  }

  @Override
  public BackendInfo info() {
    return info;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int features() {
    return features;
  }

  /**
   * {@code 1e-6} in float32, {@code 1e-12} in float64, on {@code ||g - g_ref|| / ||g_ref||} and
   * on the relative loss error.
   *
   * <p>Float32: each value of z carries one float32 rounding (2^-24 relative), each margin a
   * float32 dot product, and each row block's sum of RB rows (or a GPU work-item's short run of
   * rows) the usual float32 error; beyond that the sums are Kahan-compensated or tree-shaped and
   * finished in float64, so the error does not grow with n. Measured on PoCL: at most 1.0e-7 over
   * the contract test's shapes, 1M x 8 and 200k x 64 random data and spambase, both losses and
   * both layouts; the bound leaves a factor of ten. Float64: the data is float32 exactly as the
   * reference sees it and all arithmetic is float64, so only the summation order separates the
   * two (measured at most 1.2e-15).
   *
   * <p>The batched kernels meet the same bounds per group's loss and per column's gradient,
   * measured against the reference's error scales ({@code OpenClColumnsTest}).
   *
   * <p>Like every relative bound, this one is meaningful only while {@code ||g_ref||} is not
   * tiny next to the summands: at an exact optimum the gradient is zero and the relative error
   * of any float32 sum is unbounded.
   */
  @Override
  public double tolerance() {
    return doublePrecision ? DOUBLE_TOLERANCE : FLOAT_TOLERANCE;
  }

  /**
   * The time {@code clBuildProgram} and {@code clCreateKernel} took while opening. Programs are
   * cached per context, and every backend has its own context, so each open builds once; in the
   * cpu layouts from the binary {@link #BINARIES} stored after an earlier open's first
   * evaluation when there is one, otherwise from source (a driver with a kernel cache, PoCL,
   * compiles only the first time a source and option set is seen, and loads the binary after
   * that).
   */
  @Override
  public double buildSeconds() {
    return buildSeconds;
  }

  @Override
  public Columns columns() {
    return columns;
  }

  @Override
  public BatchedEvaluation evaluateColumns(double[] w, Batch batch) {
    if (!batched) {
      Evaluation e = evaluate(w, batch);
      return new BatchedEvaluation(new double[] {e.loss()}, e.gradient(),
          new double[] {batch.size()}, 1);
    }
    int k = columns.count();
    Shapes.requireParameters(w, features + 1, k);
    return guarded(() -> runColumns(w, batch), batch);
  }

  @Override
  public Evaluation evaluate(double[] thetaValues, Batch batch) {
    if (batched) {
      return GradientBackend.super.evaluate(thetaValues, batch);
    }
    Shapes.requireTheta(thetaValues, features + 1);
    return guarded(() -> run(thetaValues, batch), batch);
  }

  /**
   * The moments of each fold's rows in one pass on this backend's device, in float64 ({@code
   * kernels/moments.cl}, see {@link OpenClMoments}), about the standardization's means and the
   * weighted mean target; in either precision of the backend, from the raw rows.
   *
   * @throws UnsupportedOperationException when the device has no {@code cl_khr_fp64}
   * @throws OpenClException when the device fails
   */
  @Override
  public io.descent.gradient.Moments[] moments(int[] rowFold, int folds) {
    if (closed) {
      throw new IllegalStateException("the OpenCL backend on " + device.name() + " is closed");
    }
    if (!device.description().fp64()) {
      throw new UnsupportedOperationException("device " + device.name()
          + " has no cl_khr_fp64 for float64 moments");
    }
    if (rowFold != null && rowFold.length != rows) {
      throw new IllegalArgumentException(rows + " rows but " + rowFold.length + " row folds");
    }
    long slab = tuning.maxChunkBytes() > 0 ? tuning.maxChunkBytes()
        : Math.min("cpu".equals(info.layout()) ? OpenClMoments.CPU_SLAB_BYTES
            : OpenClMoments.SLAB_BYTES, device.description().maxAllocationBytes());
    try {
      return OpenClMoments.compute(cl, data,
          io.descent.gradient.Moments.centreFor(mean, data), rowFold, folds, slab,
          "cpu".equals(info.layout()), device);
    } catch (CLException e) {
      drain();
      throw Cl.error("computing the moments", device.name(), e);
    } catch (BackendUnavailableException e) {
      int status = e.getCause() instanceof CLException c ? c.getStatus() : 0;
      throw new OpenClException(e.getMessage(), status, e);
    }
  }

  /** Runs one evaluation, turning OpenCL failures into {@link OpenClException}. */
  private <T> T guarded(java.util.function.Supplier<T> evaluation, Batch batch) {
    if (closed) {
      throw new IllegalStateException("the OpenCL backend on " + device.name() + " is closed");
    }
    batch.requireWithin(rows);
    try {
      return evaluation.get();
    } catch (CLException e) {
      drain();
      throw Cl.error("evaluating " + kind.kernelName, device.name(), e);
    } catch (BackendUnavailableException e) {
      // An index buffer for a new order could not be allocated.
      drain();
      int status = e.getCause() instanceof CLException c ? c.getStatus() : 0;
      throw new OpenClException(e.getMessage(), status, e);
    }
  }

  /**
   * After the first evaluation (its kernels have run, so PoCL's binary carries their compiled
   * work-group functions): offers the cpu program's binary to {@link #BINARIES}, once; a program
   * made from a stored binary is not stored again ({@link ClContext#storeBinary}).
   */
  private void storeBinaryOnce() {
    if (!binaryStored && cpuProgram != null) {
      binaryStored = true;
      cl.storeBinary(cpuProgram, buildOptions, BINARIES);
    }
  }

  /** Waits for anything still queued (theta's write reads thetaHost) after a failed call. */
  private void drain() {
    try {
      CL.clFinish(cl.queue);
    } catch (CLException ignored) {
      // The original failure is the one worth reporting.
    }
  }

  private Evaluation run(double[] thetaValues, Batch batch) {
    int d = features;
    int p = d + 2;
    thetaHost.clear();
    if (doublePrecision) {
      thetaHost.putDouble(thetaValues[0] - targetShift);
      for (int j = 0; j < d; j++) {
        thetaHost.putDouble(thetaValues[j + 1] * invScale[j]);
      }
    } else if (centered) {
      // The kernel subtracts the means rounded to float32: the intercept takes back what that
      // adds to every margin, sum_j theta_j / scale_j (mean_j - (float) mean_j).
      double shift = 0;
      for (int j = 0; j < d; j++) {
        shift += thetaValues[j + 1] * invScale[j] * centerError[j];
      }
      thetaHost.putFloat((float) (thetaValues[0] - targetShift - shift));
      for (int j = 0; j < d; j++) {
        thetaHost.putFloat((float) (thetaValues[j + 1] * invScale[j]));
      }
    } else {
      thetaHost.putFloat((float) (thetaValues[0] - targetShift));
      for (int j = 1; j <= d; j++) {
        thetaHost.putFloat((float) thetaValues[j]);
      }
    }
    thetaHost.flip();
    CL.clEnqueueWriteBuffer(cl.queue, theta, false, 0, (long) (d + 1) * realBytes,
        Pointer.to(thetaHost), 0, null, null);

    int slot = launchAll(batch);
    int stride = partialStride(p);
    long bytes = (long) slot * stride * realBytes;
    partialHost.clear();
    cl.read(partial, bytes, Pointer.to(partialHost));
    storeBinaryOnce();
    // Finish in float64, slot by slot in launch order: a fixed order, so fixed bits.
    double[] total = finish(slot, p);
    double size = batch.size();
    double[] gradient = new double[d + 1];
    gradient[0] = total[1] / size;
    for (int j = 0; j < d; j++) {
      // Centred: the sum of r (x - c) less (mean - c) times the sum of r is the sum of
      // r (x - mean); in float64 c is the mean and nothing is taken.
      double g = total[j + 2];
      if (centered && centerError[j] != 0) {
        g -= centerError[j] * total[1];
      }
      gradient[j + 1] = centered ? g * invScale[j] / size : g / size;
    }
    return new Evaluation(total[0] / size, gradient);
  }

  /**
   * The batched evaluation: W transposed into theta ({@code (d + 1) x kp}, padded columns 0),
   * one launch per chunk, and the partial rows finished on the host in float64; each group's
   * weight in the batch is summed on the host, exactly.
   */
  private BatchedEvaluation runColumns(double[] w, Batch batch) {
    int d = features;
    int kp = paddedColumns;
    int k = columns.count();
    int p = (d + 2) * kp;
    // Transposed, (d + 1) x kp; with few columns in the cpu layout column-major as given.
    putColumns(w, kind == Kind.CPU_COLUMNS && fewColumns(lanes, k, d));
    CL.clEnqueueWriteBuffer(cl.queue, theta, false, 0, (long) (d + 1) * kp * realBytes,
        Pointer.to(thetaHost), 0, null, null);
    int slot = launchAll(batch);
    long bytes = (long) slot * partialStride(p) * realBytes;
    partialHost.clear();
    cl.read(partial, bytes, Pointer.to(partialHost));
    storeBinaryOnce();
    double[] total = finish(slot, p);
    double[] weight = groupWeights(batch);
    int groups = columns.groups();
    int classes = columns.classes();
    double[] loss = new double[groups];
    double[] gradient = new double[(d + 1) * k];
    for (int g = 0; g < groups; g++) {
      if (weight[g] <= 0) {
        continue;
      }
      double l = 0;
      for (int c = g * classes; c < (g + 1) * classes; c++) {
        l += total[c];
        int o = c * (d + 1);
        gradient[o] = total[kp + c] / weight[g];
        for (int j = 1; j <= d; j++) {
          double v = total[kp + j * kp + c];
          gradient[o + j] = (doublePrecision ? v * invScale[j - 1] : v) / weight[g];
        }
      }
      loss[g] = l / weight[g];
    }
    return new BatchedEvaluation(loss, gradient, weight, k);
  }

  /**
   * The K columns of {@code w} ((d + 1) values each, intercept first) into {@link #thetaHost}
   * as the batched kernels read them: transposed, {@code theta[j kp + c]}, or column-major as
   * given ({@code theta[c (d + 1) + j]}); the intercepts less the target's shift, in float64 the
   * slopes times 1/scale (the float64 kernels centre the raw rows, the float32 ones read a
   * standardized copy), the padding columns zero.
   *
   * <p>A method of its own, the precision and the padding decided outside its loops: written
   * inside {@link #runColumns} with both decided value by value, the JIT's speculations on
   * those branches failed as the lockstep's backends took the others, and it threw away and
   * compiled again the whole evaluation eight times in a {@code cv} of 5 folds x 10 settings on
   * 300k x 64 (0.43 s of C2's 2.05 s); now this method is compiled again instead (five times,
   * 0.08 s; C2's whole time 1.88 s).
   */
  private void putColumns(double[] w, boolean columnMajor) {
    int d = features;
    int kp = paddedColumns;
    int k = columns.count();
    int stride = d + 1;
    int step = columnMajor ? 1 : kp; // from (j, c) to (j + 1, c)
    if (doublePrecision) {
      for (int c = 0; c < k; c++) {
        int at = columnMajor ? c * stride : c; // where (0, c) goes
        int o = c * stride;
        thetaHost.putDouble(at * Double.BYTES, w[o] - targetShift);
        for (int j = 1; j <= d; j++) {
          thetaHost.putDouble((at + j * step) * Double.BYTES, w[o + j] * invScale[j - 1]);
        }
      }
      for (int c = k; c < kp; c++) {
        int at = columnMajor ? c * stride : c;
        for (int j = 0; j <= d; j++) {
          thetaHost.putDouble((at + j * step) * Double.BYTES, 0);
        }
      }
    } else {
      for (int c = 0; c < k; c++) {
        int at = columnMajor ? c * stride : c;
        int o = c * stride;
        thetaHost.putFloat(at * Float.BYTES, (float) (w[o] - targetShift));
        for (int j = 1; j <= d; j++) {
          thetaHost.putFloat((at + j * step) * Float.BYTES, (float) w[o + j]);
        }
      }
      for (int c = k; c < kp; c++) {
        int at = columnMajor ? c * stride : c;
        for (int j = 0; j <= d; j++) {
          thetaHost.putFloat((at + j * step) * Float.BYTES, 0f);
        }
      }
    }
    thetaHost.position(0).limit(stride * kp * realBytes);
  }

  /**
   * Each group's weight in the batch, {@code sum_i s_ig} ({@link Columns#weight}), in float64
   * with Neumaier sums as the reference forms it; kept for the last batch. Groups that leave out
   * the same fold share the sum, unless they have class weights.
   */
  private double[] groupWeights(Batch batch) {
    if (batch.equals(weightBatch)) {
      return batchWeights.clone();
    }
    int groups = columns.groups();
    double[] weight = new double[groups];
    java.util.Map<Integer, Double> byHeld = new java.util.HashMap<>();
    int size = batch.size();
    boolean tabled = columns.hasClassWeights();
    for (int g = 0; g < groups; g++) {
      int held = columns.hasFolds() ? columns.heldOut(g) : -1;
      Double known = tabled ? null : byHeld.get(held);
      if (known == null) {
        double s = 0;
        double c = 0;
        for (int b = 0; b < size; b++) {
          int i = batch.row(b);
          if (held >= 0 && columns.fold(i) == held) {
            continue;
          }
          double v = rowWeights == null ? 1 : rowWeights[i];
          if (tabled) {
            v *= columns.classWeight(g, labels[i]);
          }
          double t = s + v;
          c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
          s = t;
        }
        known = s + c;
        byHeld.put(held, known);
      }
      weight[g] = known;
    }
    weightBatch = batch;
    batchWeights = weight;
    return weight.clone();
  }

  /** The partial rows of {@code slots} work-items or groups, summed in float64 in slot order. */
  private double[] finish(int slots, int p) {
    int stride = partialStride(p);
    double[] total = new double[p];
    if (doublePrecision) {
      DoubleBuffer v = partialHost.asDoubleBuffer();
      for (int s = 0; s < slots; s++) {
        int base = s * stride;
        for (int j = 0; j < p; j++) {
          total[j] += kind.compensated ? v.get(base + j) - v.get(base + p + j) : v.get(base + j);
        }
      }
    } else {
      FloatBuffer v = partialHost.asFloatBuffer();
      for (int s = 0; s < slots; s++) {
        int base = s * stride;
        for (int j = 0; j < p; j++) {
          total[j] += kind.compensated
              ? (double) v.get(base + j) - (double) v.get(base + p + j) : v.get(base + j);
        }
      }
    }
    return total;
  }

  /** Enqueues the kernel over the batch's rows, chunk by chunk; returns the partial rows used. */
  private int launchAll(Batch batch) {
    int slot = 0;
    if (batch.contiguous()) {
      for (Chunk c : chunks) {
        int from = Math.max(batch.from(), c.firstRow);
        int to = Math.min(batch.to(), c.firstRow + c.rows);
        if (from < to) {
          slot += launch(c, null, from - c.firstRow, to - from, slot);
        }
      }
    } else {
      useOrder(batch.order());
      for (int k = 0; k < chunks.size(); k++) {
        OrderPart part = orderParts[k];
        int from = part.positions == null ? batch.from() : lowerBound(part.positions, batch.from());
        int to = part.positions == null ? batch.to() : lowerBound(part.positions, batch.to());
        if (from < to) {
          slot += launch(chunks.get(k), part.index, from, to - from, slot);
        }
      }
    }
    return slot;
  }

  /** Enqueues the kernel over {@code count} rows of one chunk; returns the partial rows used. */
  private int launch(Chunk chunk, cl_mem index, int first, int count, int slot0) {
    int slots = maxSlots(count, localSize);
    cl_kernel kernel = kernelFor(index != null);
    CL.clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(chunk.x));
    CL.clSetKernelArg(kernel, 1, Sizeof.cl_mem, Pointer.to(chunk.y));
    CL.clSetKernelArg(kernel, 2, Sizeof.cl_mem, Pointer.to(index == null ? noIndex : index));
    CL.clSetKernelArg(kernel, 3, Sizeof.cl_int, Pointer.to(new int[] {index == null ? 0 : 1}));
    CL.clSetKernelArg(kernel, 4, Sizeof.cl_int, Pointer.to(new int[] {first}));
    CL.clSetKernelArg(kernel, 5, Sizeof.cl_int, Pointer.to(new int[] {count}));
    CL.clSetKernelArg(kernel, 10, Sizeof.cl_int, Pointer.to(new int[] {slot0}));
    if (batched) {
      CL.clSetKernelArg(kernel, 11, Sizeof.cl_mem,
          Pointer.to(chunk.weight != null ? chunk.weight : noIndex));
      CL.clSetKernelArg(kernel, 12, Sizeof.cl_mem,
          Pointer.to(chunk.fold != null ? chunk.fold : noIndex));
    }
    long global = (long) slots * localSize;
    cl.launch(kernel, new long[] {global}, new long[] {localSize});
    return slots;
  }

  /** Puts a shuffled order on the device, split by chunk, unless it is the one already there. */
  private void useOrder(int[] newOrder) {
    if (newOrder == order) {
      return;
    }
    for (int v : newOrder) {
      if (v < 0 || v >= rows) {
        throw new IllegalArgumentException("batch order holds row " + v + ", outside 0.."
            + (rows - 1));
      }
    }
    releaseOrder();
    OrderPart[] parts = new OrderPart[chunks.size()];
    if (chunks.size() == 1) {
      cl_mem index = ownBuffer(cl, CL.CL_MEM_READ_ONLY, 4L * newOrder.length, "a batch order");
      cl.write(index, 0, 4L * newOrder.length, Pointer.to(newOrder));
      parts[0] = new OrderPart(index, null);
    } else {
      int[] counts = new int[chunks.size()];
      for (int v : newOrder) {
        counts[v / chunkRows]++;
      }
      int[][] local = new int[chunks.size()][];
      int[][] positions = new int[chunks.size()][];
      for (int k = 0; k < counts.length; k++) {
        local[k] = new int[counts[k]];
        positions[k] = new int[counts[k]];
      }
      int[] fill = new int[chunks.size()];
      for (int pos = 0; pos < newOrder.length; pos++) {
        int k = newOrder[pos] / chunkRows;
        local[k][fill[k]] = newOrder[pos] - k * chunkRows;
        positions[k][fill[k]++] = pos;
      }
      for (int k = 0; k < parts.length; k++) {
        cl_mem index = ownBuffer(cl, CL.CL_MEM_READ_ONLY, 4L * counts[k], "a batch order");
        if (counts[k] > 0) {
          cl.write(index, 0, 4L * counts[k], Pointer.to(local[k]));
        }
        parts[k] = new OrderPart(index, positions[k]);
      }
    }
    orderParts = parts;
    order = newOrder;
  }

  private void releaseOrder() {
    if (orderParts != null) {
      for (int k = orderParts.length - 1; k >= 0; k--) {
        if (orderParts[k] != null) {
          cl.release(orderParts[k].index);
          ownBuffers.remove(orderParts[k].index);
        }
      }
    }
    orderParts = null;
    order = null;
  }

  /** The first index of a sorted array whose value is >= key. */
  private static int lowerBound(int[] sorted, int key) {
    int i = Arrays.binarySearch(sorted, key);
    return i >= 0 ? i : -i - 1;
  }

  /** The kernel this backend runs ("gradient_cpu", "gradient_gpu_narrow", ...), for reports. */
  String kernelName() {
    return kind.kernelName;
  }

  /** The work-group size of each launch (1 in the cpu layout). */
  int workGroupSize() {
    return localSize;
  }

  /** The bytes of local memory each work-group gets (0 in the cpu layout). */
  long localMemoryBytes() {
    return localBytes;
  }

  /** The CPU layout's vector width and rows per block, and their origin; null in the GPU layout. */
  CpuShape cpuShape() {
    return cpuShape;
  }

  /** The options the kernel was built with. */
  String buildOptions() {
    return buildOptions;
  }

  /** {@code CL_KERNEL_WORK_GROUP_SIZE} of the kernel, as the driver reports it now. */
  long kernelWorkGroupSize() {
    return cl.kernelWorkGroupSize(kernel);
  }

  /** Number of device buffers the features are split into. */
  int chunkCount() {
    return chunks.size();
  }

  /** Releases the device buffers, kernel, program, queue and context; safe to call again. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    order = null;
    orderParts = null;
    release(cl);
  }
}
