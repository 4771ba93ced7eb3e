package io.descent.gradient.nd4j;

import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.Shapes;
import io.descent.loss.Loss;
import io.descent.loss.Softmax;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU fallback: loss and gradient over float32 data held off-heap in ND4J arrays, with the
 * two matrix-vector products done by the BLAS ND4J loaded (OpenBLAS).
 *
 * <h2>Data</h2>
 *
 * On open the features are standardized once, {@code z = (x - mean) * (1 / scale)} in float64
 * exactly as {@link io.descent.gradient.ReferenceBackend} forms it, rounded to float32 and copied
 * into one row-major off-heap {@code n x d} array. So every stored z is the reference's z rounded
 * once, and an evaluation is pure GEMV work. Targets stay on the heap in float64 (the dataset's own
 * array, not copied): a regression target keeps all its digits in {@code r = m - y}.
 *
 * <h2>One evaluation</h2>
 *
 * The batch is cut into chunks of {@link #chunkRows()} consecutive batch positions (about 256 KiB
 * of features; 32 to 1024 rows). For each chunk:
 *
 * <ol>
 *   <li>margins {@code Z_c w} by one float32 GEMV, straight on the stored rows for a contiguous
 *       batch, or on rows gathered into a per-worker scratch block for a shuffled one;
 *   <li>on the host in float64, {@code m = b + (Z_c w)}, the residual (m - y, or sigmoid(m) - y),
 *       the loss (linear: (m - y)^2 / 2; logistic: {@code max(m,0) - y m + log1p(e^{-|m|})},
 *       finite for any m) and the residual's sum; the logistic one by {@link RowLosses}'
 *       vectorized loops over the whole chunk (polynomial exp and log1p, no branches: about
 *       6 ns a row where {@link Math#exp} and {@link Math#log} took 30);
 *   <li>the partial gradient {@code Z_c^T r_c} by a second float32 GEMV.
 * </ol>
 *
 * Up to 2048 features the chunk fits in a core's L2 cache, so the second GEMV reads it from
 * cache: the features are streamed from memory once per evaluation, as the design asks of the
 * kernels. The chunks' partial sums are finished on the host in float64 (Neumaier), always in
 * chunk order.
 *
 * <p>A shuffled batch pays for its gather: each row is a random read, so the pass is bound by
 * memory latency, not bandwidth (on 1M x 64, a shuffled full batch took about four times as long
 * as a contiguous one). A plain row-by-row NIO copy measured three times faster than
 * {@code Nd4j.pullRows} for this.
 *
 * <h2>Many columns</h2>
 *
 * Opened on {@link Columns} other than one unweighted column, an evaluation handles all K
 * columns {@code W = (w_1 .. w_K)} of every chunk at once, with two float32 GEMMs instead of
 * the two GEMVs:
 *
 * <ol>
 *   <li>the margins {@code M_c = Z_c W}, {@code n_c x K}, by one GEMM over the chunk's rows
 *       (in place or gathered, as above), so each row is read once for all K columns;
 *   <li>on the host in float64, per row and group g: the row's weight {@code s_ig} (the row's
 *       own weight times 0 when the group leaves out the row's fold, times the group's class
 *       weight of the row's label when the columns have a table), the group's target (y, or
 *       {@code y == positive(g)}), its loss and residuals (linear as above; logistic by
 *       {@link RowLosses} as above, over slices of {@value #SLICE_CELLS} cells; one column per
 *       group; softmax over the group's C coupled columns with
 *       {@link io.descent.loss.Softmax}); the loss, the weight and the intercepts' residual sums
 *       are summed in float64 and {@code s_ig r_ik} is stored as float32;
 *   <li>the partial gradient {@code Z_c^T (S .* R)}, {@code d x K}, by a second GEMM.
 * </ol>
 *
 * The per-chunk sums are finished in float64 in chunk order as above. They take
 * {@code 2 groups + K (d + 1)} doubles per chunk, so at most {@value #WAVE_DOUBLES} doubles of
 * them are held at once: the chunks run in waves of that many, each finished (in chunk order)
 * before the next starts, which changes nothing in the result. For K = 1 (one column with row
 * weights or a fold) the two products are GEMVs, as OpenBLAS does a GEMM of width 1 slower; a
 * single unweighted column keeps the GEMV path above, about a tenth faster still.
 *
 * <h2>Threads and reproducibility</h2>
 *
 * {@code threads} workers (the calling thread and a fixed pool) claim chunks one at a time, so a
 * worker slowed by a busy machine simply takes fewer. Each chunk's partial result lands in its own
 * slot, and a chunk's arithmetic does not depend on which worker ran it: OpenBLAS is pinned to one
 * thread per call (this sets ND4J's BLAS thread count for the process; nothing else in Descent
 * uses ND4J), its result depends on the sizes and the data, and every worker's scratch sits at
 * the same offset modulo 64 bytes in one shared allocation, so not even a kernel that peeled for
 * alignment could tell the workers apart. So repeated evaluations are bit-identical, and so are
 * evaluations with different worker counts (a test checks both).
 *
 * <p>The GEMVs call {@code cblas_sgemv} through the same JavaCPP binding ND4J's own
 * {@code CpuLevel2} uses, on ND4J-owned buffers. ND4J's public {@code gemv}/{@code gemm} go
 * through its {@code matmul} custom op, which costs tens of microseconds per call and picks a
 * slower kernel for some layouts: measured on 1M x 64, the same chunked evaluation through
 * {@code Nd4j.gemm} took 140 ms against 42 ms.
 *
 * <h2>Accuracy</h2>
 *
 * See {@link #tolerance()}.
 *
 * <h2>Speed</h2>
 *
 * On a 2-core AMD EPYC (Zen 4), 1M x 64 float32, median after warm-up, with the logistic row
 * work still in scalar {@link Math#exp} and {@link Math#log}: logistic 49 ms with one worker
 * (5.2 GB/s of features) and 25 ms with two (10.4 GB/s); linear 21 ms with one (12 GB/s). The
 * logistic gap was that host work (about 30 ns a row), not the GEMVs; {@link RowLosses} does it
 * in about 5 ns, which took the logistic pass from a median 45% to 69% of the host's read
 * bandwidth measured in the same run, and from 2.3 to 1.5 times a linear pass (11 interleaved
 * pairs on a heavily loaded machine; the README has the figures). For comparison, two
 * whole-matrix GEMVs through {@code Nd4j.gemm} alone took 80 ms.
 *
 * <p>Not thread-safe, like every backend. {@link #close()} releases the off-heap arrays and stops
 * the workers.
 */
public final class Nd4jBackend implements GradientBackend, io.descent.gradient.MomentSource {
  /**
   * The relative error bound: {@value}. See {@link #tolerance()} for the derivation.
   */
  public static final double TOLERANCE = 1e-5;

  /** The most rows in one chunk: bounds the float32 accumulation length inside a GEMV. */
  static final int MAX_CHUNK_ROWS = 1024;

  /**
   * The fewest rows in one chunk, whatever the width: keeps the per-chunk partial sums (d + 2
   * doubles per chunk) within 1/16 of the data's own size on very wide data.
   */
  static final int MIN_CHUNK_ROWS = 32;

  /** The features one chunk should hold: well inside one core's L2 cache. */
  private static final int CHUNK_BYTES = 256 * 1024;

  /**
   * The most per-chunk partial sums held at once by a many-column evaluation: {@value} doubles
   * (8 MiB); more chunks run in successive waves.
   */
  static final int WAVE_DOUBLES = 1 << 20;

  /**
   * The most cells (rows x columns) of a logistic many-column chunk whose losses and
   * residuals are formed at once: {@value} (the per-cell float64 arrays stay in L1/L2 cache).
   */
  static final int SLICE_CELLS = 1024;

  /** The most floats one NIO view may cover (1 GiB); NIO buffers are indexed by int. */
  private static final int SEGMENT_FLOATS = 1 << 28;

  private final Loss loss;
  private final Columns columns;
  /** K, the number of weight columns. */
  private final int count;
  /** True unless the columns are one unweighted column, which takes the GEMV path. */
  private final boolean batched;
  /** The rows' weights, or null when unweighted; not copied. */
  private final double[] weights;
  /** Doubles of partial sums per chunk on the many-column path. */
  private final int stride;
  /** Chunks per wave on the many-column path. */
  private final int waveChunks;
  /** Each group's held-out fold, or null without folds. */
  private final int[] heldOut;
  /** Each group's positive class, or null without them. */
  private final int[] positives;
  /** The groups x labels class-weight table, or null without one. */
  private final double[] classWeights;
  /** L, the labels of {@link #classWeights}. */
  private final int labels;
  /** The intercepts of the K columns, written before each many-column evaluation. */
  private final double[] intercepts;
  private final int rows;
  private final int features;
  private final int chunkRows;
  private final int threads;
  private final double[] y;
  /** The dataset, not copied: its raw rows for {@link #moments}. */
  private final Dataset data;
  /** The standardization's means: the moments' shift. */
  private final double[] mean;
  private final BackendInfo info;

  /** Off-heap arrays in allocation order; released in reverse. */
  private final List<INDArray> arrays = new ArrayList<>();
  /** The standardized features, row-major n x d; null when n * d == 0. */
  private final INDArray z;
  /** Host views of z, {@code segmentRows} whole rows each, so that none passes 2^31 bytes. */
  private final FloatBuffer[] zSegments;
  private final int segmentRows;
  /**
   * The weights as float32, written before each evaluation and read by every worker: w, or on the
   * many-column path W without its intercepts, column-major d x K.
   */
  private final FloatPointer wPointer;
  private final FloatBuffer wView;
  private final Worker[] workers;
  private final ExecutorService pool;
  /** The next chunk to claim during an evaluation. */
  private final AtomicInteger nextChunk = new AtomicInteger();

  /** Per chunk: loss sum, residual sum, then d partial gradient entries. Grows if needed. */
  private double[] partials;
  private boolean closed;

  private Nd4jBackend(Dataset data, Standardization standardization, Columns columns,
      int threads) {
    this.loss = columns.loss();
    this.columns = columns;
    this.count = columns.count();
    this.weights = data.weights();
    this.batched = !columns.isSingle() || weights != null;
    this.intercepts = new double[count];
    this.heldOut = columns.hasFolds() ? groupValues(columns.groups(), columns::heldOut) : null;
    this.positives = columns.hasPositives() ? groupValues(columns.groups(), columns::positive)
        : null;
    this.classWeights = columns.classWeights();
    this.labels = columns.labels();
    this.rows = data.rows();
    this.features = data.features();
    this.threads = threads;
    this.chunkRows = chunkRows(features);
    this.y = data.y();
    this.data = data;
    this.mean = standardization.mean();
    this.stride = 2 * columns.groups() + count * (features + 1);
    this.waveChunks = Math.max(threads, WAVE_DOUBLES / stride);
    this.info = new BackendInfo(BackendKind.ND4J,
        Nd4jRuntime.cpuName() + " via ND4J/" + Nd4jRuntime.blasName(), "float32", "-");
    Nd4jRuntime.singleThreadedBlas();
    boolean done = false;
    // Allocations must outlive any workspace the caller's thread has open.
    try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      long cells = (long) rows * features;
      z = cells == 0 ? null : allocate(cells);
      segmentRows = Math.max(1, SEGMENT_FLOATS / Math.max(1, features));
      zSegments = new FloatBuffer[z == null ? 0 : (rows + segmentRows - 1) / segmentRows];
      for (int k = 0; k < zSegments.length; k++) {
        int first = k * segmentRows;
        zSegments[k] = view(z, (long) first * features,
            Math.min(segmentRows, rows - first) * features);
      }
      standardizeInto(data, standardization);
      int wFloats = Math.max(1, features) * count;
      INDArray w = allocate(wFloats);
      wPointer = pointer(w);
      wView = view(w, 0, wFloats);
      // One allocation for every worker's scratch, each at a multiple of 64 bytes.
      long perWorker = Worker.floats(chunkRows, features, count);
      INDArray scratch = allocate(perWorker * threads);
      workers = new Worker[threads];
      for (int t = 0; t < threads; t++) {
        workers[t] = new Worker(scratch, perWorker * t);
      }
      int chunks = chunksFor(Math.max(1, rows));
      partials = batched ? new double[Math.min(chunks, waveChunks) * stride]
          : new double[chunks * (features + 2)];
      pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, daemonThreads());
      done = true;
    } finally {
      if (!done) {
        releaseArrays();
      }
    }
  }

  /**
   * Opens the backend on the data with as many workers as ND4J is configured for (which follows
   * {@code OMP_NUM_THREADS}, else the number of physical cores).
   *
   * @param data the dataset; its features are copied off-heap, its targets are used in place
   * @param standardization applied once, while copying
   * @param loss the per-row loss
   * @throws BackendUnavailableException when ND4J's native libraries cannot load here
   * @throws IllegalArgumentException when the standardization does not match the data
   */
  public static Nd4jBackend open(Dataset data, Standardization standardization, Loss loss) {
    return open(data, standardization, Columns.single(loss));
  }

  /**
   * Opens the backend on the data evaluating the given columns (and the data's row weights),
   * with as many workers as ND4J is configured for.
   *
   * @param data the dataset; its features are copied off-heap, its targets and row weights are
   *     used in place
   * @param standardization applied once, while copying
   * @param columns what each evaluation computes
   * @throws BackendUnavailableException when ND4J's native libraries cannot load here
   * @throws IllegalArgumentException when the standardization or the columns do not match the
   *     data
   */
  public static Nd4jBackend open(Dataset data, Standardization standardization,
      Columns columns) {
    requireLoaded();
    return open(data, standardization, columns, Nd4jRuntime.configuredThreads());
  }

  /**
   * Opens the backend with an explicit number of workers. The result does not depend on it.
   *
   * @param threads workers that evaluate chunks in parallel, at least 1
   * @throws BackendUnavailableException when ND4J's native libraries cannot load here
   * @throws IllegalArgumentException when threads is below 1 or the standardization does not
   *     match the data
   */
  public static Nd4jBackend open(Dataset data, Standardization standardization, Loss loss,
      int threads) {
    Objects.requireNonNull(loss, "loss");
    return open(data, standardization, Columns.single(loss), threads);
  }

  /**
   * Opens the backend on the columns with an explicit number of workers. The result does not
   * depend on it.
   *
   * @param threads workers that evaluate chunks in parallel, at least 1
   * @throws BackendUnavailableException when ND4J's native libraries cannot load here
   * @throws IllegalArgumentException when threads is below 1 or the standardization or the
   *     columns do not match the data
   */
  public static Nd4jBackend open(Dataset data, Standardization standardization, Columns columns,
      int threads) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(standardization, "standardization");
    Objects.requireNonNull(columns, "columns");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (standardization.features() != data.features()) {
      throw new IllegalArgumentException("standardization has " + standardization.features()
          + " features, data has " + data.features());
    }
    columns.check(data);
    requireLoaded();
    try {
      return new Nd4jBackend(data, standardization, columns, threads);
    } catch (OutOfMemoryError e) {
      throw new BackendUnavailableException("ND4J could not allocate " + data.rows() + " x "
          + data.features() + " float32 features off-heap: " + Nd4jRuntime.oneLine(e), e);
    }
  }

  private static void requireLoaded() {
    try {
      Nd4jRuntime.requireLoaded();
    } catch (LinkageError e) {
      // The holder class itself could not be linked: ND4J's classes are missing.
      throw new BackendUnavailableException("ND4J native backend could not load: "
          + Nd4jRuntime.oneLine(e), e);
    }
  }

  /**
   * The rows per chunk for d features: the largest power of two whose rows hold at most 256 KiB
   * of float32 features, kept within {@value #MIN_CHUNK_ROWS}..{@value #MAX_CHUNK_ROWS}.
   */
  static int chunkRows(int features) {
    int fit = CHUNK_BYTES / (Float.BYTES * Math.max(1, features));
    return fit < MIN_CHUNK_ROWS ? MIN_CHUNK_ROWS
        : Math.min(MAX_CHUNK_ROWS, Integer.highestOneBit(fit));
  }

  private static int[] groupValues(int groups, java.util.function.IntUnaryOperator value) {
    int[] v = new int[groups];
    for (int g = 0; g < groups; g++) {
      v[g] = value.applyAsInt(g);
    }
    return v;
  }

  private int chunksFor(int size) {
    return (size + chunkRows - 1) / chunkRows;
  }

  private INDArray allocate(long length) {
    INDArray a = Nd4j.createUninitialized(DataType.FLOAT, length);
    arrays.add(a);
    return a;
  }

  private static FloatPointer pointer(INDArray a) {
    // A private copy of the address, so that setting its position never touches ND4J's pointer.
    return new FloatPointer(a.data().addressPointer());
  }

  /** A pointer to {@code length} floats of a from {@code offset} on. */
  private static FloatPointer slice(INDArray a, long offset, int length) {
    return new FloatPointer(a.data().addressPointer()).getPointer(offset).capacity(length);
  }

  /**
   * A host view of {@code length} floats of a from {@code offset} on. ND4J's own
   * {@code asNioFloat()} silently stops at 2^31 bytes, so large arrays are viewed in segments.
   */
  private static FloatBuffer view(INDArray a, long offset, int length) {
    return slice(a, offset, length).asBuffer();
  }

  /** Writes z = (x - mean) * (1 / scale), formed in float64 as the reference forms it. */
  private void standardizeInto(Dataset data, Standardization s) {
    int d = features;
    double[] mean = s.mean();
    double[] invScale = s.inverseScales();
    boolean offHeap = data.offHeapRows().isPresent();
    float[] x = offHeap ? new float[d] : data.x();
    float[] row = new float[d];
    for (int i = 0; i < rows && d > 0; i++) {
      int base = i * d;
      if (offHeap) {
        data.copyRows(i, 1, x, 0);
        base = 0;
      }
      for (int j = 0; j < d; j++) {
        row[j] = (float) ((x[base + j] - mean[j]) * invScale[j]);
      }
      zSegments[i / segmentRows].put((i % segmentRows) * d, row);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "descent-nd4j-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** {@code <cpu model> via ND4J/OpenBLAS}, float32, no kernel layout. */
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

  /** Rows per chunk: the float32 accumulation length inside each GEMV. */
  public int chunkRows() {
    return chunkRows;
  }

  /** The number of workers evaluating chunks. */
  public int threads() {
    return threads;
  }

  /**
   * {@value #TOLERANCE}: the bound on {@code ||g - g_ref|| / ||g_ref||} and on the relative loss
   * error against {@link io.descent.gradient.ReferenceBackend}.
   *
   * <p>Why. With unit roundoff {@code u = 2^-24 ~ 6e-8}, C rows per chunk and d features, the
   * float32 steps are: z and w each rounded once (relative u); the margin's d-term dot product
   * (error at most about {@code d u sum_j |w_j z_j|}, the intercept is added in float64); the
   * residual rounded to float32 (u); and the chunk's C-term sums of {@code r z} (at most about
   * {@code C u sum_i |r_i z_ij|}). Everything after that, across chunks and for the loss and the
   * intercept, is float64. Rounding errors are independent and of both signs, so in practice they
   * grow like the square root of these counts: about {@code sqrt(C + d) u ~ 2e-6} of
   * {@code sum |r z|} for C = 1024, d = 64. The chunk cap is what keeps C, and so the bound,
   * independent of n: a single float32 GEMV over a million rows would lose a further two to three
   * digits. The 1e-5 bound leaves a margin of about 5 for cancellation, that is for
   * {@code sum |r_i z_ij| / |sum r_i z_ij|} up to about 5.
   *
   * <p>Many columns. The same steps bound every column of a many-column evaluation: the
   * GEMMs form each margin and each gradient entry as the GEMVs do, over the same chunk lengths,
   * and the one further rounding, of the weighted residual {@code s r} to float32, is another u.
   * So the bound holds per group, as {@code --verify-every} measures it (with the reference's
   * error scales), and for the plain relative error at points away from an optimum.
   *
   * <p>What it cannot cover. Near an optimum the gradient itself goes to zero while the float32
   * rounding of the data does not, so the relative error grows without bound there (no float32
   * backend can do better); compare at points where the gradient is not negligible, or compare
   * absolute errors against {@code 1e-5 * mean |r| |z|}.
   *
   * <p>Observed: 5e-9 to 3e-7 on random data of 1e3 to 1e6 rows (the error shrinks with n, as
   * independent roundings average out), and 2e-7 to 9e-7 on spambase at points with
   * {@code ||g|| >= 0.02}, its L2 optimum included.
   */
  @Override
  public double tolerance() {
    return TOLERANCE;
  }

  /** The columns this backend was opened on. */
  @Override
  public Columns columns() {
    return columns;
  }

  /**
   * Every group's weighted mean loss and every column's gradient, as the interface states: one
   * unweighted column by the GEMV path ({@link #evaluate}), anything else by the GEMM path.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws IllegalArgumentException for w of the wrong length, or a batch outside the data
   * @throws IndexOutOfBoundsException for a batch order entry that is not a row
   */
  @Override
  public BatchedEvaluation evaluateColumns(double[] w, Batch batch) {
    if (batched) {
      return evaluateMany(w, batch);
    }
    Evaluation e = evaluateOne(w, batch);
    return new BatchedEvaluation(new double[] {e.loss()}, e.gradient(),
        new double[] {batch.size()}, 1);
  }

  /**
   * The mean loss over the batch and its gradient, as the interface states (weighted by the
   * rows' weights when the data has them).
   *
   * @throws IllegalStateException after {@link #close()}, or when the backend evaluates more
   *     than one column
   * @throws IllegalArgumentException for theta of the wrong length, or a batch outside the data
   * @throws IndexOutOfBoundsException for a batch order entry that is not a row
   */
  @Override
  public Evaluation evaluate(double[] theta, Batch batch) {
    return batched ? GradientBackend.super.evaluate(theta, batch) : evaluateOne(theta, batch);
  }

  private void checkBatch(Batch batch) {
    if (closed) {
      throw new IllegalStateException("the ND4J backend is closed");
    }
    if (batch.contiguous()) {
      batch.requireWithin(rows);
    } else {
      int[] order = batch.order();
      for (int k = batch.from(); k < batch.to(); k++) {
        if (order[k] < 0 || order[k] >= rows) {
          throw new IndexOutOfBoundsException("batch order[" + k + "] = " + order[k]
              + " is not a row of 0.." + (rows - 1));
        }
      }
    }
  }

  /** The GEMV path: one unweighted column. */
  private Evaluation evaluateOne(double[] theta, Batch batch) {
    if (closed) {
      throw new IllegalStateException("the ND4J backend is closed");
    }
    int d = features;
    Shapes.requireTheta(theta, d + 1);
    checkBatch(batch);
    for (int j = 0; j < d; j++) {
      wView.put(j, (float) theta[j + 1]);
    }
    int chunks = chunksFor(batch.size());
    int stride = d + 2;
    if (partials.length < chunks * stride) {
      partials = new double[chunks * stride];
    }
    double intercept = theta[0];
    runChunks(0, chunks, (worker, c) -> worker.chunk(intercept, batch, c));

    // Finish in float64, in chunk order, whatever worker computed each chunk.
    double[] sum = new double[stride];
    double[] comp = new double[stride];
    finish(0, chunks, stride, sum, comp);
    int size = batch.size();
    double[] gradient = new double[d + 1];
    for (int j = 0; j <= d; j++) {
      gradient[j] = (sum[j + 1] + comp[j + 1]) / size;
    }
    return new Evaluation((sum[0] + comp[0]) / size, gradient);
  }

  /**
   * Adds the partial sums of chunks {@code first..end} (held from slot 0 of partials on) to
   * {@code sum}, Neumaier-compensated into {@code comp}, in chunk order.
   */
  private void finish(int first, int end, int stride, double[] sum, double[] comp) {
    for (int c = first; c < end; c++) {
      int base = (c - first) * stride;
      for (int j = 0; j < stride; j++) {
        CompensatedSum.add(sum, comp, j, partials[base + j]);
      }
    }
  }

  /** The GEMM path: K columns, row weights, folds. */
  private BatchedEvaluation evaluateMany(double[] w, Batch batch) {
    if (closed) {
      throw new IllegalStateException("the ND4J backend is closed");
    }
    int d = features;
    int p = d + 1;
    Shapes.requireParameters(w, p, count);
    checkBatch(batch);
    for (int k = 0; k < count; k++) {
      intercepts[k] = w[k * p];
      for (int j = 0; j < d; j++) {
        wView.put(k * d + j, (float) w[k * p + 1 + j]);
      }
    }
    int chunks = chunksFor(batch.size());
    double[] sum = new double[stride];
    double[] comp = new double[stride];
    for (int first = 0; first < chunks; first += waveChunks) {
      int from = first;
      int end = Math.min(chunks, first + waveChunks);
      runChunks(from, end, (worker, c) -> worker.columnsChunk(batch, c, (c - from) * stride));
      finish(from, end, stride, sum, comp);
    }
    int groups = columns.groups();
    int classes = columns.classes();
    double[] loss = new double[groups];
    double[] weight = new double[groups];
    double[] gradient = new double[p * count];
    for (int g = 0; g < groups; g++) {
      weight[g] = sum[groups + g] + comp[groups + g];
      if (weight[g] > 0) {
        loss[g] = (sum[g] + comp[g]) / weight[g];
        for (int j = g * classes * p; j < (g + 1) * classes * p; j++) {
          gradient[j] = (sum[2 * groups + j] + comp[2 * groups + j]) / weight[g];
        }
      }
    }
    return new BatchedEvaluation(loss, gradient, weight, count);
  }

  /** The work on one chunk, done by whichever worker claims it. */
  private interface ChunkTask {
    void run(Worker worker, int chunk);
  }

  /** Runs chunks {@code first..end} on the workers; their results land in their own slots. */
  private void runChunks(int first, int end, ChunkTask task) {
    nextChunk.set(first);
    int active = Math.min(threads, end - first);
    if (active == 1) {
      workers[0].run(end, task);
      return;
    }
    List<Future<?>> pending = new ArrayList<>(active - 1);
    for (int t = 1; t < active; t++) {
      Worker worker = workers[t];
      pending.add(pool.submit(() -> worker.run(end, task)));
    }
    RuntimeException failure = null;
    try {
      workers[0].run(end, task);
    } catch (RuntimeException e) {
      failure = e;
    }
    // Wait for every worker before returning, even on failure: they write into shared buffers.
    boolean interrupted = false;
    for (Future<?> f : pending) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException re ? re
                : new IllegalStateException("ND4J worker failed: " + e.getCause(), e.getCause());
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Rows per float64 GEMM of {@link #moments}: about 8 MiB of augmented rows. */
  private static final int MOMENT_DOUBLES = 1 << 20;

  /**
   * The moments of each fold's rows by float64 rank-k updates (BLAS {@code dsyrk}) over chunks
   * of rows: each chunk's augmented rows ({@code [1, x - mean, y - c_y]}, the float32 data's
   * values in float64) scaled by the square roots of their weights, {@code B}, give the upper
   * triangle of {@code B' B} (half the multiply-adds of the general product {@code W' A} of the
   * weighted and the plain copy, and one copy instead of two; an unweighted row's root is 1
   * exactly), and the chunks' products are added on the host with Neumaier sums, in row order.
   */
  @Override
  public io.descent.gradient.Moments[] moments(int[] rowFold, int folds) {
    if (rowFold != null && rowFold.length != rows) {
      throw new IllegalArgumentException(rows + " rows but " + rowFold.length + " row folds");
    }
    int d = features;
    int p = d + 2;
    int chunk = Math.max(1, MOMENT_DOUBLES / p);
    double targetShift = io.descent.gradient.Moments.targetShift(data);
    double[] centre = io.descent.gradient.Moments.centreFor(mean, data);
    boolean offHeap = data.offHeapRows().isPresent();
    float[] x = offHeap ? new float[d] : data.x();
    io.descent.gradient.Moments[] result = new io.descent.gradient.Moments[folds];
    try (org.bytedeco.javacpp.DoublePointer b = new org.bytedeco.javacpp.DoublePointer(
            (long) chunk * p);
        org.bytedeco.javacpp.DoublePointer c = new org.bytedeco.javacpp.DoublePointer(
            (long) p * p)) {
      double[] bRows = new double[chunk * p];
      double[] product = new double[p * p];
      for (int f = 0; f < folds; f++) {
        double[] sums = new double[io.descent.gradient.Moments.size(d)];
        double[] lost = new double[sums.length];
        int n = 0;
        for (int i = 0; i <= rows; i++) {
          boolean take = i < rows && (rowFold == null || rowFold[i] == f)
              && (weights == null || weights[i] != 0);
          if (take) {
            double root = weights == null ? 1 : Math.sqrt(weights[i]);
            int o = n * p;
            bRows[o] = root;
            int base = i * d;
            if (offHeap) {
              data.copyRows(i, 1, x, 0);
              base = 0;
            }
            for (int j = 0; j < d; j++) {
              bRows[o + 1 + j] = root * (x[base + j] - centre[j]);
            }
            bRows[o + d + 1] = root * (y[i] - targetShift);
            n++;
          }
          if (n > 0 && (n == chunk || i == rows)) {
            b.put(bRows, 0, n * p);
            // Column-major: the rows are p x n; C = B B', p x p, upper triangle.
            openblas_nolapack.cblas_dsyrk(openblas_nolapack.CblasColMajor,
                openblas_nolapack.CblasUpper, openblas_nolapack.CblasNoTrans, p, n, 1.0, b, p,
                0.0, c, p);
            c.get(product, 0, p * p);
            int t = 0;
            for (int j = 0; j < p; j++) {
              for (int k = j; k < p; k++) {
                CompensatedSum.add(sums, lost, t++, product[j + k * p]);
              }
            }
            n = 0;
          }
        }
        for (int t = 0; t < sums.length; t++) {
          sums[t] += lost[t];
        }
        result[f] = new io.descent.gradient.Moments(centre, targetShift, sums);
      }
    }
    return result;
  }

  /** Releases the off-heap arrays and stops the workers; safe to call more than once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
    }
    releaseArrays();
  }

  private void releaseArrays() {
    for (int k = arrays.size() - 1; k >= 0; k--) {
      INDArray a = arrays.get(k);
      if (a.closeable() && !a.wasClosed()) {
        a.close();
      }
    }
    arrays.clear();
  }

  /** Kind, device, shape, chunk rows and workers. */
  @Override
  public String toString() {
    return "Nd4jBackend[" + info.summary() + ", " + (batched ? columns + (weights != null
        ? " with row weights" : "") : loss.label()) + ", " + rows + " x " + features
        + ", chunkRows=" + chunkRows + ", threads=" + threads + (closed ? ", closed" : "") + "]";
  }

  /** One worker's scratch, allocated once at open and reused for every chunk it claims. */
  private final class Worker {
    private final FloatPointer rowsPointer;
    private final FloatPointer gatherPointer;
    private final FloatBuffer gatherView;
    private final FloatPointer marginPointer;
    private final FloatBuffer marginView;
    private final FloatPointer residualPointer;
    private final FloatBuffer residualView;
    private final FloatPointer partialPointer;
    private final FloatBuffer partialView;
    /** Host copies for the many-column path; null on the GEMV path. */
    private final float[] marginHost;
    private final float[] residualHost;
    private final float[] gradientHost;
    /** One row's margins and residuals in float64, and one chunk's sums (see {@link #stride}). */
    private final double[] rowMargins;
    private final double[] rowResiduals;
    private final double[] chunkSums;
    /**
     * The per-cell arrays of {@link RowLosses} for a logistic loss (empty for the others):
     * margins, targets, residuals, losses and two scratch arrays in float64, one chunk long on
     * the single-column path (which also holds the chunk's margins and residuals as float32 in
     * {@link #floatsIn} and {@link #floatsOut}), one slice of rows on the many-column path (with
     * each cell's weight in {@link #blockWeights}).
     */
    private final double[] blockMargins;
    private final double[] blockTargets;
    private final double[] blockResiduals;
    private final double[] blockLosses;
    private final double[] blockScratch;
    private final double[] blockSigns;
    private final double[] blockWeights;
    private final float[] floatsIn;
    private final float[] floatsOut;

    /**
     * @param scratch the shared scratch array
     * @param offset where this worker's {@link #floats} floats start, a multiple of 16
     */
    Worker(INDArray scratch, long offset) {
      int d = Math.max(1, features);
      int block = chunkRows * count;
      rowsPointer = z == null ? null : pointer(z);
      long at = offset;
      gatherPointer = slice(scratch, at, chunkRows * d);
      gatherView = gatherPointer.asBuffer();
      at += pad(chunkRows * d);
      marginPointer = slice(scratch, at, block);
      marginView = marginPointer.asBuffer();
      at += pad(block);
      residualPointer = slice(scratch, at, block);
      residualView = residualPointer.asBuffer();
      at += pad(block);
      partialPointer = slice(scratch, at, d * count);
      partialView = partialPointer.asBuffer();
      marginHost = batched ? new float[block] : null;
      residualHost = batched ? new float[block] : null;
      gradientHost = batched ? new float[d * count] : null;
      rowMargins = batched ? new double[count] : null;
      rowResiduals = batched ? new double[count] : null;
      chunkSums = batched ? new double[2 * columns.groups() + count] : null;
      int cells = loss != Loss.LOGISTIC ? 0
          : batched ? Math.max(1, SLICE_CELLS / count) * count : chunkRows;
      blockMargins = new double[cells];
      blockTargets = new double[cells];
      blockResiduals = new double[cells];
      blockLosses = new double[cells];
      blockScratch = new double[cells];
      blockSigns = new double[cells];
      blockWeights = batched ? new double[cells] : null;
      floatsIn = batched ? null : new float[cells];
      floatsOut = batched ? null : new float[cells];
    }

    /**
     * The floats one worker's scratch takes: gather block, margins and residuals of every
     * column, partial sums of every column.
     */
    static long floats(int chunkRows, int features, int columns) {
      int d = Math.max(1, features);
      long block = (long) chunkRows * columns;
      return pad((long) chunkRows * d) + 2 * pad(block) + pad((long) d * columns);
    }

    /** Rounds a float count up to a multiple of 16 (64 bytes). */
    private static long pad(long count) {
      return (count + 15) & ~15L;
    }

    /** Claims chunks until chunk {@code end} is reached, each into its slot of partials. */
    void run(int end, ChunkTask task) {
      for (int c = nextChunk.getAndIncrement(); c < end; c = nextChunk.getAndIncrement()) {
        task.run(this, c);
      }
    }

    /**
     * Chunk c of a many-column evaluation: margins by GEMM, losses and weighted residuals on the
     * host, the partial gradient by GEMM, all sums into {@code partials[slot ..]} laid out as
     * group losses, group weights, then every column's (residual sum, d gradient entries).
     */
    void columnsChunk(Batch batch, int c, int slot) {
      int d = features;
      int k = count;
      int start = c * chunkRows;
      int n = Math.min(chunkRows, batch.size() - start);
      FloatPointer block = null;
      if (d > 0) {
        block = rowsOf(batch, start, n);
        if (k == 1) {
          // One (weighted) column: a GEMV, which OpenBLAS does faster than a GEMM of width 1.
          openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasColMajor,
              openblas_nolapack.CblasTrans, d, n, 1f, block, d, wPointer, 1, 0f, marginPointer,
              1);
        } else {
          // Margins transposed, K x n column-major: M^T = W^T Z_c^T, with W column-major d x K
          // and the row-major block read as column-major d x n.
          openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor,
              openblas_nolapack.CblasTrans, openblas_nolapack.CblasNoTrans, k, n, d, 1f,
              wPointer, d, block, d, 0f, marginPointer, k);
        }
        marginView.get(0, marginHost, 0, n * k);
      }
      residuals(batch, start, n);
      int groups = columns.groups();
      for (int j = 0; j < 2 * groups; j++) {
        partials[slot + j] = chunkSums[j];
      }
      int p = d + 1;
      int at = slot + 2 * groups;
      for (int col = 0; col < k; col++) {
        partials[at + col * p] = chunkSums[2 * groups + col];
      }
      if (d > 0) {
        residualView.put(0, residualHost, 0, n * k);
        if (k == 1) {
          openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasColMajor,
              openblas_nolapack.CblasNoTrans, d, n, 1f, block, d, residualPointer, 1, 0f,
              partialPointer, 1);
        } else {
          // G = Z_c^T R, d x K column-major, with R stored transposed as K x n column-major.
          openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor,
              openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasTrans, d, k, n, 1f, block,
              d, residualPointer, k, 0f, partialPointer, d);
        }
        partialView.get(0, gradientHost, 0, d * k);
        for (int col = 0; col < k; col++) {
          int from = col * d;
          int to = at + col * p + 1;
          for (int j = 0; j < d; j++) {
            partials[to + j] = gradientHost[from + j];
          }
        }
      }
    }

    /**
     * Every row's weighted losses and residuals for every group, in float64 from the float32
     * margins: {@code s_ig r_ik} into the residual block as float32, and the sums of the chunk
     * (group losses, group weights, column residuals) into {@link #chunkSums}.
     */
    private void residuals(Batch batch, int start, int n) {
      Arrays.fill(chunkSums, 0);
      if (loss.coupled()) {
        softmaxResiduals(batch, start, n);
      } else {
        columnResiduals(batch, start, n);
      }
    }

    /**
     * {@link #residuals} for one logistic column per group, over slices of whole rows
     * of at most {@value #SLICE_CELLS} cells (or one row): each cell's margin, target and weight
     * gathered, its loss and residual by {@link RowLosses}' vectorized loops, then the weighted
     * sums in row order.
     */
    private void columnResiduals(Batch batch, int start, int n) {
      if (loss != Loss.LOGISTIC) {
        linearResiduals(batch, start, n);
        return;
      }
      int k = count;
      int step = Math.max(1, SLICE_CELLS / k);
      for (int q0 = 0; q0 < n; q0 += step) {
        int q1 = Math.min(n, q0 + step);
        sliceCells(batch, start, q0, q1);
        RowLosses.logistic(blockMargins, blockTargets, (q1 - q0) * k, blockResiduals,
            blockLosses, blockScratch, blockSigns);
        sliceSums(q0, q1);
      }
    }

    /**
     * {@link #residuals} for one linear column per group: one plain pass over the cells, which
     * has nothing for vectorizing to win.
     */
    private void linearResiduals(Batch batch, int start, int n) {
      int k = count;
      double[] sums = chunkSums;
      float[] margins = marginHost;
      float[] out = residualHost;
      double[] b = intercepts;
      double[] targets = y;
      double[] rowWeights = weights;
      int[] rowFold = columns.rowFolds();
      int[] held = heldOut;
      int[] positive = positives;
      double[] table = classWeights;
      int l0 = labels;
      for (int q = 0; q < n; q++) {
        int i = row(batch, start + q);
        double rowWeight = rowWeights == null ? 1 : rowWeights[i];
        double yi = targets[i];
        // A row's fold is >= 0 and a group leaving out none holds -1: they never match.
        int fold = rowFold == null ? -2 : rowFold[i];
        int at = q * k;
        for (int g = 0; g < k; g++) {
          double s = held != null && held[g] == fold ? 0
              : table == null ? rowWeight : rowWeight * table[g * l0 + (int) yi];
          if (s == 0) {
            out[at + g] = 0f;
            continue;
          }
          double t = positive == null ? yi : (yi == positive[g] ? 1 : 0);
          double r = b[g] + margins[at + g] - t;
          double rs = s * r;
          sums[g] += s * (0.5 * r * r);
          sums[k + g] += s;
          sums[2 * k + g] += rs;
          out[at + g] = (float) rs;
        }
      }
    }

    /** Rows {@code q0..q1} of the chunk: every cell's margin, target and weight. */
    private void sliceCells(Batch batch, int start, int q0, int q1) {
      int k = count;
      float[] margins = marginHost;
      double[] b = intercepts;
      double[] targets = y;
      double[] rowWeights = weights;
      int[] rowFold = columns.rowFolds();
      int[] held = heldOut;
      int[] positive = positives;
      double[] table = classWeights;
      int l0 = labels;
      for (int q = q0; q < q1; q++) {
        int i = row(batch, start + q);
        double rowWeight = rowWeights == null ? 1 : rowWeights[i];
        double yi = targets[i];
        // A row's fold is >= 0 and a group leaving out none holds -1: they never match.
        int fold = rowFold == null ? -2 : rowFold[i];
        int at = q * k;
        int to = (q - q0) * k;
        for (int g = 0; g < k; g++) {
          blockWeights[to + g] = held != null && held[g] == fold ? 0
              : table == null ? rowWeight : rowWeight * table[g * l0 + (int) yi];
          blockMargins[to + g] = b[g] + margins[at + g];
          blockTargets[to + g] = positive == null ? yi : (yi == positive[g] ? 1 : 0);
        }
      }
    }

    /**
     * Rows {@code q0..q1}: the weighted losses, weights and residuals into {@link #chunkSums},
     * {@code s r} into the residual block as float32 (0 where the weight is 0).
     */
    private void sliceSums(int q0, int q1) {
      int k = count;
      double[] sums = chunkSums;
      float[] out = residualHost;
      for (int q = q0; q < q1; q++) {
        int at = q * k;
        int from = (q - q0) * k;
        for (int g = 0; g < k; g++) {
          double s = blockWeights[from + g];
          if (s == 0) {
            out[at + g] = 0f;
            continue;
          }
          double rs = s * blockResiduals[from + g];
          sums[g] += s * blockLosses[from + g];
          sums[k + g] += s;
          sums[2 * k + g] += rs;
          out[at + g] = (float) rs;
        }
      }
    }

    /** {@link #residuals} for groups of C coupled softmax columns. */
    private void softmaxResiduals(Batch batch, int start, int n) {
      int k = count;
      int groups = columns.groups();
      int classes = columns.classes();
      for (int q = 0; q < n; q++) {
        int i = row(batch, start + q);
        double rowWeight = weights == null ? 1 : weights[i];
        int label = (int) y[i];
        int at = q * k;
        for (int g = 0; g < groups; g++) {
          int c0 = g * classes;
          double s = columns.weight(g, i, label, rowWeight);
          if (s == 0) {
            for (int c = c0; c < c0 + classes; c++) {
              residualHost[at + c] = 0f;
            }
            continue;
          }
          for (int c = c0; c < c0 + classes; c++) {
            rowMargins[c] = intercepts[c] + marginHost[at + c];
          }
          double l = Softmax.loss(rowMargins, c0, classes, label);
          Softmax.residuals(rowMargins, c0, classes, label, rowResiduals, c0);
          chunkSums[g] += s * l;
          chunkSums[groups + g] += s;
          for (int c = c0; c < c0 + classes; c++) {
            double rs = s * rowResiduals[c];
            chunkSums[2 * groups + c] += rs;
            residualHost[at + c] = (float) rs;
          }
        }
      }
    }

    private void chunk(double intercept, Batch batch, int c) {
      int d = features;
      int start = c * chunkRows;
      int count = Math.min(chunkRows, batch.size() - start);
      int slot = c * (d + 2);
      if (d > 0) {
        FloatPointer block = rowsOf(batch, start, count);
        // Row-major count x d is column-major d x count with leading dimension d.
        openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasColMajor,
            openblas_nolapack.CblasTrans, d, count, 1f, block, d, wPointer, 1, 0f, marginPointer,
            1);
      }
      if (loss == Loss.LOGISTIC) {
        logistic(intercept, batch, start, count, slot);
      } else {
        linear(intercept, batch, start, count, slot);
      }
      if (d > 0) {
        FloatPointer block = batch.contiguous() ? rowsPointer : gatherPointer;
        openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasColMajor,
            openblas_nolapack.CblasNoTrans, d, count, 1f, block, d, residualPointer, 1, 0f,
            partialPointer, 1);
        for (int j = 0; j < d; j++) {
          partials[slot + 2 + j] = partialView.get(j);
        }
      }
    }

    /** The chunk's rows as one row-major block: in place, or gathered into scratch. */
    private FloatPointer rowsOf(Batch batch, int start, int count) {
      int d = features;
      if (batch.contiguous()) {
        rowsPointer.position((long) (batch.from() + start) * d);
        return rowsPointer;
      }
      int[] order = batch.order();
      int offset = batch.from() + start;
      for (int k = 0; k < count; k++) {
        int i = order[offset + k];
        gatherView.put(k * d, zSegments[i / segmentRows], (i % segmentRows) * d, d);
      }
      return gatherPointer;
    }

    private int row(Batch batch, int position) {
      return batch.contiguous() ? batch.from() + position : batch.order()[batch.from() + position];
    }

    /**
     * Loss and residual sums over the chunk into {@code partials[slot]} and {@code [slot + 1]};
     * the residuals go to the residual buffer as float32. The per-row work runs in
     * {@link RowLosses}' vectorized loops over this worker's arrays.
     */
    private void logistic(double intercept, Batch batch, int start, int count, int slot) {
      double[] m = blockMargins;
      if (features > 0) {
        marginView.get(0, floatsIn, 0, count);
        float[] in = floatsIn;
        for (int k = 0; k < count; k++) {
          m[k] = intercept + in[k];
        }
      } else {
        Arrays.fill(m, 0, count, intercept);
      }
      double[] t = blockTargets;
      if (batch.contiguous()) {
        System.arraycopy(y, batch.from() + start, t, 0, count);
      } else {
        int[] order = batch.order();
        int offset = batch.from() + start;
        for (int k = 0; k < count; k++) {
          t[k] = y[order[offset + k]];
        }
      }
      double[] r = blockResiduals;
      double[] l = blockLosses;
      RowLosses.logistic(m, t, count, r, l, blockScratch, blockSigns);
      double lossSum = 0;
      double residualSum = 0;
      float[] out = floatsOut;
      for (int k = 0; k < count; k++) {
        lossSum += l[k];
        residualSum += r[k];
        out[k] = (float) r[k];
      }
      residualView.put(0, out, 0, count);
      partials[slot] = lossSum;
      partials[slot + 1] = residualSum;
    }

    /**
     * As {@link #logistic}, for squared error: one plain pass, which has nothing for
     * vectorizing to win.
     */
    private void linear(double intercept, Batch batch, int start, int count, int slot) {
      boolean hasFeatures = features > 0;
      double lossSum = 0;
      double residualSum = 0;
      for (int k = 0; k < count; k++) {
        double m = intercept + (hasFeatures ? marginView.get(k) : 0f);
        double r = m - y[row(batch, start + k)];
        lossSum += 0.5 * r * r;
        residualSum += r;
        residualView.put(k, (float) r);
      }
      partials[slot] = lossSum;
      partials[slot + 1] = residualSum;
    }
  }
}
