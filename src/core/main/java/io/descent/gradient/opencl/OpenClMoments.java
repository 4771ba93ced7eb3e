package io.descent.gradient.opencl;

import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import io.descent.gradient.Moments;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * The weighted second moments of a dataset's rows on an OpenCL device, in one pass, by {@code
 * kernels/moments.cl} (float64: the device needs {@code cl_khr_fp64}).
 *
 * <p>Each fold's rows (every row without folds) of weight above 0 are uploaded in slabs of at
 * most {@code slabBytes}: raw float32 features, with their targets minus the target shift and
 * their weights in float64, into buffers of that size. The raw rows are needed whatever the
 * backend keeps resident (in float precision it may keep standardized float32 values, whose
 * rounding would cap the moments near 1e-7), and a slab at a time needs no second copy of the
 * data on the device. When the fold's rows are every row and none weighs 0 (no folds, no zero
 * weights), a slab's features go up straight from the dataset's array; otherwise its rows are
 * gathered on the host first. On a CPU device slabs are small ({@link #CPU_SLAB_BYTES}), so
 * that what is copied into a slab is still in the caches when the kernel reads it.
 *
 * <p>The cpu layout's work-items keep their compensated totals on the device across a fold's
 * slabs (each item takes a run of every slab's rows); the host reads them once per fold and adds
 * them in item order. The gpu layout's per-block sums are read after every slab and added in
 * slab and block order. Both are fixed orders: the same input on the same device gives the same
 * bits.
 *
 * <p>Measured on a 2-core AVX2 EPYC under PoCL 3.1 (pthread-haswell), the machine shared with
 * other builds, the register-tiled kernel against the one before it (every accumulator loaded
 * and stored every 4 rows, slabs of 64 MiB gathered on the host), in one run, medians of 7
 * (MomentsTiming in the tests): 200,000 x 64 in 70 ms against 241 ms; 1,000,000 x 64 in 439 ms
 * against 1172 ms (process CPU time 389 against 612 ms; on a quieter machine earlier, 0.2 to
 * 0.3 s against 0.62 s); 200,000 x 256 in 764 ms against 1792 ms.
 */
final class OpenClMoments {
  static final String FILE = "moments.cl";
  /** The most bytes of one staged slab unless the tuning forces fewer. */
  static final long SLAB_BYTES = 64L << 20;
  /**
   * The most bytes of one slab on a CPU device: {@value}, small enough that the slab just copied
   * is still in the last-level cache when the kernel reads it (one trip through memory instead
   * of three).
   */
  static final long CPU_SLAB_BYTES = 4L << 20;
  /** Rows per work-item block, unless there are too few rows for that many blocks. */
  private static final int BLOCK_ROWS = 128;
  /** The most partial sums one launch writes (blocks x entries), 4 MiB of doubles. */
  private static final int MAX_PARTIALS = 1 << 19;
  /**
   * The cpu layout: work-items per compute unit, {@value}. With 2 per unit PoCL on a 2-core
   * EPYC kept about one core busy (wall time = CPU time for 100,000 x 64); with 4, both.
   */
  static final int ITEMS_PER_COMPUTE_UNIT = 4;
  /** The cpu layout: the most doubles of the items' accumulators (256 MiB). */
  private static final long MAX_ITEM_DOUBLES = 1L << 25;

  private OpenClMoments() {}

  /**
   * The moments of each fold's rows about {@code shift} and the data's weighted mean target.
   *
   * @param cl the device's context (the program and buffers are made and released there)
   * @param data the raw rows and their weights
   * @param shift the features' shift (the backend's standardization means)
   * @param rowFold every row's fold, or null
   * @param folds the number of folds (1 without)
   * @param slabBytes the most bytes per slab (features, targets and weights)
   * @param cpu the cpu layout (work-items over runs of rows, {@code moments_rows}), else the gpu
   *     layout (work-items over the triangle's entries and blocks of rows, {@code moments})
   * @param device the device (its compute units: the cpu layout runs {@link
   *     #ITEMS_PER_COMPUTE_UNIT} items per unit; its
   *     vector registers: the cpu layout's {@link MomentTiles})
   */
  static Moments[] compute(ClContext cl, Dataset data, double[] shift, int[] rowFold, int folds,
      long slabBytes, boolean cpu, ClDevice device) {
    return compute(cl, data, shift, rowFold, folds, slabBytes, cpu, device,
        ProgramBinaries.user());
  }

  /**
   * As {@link #compute(ClContext, Dataset, double[], int[], int, long, boolean, ClDevice)},
   * with the kernel's program made from {@code binaries} when they hold it (and stored there
   * after its first run when they do not; see {@link ClContext#cachedProgram}).
   */
  static Moments[] compute(ClContext cl, Dataset data, double[] shift, int[] rowFold, int folds,
      long slabBytes, boolean cpu, ClDevice device, ProgramBinaries binaries) {
    int d = data.features();
    int p = d + 2;
    int entries = Moments.size(d);
    int[] entryRow = new int[entries];
    int[] entryCol = new int[entries];
    int t = 0;
    for (int j = 0; j < p; j++) {
      for (int k = j; k < p; k++) {
        entryRow[t] = j;
        entryCol[t] = k;
        t++;
      }
    }
    MomentTiles tiles = MomentTiles.forDevice(device, p);
    // cpu: each item's block, total and lost are squares; entry e is at squareAt[e].
    int square = tiles.paddedRows(p) * tiles.paddedColumns(p);
    int[] squareAt = new int[entries];
    for (int e = 0; e < entries; e++) {
      squareAt[e] = tiles.squareIndex(p, kernelIndex(entryRow[e], d), kernelIndex(entryCol[e], d));
    }
    double targetShift = Moments.targetShift(data);
    int n = data.rows();
    // Each staged row: d float32 features, its target and its weight in float64.
    int slabRows = (int) Math.max(1, Math.min(Math.max(1, n), slabBytes / (4L * d + 16)));
    String options = "-DPRECISION=64 " + (cpu ? tiles.defines(p, data.weights() != null)
        : "-DP=" + p);
    cl_program program = cl.cachedProgram(FILE, options, binaries);
    cl_kernel kernel = cl.kernel(program, cpu ? "moments_rows" : "moments");
    int computeUnits = device.description().computeUnits();
    // gpu: blocks x entries sums; cpu: items x (block, total, lost) x square.
    int maxBlocks = cpu ? (int) Math.max(1, Math.min(
        (long) ITEMS_PER_COMPUTE_UNIT * Math.max(1, computeUnits),
        MAX_ITEM_DOUBLES / (3L * square))) : Math.max(1, MAX_PARTIALS / entries);
    int stride = cpu ? 3 * square : entries;
    cl_mem x = cl.buffer(CL.CL_MEM_READ_ONLY, 4L * slabRows * Math.max(d, 1), "moment rows");
    cl_mem y = cl.buffer(CL.CL_MEM_READ_ONLY, 8L * slabRows, "moment targets");
    cl_mem s = cl.buffer(CL.CL_MEM_READ_ONLY, 8L * slabRows, "moment weights");
    cl_mem c = cl.buffer(CL.CL_MEM_READ_ONLY, 8L * Math.max(d, 1), "moment shift");
    cl_mem rowIndex = cpu ? null : cl.buffer(CL.CL_MEM_READ_ONLY, 4L * entries,
        "moment entries");
    cl_mem colIndex = cpu ? null : cl.buffer(CL.CL_MEM_READ_ONLY, 4L * entries,
        "moment entries");
    cl_mem partial = cl.buffer(CL.CL_MEM_READ_WRITE, 8L * maxBlocks * stride, "moment sums");
    try {
      if (d > 0) {
        cl.write(c, 0, 8L * d, Pointer.to(shift));
      }
      CL.clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(x));
      CL.clSetKernelArg(kernel, 1, Sizeof.cl_mem, Pointer.to(y));
      CL.clSetKernelArg(kernel, 2, Sizeof.cl_mem, Pointer.to(s));
      CL.clSetKernelArg(kernel, 3, Sizeof.cl_mem, Pointer.to(c));
      if (cpu) {
        CL.clSetKernelArg(kernel, 5, Sizeof.cl_int, Pointer.to(new int[] {d}));
        CL.clSetKernelArg(kernel, 7, Sizeof.cl_mem, Pointer.to(partial));
      } else {
        cl.write(rowIndex, 0, 4L * entries, Pointer.to(entryRow));
        cl.write(colIndex, 0, 4L * entries, Pointer.to(entryCol));
        CL.clSetKernelArg(kernel, 4, Sizeof.cl_mem, Pointer.to(rowIndex));
        CL.clSetKernelArg(kernel, 5, Sizeof.cl_mem, Pointer.to(colIndex));
        CL.clSetKernelArg(kernel, 7, Sizeof.cl_int, Pointer.to(new int[] {d}));
        CL.clSetKernelArg(kernel, 8, Sizeof.cl_int, Pointer.to(new int[] {entries}));
        CL.clSetKernelArg(kernel, 10, Sizeof.cl_mem, Pointer.to(partial));
      }
      // The features where they are (on the heap or off it), staged from there in bulk.
      java.nio.FloatBuffer offHeap = data.offHeapRows().orElse(null);
      Pointer all = offHeap != null ? Pointer.to(offHeap) : Pointer.to(data.x());
      double[] targets = data.y();
      double[] weights = data.weights();
      boolean everyRow = rowFold == null && !hasZero(weights);
      float[] xs = everyRow ? null : new float[slabRows * d];
      double[] ys = new double[slabRows];
      double[] ss = new double[slabRows];
      double[] out = new double[maxBlocks * stride];
      Moments[] result = new Moments[folds];
      for (int f = 0; f < folds; f++) {
        double[] sums = new double[entries];
        double[] lost = new double[entries];
        boolean fresh = true;
        if (everyRow) {
          // Every row, in order: each slab is a run of the dataset's arrays, staged in bulk.
          for (int first = 0; first < n; first += slabRows) {
            int rows = Math.min(slabRows, n - first);
            if (d > 0) {
              cl.write(x, 0, 4L * rows * d, all.withByteOffset(4L * first * d));
            }
            shifted(targets, first, rows, targetShift, ys);
            cl.write(y, 0, 8L * rows, Pointer.to(ys));
            if (weights != null) {
              cl.write(s, 0, 8L * rows, Pointer.to(weights).withByteOffset(8L * first));
            } else if (fresh) {
              // Unweighted: the weights are all 1, written once for every slab.
              java.util.Arrays.fill(ss, 1.0);
              cl.write(s, 0, 8L * rows, Pointer.to(ss));
            }
            runSlab(cl, kernel, partial, rows, entries, maxBlocks, out, sums, lost, cpu, fresh);
            fresh = false;
          }
        } else {
          // Some rows only (a fold's, or those of weight above 0): gathered on the host.
          int rows = 0;
          for (int i = 0; i <= n; i++) {
            double weight = i < n ? data.weight(i) : 0;
            if (i < n && (rowFold == null || rowFold[i] == f) && weight != 0) {
              data.copyRows(i, 1, xs, rows * d);
              ys[rows] = targets[i] - targetShift;
              ss[rows] = weight;
              rows++;
            }
            if (rows > 0 && (rows == slabRows || i == n)) {
              if (d > 0) {
                cl.write(x, 0, 4L * rows * d, Pointer.to(xs));
              }
              cl.write(y, 0, 8L * rows, Pointer.to(ys));
              cl.write(s, 0, 8L * rows, Pointer.to(ss));
              runSlab(cl, kernel, partial, rows, entries, maxBlocks, out, sums, lost, cpu,
                  fresh);
              fresh = false;
              rows = 0;
            }
          }
        }
        if (cpu && !fresh) {
          cl.read(partial, 8L * maxBlocks * stride, Pointer.to(out));
          for (int item = 0; item < maxBlocks; item++) {
            addItem(out, item * stride + square, square, squareAt, sums, lost);
          }
        }
        for (int e = 0; e < entries; e++) {
          sums[e] += lost[e];
        }
        result[f] = new Moments(shift, targetShift, sums);
      }
      cl.storeBinary(program, options, binaries);
      return result;
    } finally {
      for (cl_mem m : new cl_mem[] {x, y, s, c, rowIndex, colIndex, partial}) {
        if (m != null) {
          cl.release(m);
        }
      }
    }
  }

  /**
   * {@code rows} targets from {@code first} on, minus the shift, into {@code to}. This loop and
   * {@link #addItem} are methods of their own so that the JIT compiles each alone, soon: inside
   * {@code compute}, a million rows' loop made the JIT compile all of {@code compute} on the
   * stack while the pass ran, its compiler threads taking about a third of the 2 cores' samples
   * during a fresh JVM's first 1M x 64 moments pass, 4 to 7% since ({@code perf record -k
   * CLOCK_MONOTONIC} over that pass, a throwaway harness); the linear path's fit did not move
   * beyond the noise (0.32-0.48 s against 0.34-0.42 s, 6 alternating pairs).
   */
  private static void shifted(double[] targets, int first, int rows, double shift, double[] to) {
    for (int k = 0; k < rows; k++) {
      to[k] = targets[first + k] - shift;
    }
  }

  /**
   * Adds one work-item's compensated totals (its total square at {@code base}, its lost parts a
   * square further) into the fold's sums, entry by entry.
   */
  private static void addItem(double[] out, int base, int square, int[] squareAt, double[] sums,
      double[] lost) {
    for (int e = 0; e < squareAt.length; e++) {
      CompensatedSum.add(sums, lost, e, out[base + squareAt[e]]);
      CompensatedSum.add(sums, lost, e, out[base + square + squareAt[e]]);
    }
  }

  /**
   * Where the kernel's augmented row {@code [x_1, ..., x_d, 1, y]} holds entry j of the packed
   * order {@code [1, x_1, ..., x_d, y]}: the constant at d, feature j at j - 1, the target at
   * d + 1.
   */
  static int kernelIndex(int j, int d) {
    return j == 0 ? d : j <= d ? j - 1 : d + 1;
  }

  private static boolean hasZero(double[] weights) {
    if (weights != null) {
      for (double w : weights) {
        if (w == 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Runs the kernel over the slab just uploaded: in the cpu layout each item adds into its own
   * sums ({@code fresh}: the fold's first slab starts them at 0), in the gpu layout the blocks'
   * sums are read and added now.
   */
  private static void runSlab(ClContext cl, cl_kernel kernel, cl_mem partial, int rows,
      int entries, int maxBlocks, double[] out, double[] sums, double[] lost, boolean cpu,
      boolean fresh) {
    if (cpu) {
      launchRows(cl, kernel, rows, maxBlocks, fresh);
    } else {
      launch(cl, kernel, partial, rows, entries, maxBlocks, out, sums, lost);
    }
  }

  /**
   * The cpu layout: runs {@code moments_rows} over one uploaded slab with {@code items}
   * work-items, each adding a run of its rows to its totals on the device ({@code fresh}: the
   * fold's first slab, which starts them at 0). Every launch has the same items, so each keeps
   * its slice of the sums across the fold's slabs.
   */
  private static void launchRows(ClContext cl, cl_kernel kernel, int rows, int items,
      boolean fresh) {
    int perItem = (rows + items - 1) / items;
    CL.clSetKernelArg(kernel, 4, Sizeof.cl_int, Pointer.to(new int[] {rows}));
    CL.clSetKernelArg(kernel, 6, Sizeof.cl_int, Pointer.to(new int[] {perItem}));
    CL.clSetKernelArg(kernel, 8, Sizeof.cl_int, Pointer.to(new int[] {fresh ? 1 : 0}));
    cl.launch(kernel, new long[] {items}, new long[] {1});
  }

  /** The gpu layout: runs the kernel over one uploaded slab and adds its blocks' sums. */
  private static void launch(ClContext cl, cl_kernel kernel, cl_mem partial, int rows,
      int entries, int maxBlocks, double[] out, double[] sums, double[] lost) {
    int blocks = Math.max(1, Math.min(maxBlocks, (rows + BLOCK_ROWS - 1) / BLOCK_ROWS));
    int blockRows = (rows + blocks - 1) / blocks;
    blocks = (rows + blockRows - 1) / blockRows;
    CL.clSetKernelArg(kernel, 6, Sizeof.cl_int, Pointer.to(new int[] {rows}));
    CL.clSetKernelArg(kernel, 9, Sizeof.cl_int, Pointer.to(new int[] {blockRows}));
    cl.launch(kernel, new long[] {entries, blocks}, null);
    cl.read(partial, 8L * blocks * entries, Pointer.to(out));
    for (int b = 0; b < blocks; b++) {
      int base = b * entries;
      for (int e = 0; e < entries; e++) {
        CompensatedSum.add(sums, lost, e, out[base + e]);
      }
    }
  }
}
