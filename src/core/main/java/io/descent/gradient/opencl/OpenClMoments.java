package io.descent.gradient.opencl;

import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import io.descent.gradient.Moments;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The weighted second moments of a dataset's rows on an OpenCL device, in one pass, by {@code
 * kernels/moments.cl} (float64: the device needs {@code cl_khr_fp64}).
 *
 * <p>Each fold's rows (every row without folds) of weight above 0 are staged on the host into
 * slabs of at most {@code slabBytes}: raw float32 features, with their targets minus the target
 * shift and their weights in float64, uploaded slab by slab into buffers of that size. The raw
 * rows are needed whatever the backend keeps resident (in float precision it keeps
 * standardized float32 values, whose rounding would cap the moments near 1e-7), and a slab at a
 * time needs no second copy of the data on the device. Each launch's per-item (cpu layout) or
 * per-block (gpu layout) sums are added on the host in float64 with Neumaier compensation, in
 * slab and item or block order: a fixed order, so the same input on the same device gives the
 * same bits.
 */
final class OpenClMoments {
  static final String FILE = "moments.cl";
  /** The most bytes of one staged slab unless the tuning forces fewer. */
  static final long SLAB_BYTES = 64L << 20;
  /** Rows per work-item block, unless there are too few rows for that many blocks. */
  private static final int BLOCK_ROWS = 128;
  /** The most partial sums one launch writes (blocks x entries), 4 MiB of doubles. */
  private static final int MAX_PARTIALS = 1 << 19;
  /** The cpu layout: the fewest rows a work-item takes (BLOCK in moments.cl). */
  private static final int ROWS_BLOCK = 64;
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
   * @param computeUnits the device's compute units (the cpu layout runs twice as many items)
   */
  static Moments[] compute(ClContext cl, Dataset data, double[] shift, int[] rowFold, int folds,
      long slabBytes, boolean cpu, int computeUnits) {
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
    double targetShift = Moments.targetShift(data);
    int n = data.rows();
    // Each staged row: d float32 features, its target and its weight in float64.
    int slabRows = (int) Math.max(1, Math.min(Math.max(1, n), slabBytes / (4L * d + 16)));
    cl_kernel kernel = cl.kernel(cl.program(FILE, "-DPRECISION=64 -DP=" + p),
        cpu ? "moments_rows" : "moments");
    cl_mem x = cl.buffer(CL.CL_MEM_READ_ONLY, 4L * slabRows * Math.max(d, 1), "moment rows");
    cl_mem y = cl.buffer(CL.CL_MEM_READ_ONLY, 8L * slabRows, "moment targets");
    cl_mem s = cl.buffer(CL.CL_MEM_READ_ONLY, 8L * slabRows, "moment weights");
    cl_mem c = cl.buffer(CL.CL_MEM_READ_ONLY, 8L * Math.max(d, 1), "moment shift");
    cl_mem rowIndex = cl.buffer(CL.CL_MEM_READ_ONLY, 4L * entries, "moment entries");
    cl_mem colIndex = cl.buffer(CL.CL_MEM_READ_ONLY, 4L * entries, "moment entries");
    // gpu: blocks x entries sums; cpu: items x (block, total, lost) x entries.
    int maxBlocks = cpu ? (int) Math.max(1, Math.min(2L * Math.max(1, computeUnits),
        MAX_ITEM_DOUBLES / (3L * entries))) : Math.max(1, MAX_PARTIALS / entries);
    int stride = cpu ? 3 * entries : entries;
    cl_mem partial = cl.buffer(CL.CL_MEM_READ_WRITE, 8L * maxBlocks * stride, "moment sums");
    try {
      if (d > 0) {
        cl.write(c, 0, 8L * d, Pointer.to(shift));
      }
      cl.write(rowIndex, 0, 4L * entries, Pointer.to(entryRow));
      cl.write(colIndex, 0, 4L * entries, Pointer.to(entryCol));
      CL.clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(x));
      CL.clSetKernelArg(kernel, 1, Sizeof.cl_mem, Pointer.to(y));
      CL.clSetKernelArg(kernel, 2, Sizeof.cl_mem, Pointer.to(s));
      CL.clSetKernelArg(kernel, 3, Sizeof.cl_mem, Pointer.to(c));
      if (cpu) {
        CL.clSetKernelArg(kernel, 5, Sizeof.cl_int, Pointer.to(new int[] {d}));
        CL.clSetKernelArg(kernel, 7, Sizeof.cl_mem, Pointer.to(partial));
      } else {
        CL.clSetKernelArg(kernel, 4, Sizeof.cl_mem, Pointer.to(rowIndex));
        CL.clSetKernelArg(kernel, 5, Sizeof.cl_mem, Pointer.to(colIndex));
        CL.clSetKernelArg(kernel, 7, Sizeof.cl_int, Pointer.to(new int[] {d}));
        CL.clSetKernelArg(kernel, 8, Sizeof.cl_int, Pointer.to(new int[] {entries}));
        CL.clSetKernelArg(kernel, 10, Sizeof.cl_mem, Pointer.to(partial));
      }
      float[] xs = new float[slabRows * d];
      double[] ys = new double[slabRows];
      double[] ss = new double[slabRows];
      double[] out = new double[maxBlocks * stride];
      float[] all = data.x();
      double[] targets = data.y();
      Moments[] result = new Moments[folds];
      for (int f = 0; f < folds; f++) {
        double[] sums = new double[entries];
        double[] lost = new double[entries];
        int rows = 0;
        for (int i = 0; i <= n; i++) {
          double weight = i < n ? data.weight(i) : 0;
          if (i < n && (rowFold == null || rowFold[i] == f) && weight != 0) {
            System.arraycopy(all, i * d, xs, rows * d, d);
            ys[rows] = targets[i] - targetShift;
            ss[rows] = weight;
            rows++;
          }
          if (rows > 0 && (rows == slabRows || i == n)) {
            if (cpu) {
              launchRows(cl, kernel, x, y, s, partial, xs, ys, ss, rows, d, entries, maxBlocks,
                  out, sums, lost);
            } else {
              launch(cl, kernel, x, y, s, partial, xs, ys, ss, rows, d, entries, maxBlocks, out,
                  sums, lost);
            }
            rows = 0;
          }
        }
        for (int e = 0; e < entries; e++) {
          sums[e] += lost[e];
        }
        result[f] = new Moments(shift, targetShift, sums);
      }
      return result;
    } finally {
      for (cl_mem m : new cl_mem[] {x, y, s, c, rowIndex, colIndex, partial}) {
        cl.release(m);
      }
    }
  }

  /**
   * The cpu layout: uploads one slab, runs {@code moments_rows} with up to {@code maxItems}
   * work-items over runs of its rows, and adds each item's total and compensation in item order.
   */
  private static void launchRows(ClContext cl, cl_kernel kernel, cl_mem x, cl_mem y, cl_mem s,
      cl_mem partial, float[] xs, double[] ys, double[] ss, int rows, int d, int entries,
      int maxItems, double[] out, double[] sums, double[] lost) {
    upload(cl, x, y, s, xs, ys, ss, rows, d);
    int items = Math.max(1, Math.min(maxItems, (rows + ROWS_BLOCK - 1) / ROWS_BLOCK));
    int perItem = (rows + items - 1) / items;
    items = (rows + perItem - 1) / perItem;
    CL.clSetKernelArg(kernel, 4, Sizeof.cl_int, Pointer.to(new int[] {rows}));
    CL.clSetKernelArg(kernel, 6, Sizeof.cl_int, Pointer.to(new int[] {perItem}));
    CL.clEnqueueNDRangeKernel(cl.queue, kernel, 1, null, new long[] {items}, new long[] {1}, 0,
        null, null);
    int stride = 3 * entries;
    CL.clEnqueueReadBuffer(cl.queue, partial, true, 0, 8L * items * stride, Pointer.to(out), 0,
        null, null);
    for (int i = 0; i < items; i++) {
      int base = i * stride + entries;
      for (int e = 0; e < entries; e++) {
        CompensatedSum.add(sums, lost, e, out[base + e]);
        CompensatedSum.add(sums, lost, e, out[base + entries + e]);
      }
    }
  }

  private static void upload(ClContext cl, cl_mem x, cl_mem y, cl_mem s, float[] xs,
      double[] ys, double[] ss, int rows, int d) {
    if (d > 0) {
      cl.write(x, 0, 4L * rows * d, Pointer.to(xs));
    }
    cl.write(y, 0, 8L * rows, Pointer.to(ys));
    cl.write(s, 0, 8L * rows, Pointer.to(ss));
  }

  /** Uploads one slab, runs the kernel over it and adds its blocks' sums in block order. */
  private static void launch(ClContext cl, cl_kernel kernel, cl_mem x, cl_mem y, cl_mem s,
      cl_mem partial, float[] xs, double[] ys, double[] ss, int rows, int d, int entries,
      int maxBlocks, double[] out, double[] sums, double[] lost) {
    if (d > 0) {
      cl.write(x, 0, 4L * rows * d, Pointer.to(xs));
    }
    cl.write(y, 0, 8L * rows, Pointer.to(ys));
    cl.write(s, 0, 8L * rows, Pointer.to(ss));
    int blocks = Math.max(1, Math.min(maxBlocks, (rows + BLOCK_ROWS - 1) / BLOCK_ROWS));
    int blockRows = (rows + blocks - 1) / blocks;
    blocks = (rows + blockRows - 1) / blockRows;
    CL.clSetKernelArg(kernel, 6, Sizeof.cl_int, Pointer.to(new int[] {rows}));
    CL.clSetKernelArg(kernel, 9, Sizeof.cl_int, Pointer.to(new int[] {blockRows}));
    CL.clEnqueueNDRangeKernel(cl.queue, kernel, 2, null, new long[] {entries, blocks}, null, 0,
        null, null);
    CL.clEnqueueReadBuffer(cl.queue, partial, true, 0, 8L * blocks * entries, Pointer.to(out), 0,
        null, null);
    for (int b = 0; b < blocks; b++) {
      int base = b * entries;
      for (int e = 0; e < entries; e++) {
        CompensatedSum.add(sums, lost, e, out[base + e]);
      }
    }
  }
}
