package io.descent.gradient.opencl;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU kernel's shape for one device and precision: VW, the features of one vector load; RB,
 * the rows whose margins form one vector (so that each exp and log1p serves RB rows); PFD, how
 * many blocks ahead rows are prefetched (0: none); and whether the margins are summed in column
 * order (see {@code kernels/gradient_cpu.cl}).
 *
 * <p>Chosen from what the device reports, never from the CPU this was written on: a vector of VW
 * or RB values must fit one of the device's vector registers. Wider vectors are split by the
 * compiler anyway, and clang warns that passing them to the built-in exp and log1p "changes the
 * ABI" (PoCL on an AVX2 CPU given float16: 11 warnings that reached the user's terminal). So with
 * R register bytes and values of b bytes (4 or 8), VW = min(R / b, 8) and RB = R / b rows
 * ({@link #rowsPerBlock(int)}: at least {@value #MIN_ROWS_PER_BLOCK}, at most 16), whose
 * residuals and losses run in vectors of at most R / b rows (the kernel's RV): float32 gets VW =
 * 8, RB = 8 on AVX2 and VW = 8, RB = 16 on AVX-512, float64 VW = 4 and RB = 8 (in two vectors of
 * 4) on AVX2, 8 and 8 on AVX-512. CPU devices prefetch two blocks ahead and sum the margins in
 * column order: what {@link CpuTuner} chose on an AVX2 EPYC, twice (3.91 ms against 5.40 ms for
 * row order without prefetch), and on an AVX-512 EPYC (Zen 4, PoCL {@code
 * pthread-skylake-avx512}: 1.32 ms against 2.38 ms for row order without prefetch, 262,144 x 64,
 * where an earlier AVX-512 EPYC had measured row order without prefetch best). A measurement
 * ({@link CpuTuner}) replaces this choice with the fastest of {@link #candidates}.
 *
 * @param vectorWidth VW: 2, 4, 8 or 16
 * @param rowsPerBlock RB: 2, 4, 8 or 16
 * @param prefetchBlocks PFD: blocks ahead to prefetch, 0 for none
 * @param columnOrder whether phase 1 runs in column order (COLUMNS)
 * @param lanes the values of this precision one of the device's vector registers holds
 *     ({@link #lanes}; the kernel's LANES): the widest vector phase 2 runs in
 * @param origin where the values came from, for reports: "device widths", "measured", "set"
 */
record CpuShape(int vectorWidth, int rowsPerBlock, int prefetchBlocks, boolean columnOrder,
    int lanes, String origin) {
  /** The widest VW chosen without measuring (16 x 16 spilled registers on AVX-512). */
  static final int MAX_VECTOR_WIDTH = 8;
  /** The largest RB. */
  static final int MAX_ROWS_PER_BLOCK = 16;
  /**
   * The fewest rows per block chosen without measuring, {@value}: the kernel folds each block's
   * gradient into its partial sums with one Kahan step per feature vector, and over 4 rows that
   * step cost as much as the rows' multiply-adds. Float64 on AVX2 (4 doubles a register) took
   * 0.76 of the time with 8 rows (phase 2 in two vectors of 4) against 4, linear and logistic
   * alike (1M x 64, a 2-core AMD EPYC with AVX2, PoCL 3.1, 2026-12-06).
   */
  static final int MIN_ROWS_PER_BLOCK = 8;
  /** PFD on devices with registers narrower than 512 bits. */
  static final int PREFETCH_BLOCKS = 2;
  /** The shape that fills the device's vector registers. */
  static CpuShape fromDevice(ClDevice device, boolean fp64) {
    int lanes = lanes(device, fp64);
    boolean prefetch = prefetches(device);
    return new CpuShape(Math.min(lanes, MAX_VECTOR_WIDTH), rowsPerBlock(lanes),
        prefetch ? PREFETCH_BLOCKS : 0, prefetch, lanes, "device widths");
  }

  /** RB for registers of {@code lanes} values: the register's width, at least 8, at most 16. */
  static int rowsPerBlock(int lanes) {
    return Math.min(Math.max(lanes, MIN_ROWS_PER_BLOCK), MAX_ROWS_PER_BLOCK);
  }

  /**
   * The shapes worth measuring: RB at the register's width, half of it, and {@link
   * #rowsPerBlock(int)}'s (VW as {@link #fromDevice}), each in row order with and without
   * prefetch and in column order with prefetch; no vector wider than a register (a block of more
   * rows runs phase 2 in several), so none draws a warning. Prefetch only on CPU devices (the
   * kernel prefetches with a clang built-in).
   */
  static List<CpuShape> candidates(ClDevice device, boolean fp64) {
    int lanes = lanes(device, fp64);
    int vw = Math.min(lanes, MAX_VECTOR_WIDTH);
    List<CpuShape> all = new ArrayList<>();
    for (int rb : new int[] {Math.max(2, lanes / 2), lanes, rowsPerBlock(lanes)}) {
      if (rb > MAX_ROWS_PER_BLOCK || all.stream().anyMatch(c -> c.rowsPerBlock() == rb)) {
        continue;
      }
      all.add(new CpuShape(vw, rb, 0, false, lanes, "measured"));
      if (prefetches(device)) {
        all.add(new CpuShape(vw, rb, PREFETCH_BLOCKS, false, lanes, "measured"));
        all.add(new CpuShape(vw, rb, PREFETCH_BLOCKS, true, lanes, "measured"));
      }
    }
    return List.copyOf(all);
  }

  /** Values of {@code fp64 ? 8 : 4} bytes in one vector register: at least 2, at most 16. */
  static int lanes(ClDevice device, boolean fp64) {
    int lanes = device.vectorRegisterBytes() / (fp64 ? 8 : 4);
    return Math.max(2, Math.min(16, Integer.highestOneBit(Math.max(1, lanes))));
  }

  private static boolean prefetches(ClDevice device) {
    return device.description().type() == io.descent.gradient.DeviceDescription.Type.CPU;
  }

  /** Whether {@code other} has the same values, whatever its origin. */
  boolean sameAs(CpuShape other) {
    return vectorWidth == other.vectorWidth && rowsPerBlock == other.rowsPerBlock
        && prefetchBlocks == other.prefetchBlocks && columnOrder == other.columnOrder;
  }

  /** The same values with another origin. */
  CpuShape from(String newOrigin) {
    return new CpuShape(vectorWidth, rowsPerBlock, prefetchBlocks, columnOrder, lanes,
        newOrigin);
  }

  /**
   * The build options that set them (and LANES), and LOG1P_SERIES, the CPU kernel's cheaper
   * log1p of the logistic loss (see common.cl; float32 only, the kernel ignores it in float64).
   */
  String defines() {
    return "-DVW=" + vectorWidth + " -DRB=" + rowsPerBlock + " -DLANES=" + lanes
        + " -DPFD=" + prefetchBlocks
        + " -DCOLUMNS=" + (columnOrder ? 1 : 0) + " -DLOG1P_SERIES=1";
  }

  /** "VW=8 RB=8 PFD=2 rows (device widths)". */
  String summary() {
    return "VW=" + vectorWidth + " RB=" + rowsPerBlock + " PFD=" + prefetchBlocks + " "
        + (columnOrder ? "columns" : "rows") + " (" + origin + ")";
  }
}
