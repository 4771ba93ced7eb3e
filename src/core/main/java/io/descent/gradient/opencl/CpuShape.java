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
 * R register bytes and values of b bytes (4 or 8), VW = min(R / b, 8) and RB = min(R / b, 16):
 * float32 gets VW = 8, RB = 8 on AVX2 and VW = 8, RB = 16 on AVX-512, float64 4 and 4 on AVX2,
 * 8 and 8 on AVX-512. CPU devices prefetch two blocks ahead and sum the margins in column order:
 * what {@link CpuTuner} chose on an AVX2 EPYC, twice (3.91 ms against 5.40 ms for row order
 * without prefetch), and on an AVX-512 EPYC (Zen 4, PoCL {@code pthread-skylake-avx512}: 1.32
 * ms against 2.38 ms for row order without prefetch, 262,144 x 64, where an earlier AVX-512
 * EPYC had measured row order without prefetch best). A measurement ({@link CpuTuner})
 * replaces this choice with the fastest of {@link #candidates}.
 *
 * @param vectorWidth VW: 2, 4, 8 or 16
 * @param rowsPerBlock RB: 2, 4, 8 or 16
 * @param prefetchBlocks PFD: blocks ahead to prefetch, 0 for none
 * @param columnOrder whether phase 1 runs in column order (COLUMNS)
 * @param origin where the values came from, for reports: "device widths", "measured", "set"
 */
record CpuShape(int vectorWidth, int rowsPerBlock, int prefetchBlocks, boolean columnOrder,
    String origin) {
  /** The widest VW chosen without measuring (16 x 16 spilled registers on AVX-512). */
  static final int MAX_VECTOR_WIDTH = 8;
  /** The largest RB. */
  static final int MAX_ROWS_PER_BLOCK = 16;
  /** PFD on devices with registers narrower than 512 bits. */
  static final int PREFETCH_BLOCKS = 2;
  /** The shape that fills the device's vector registers. */
  static CpuShape fromDevice(ClDevice device, boolean fp64) {
    int lanes = lanes(device, fp64);
    boolean prefetch = prefetches(device);
    return new CpuShape(Math.min(lanes, MAX_VECTOR_WIDTH), Math.min(lanes, MAX_ROWS_PER_BLOCK),
        prefetch ? PREFETCH_BLOCKS : 0, prefetch, "device widths");
  }

  /**
   * The shapes worth measuring: RB at the register's width or half of it (VW as
   * {@link #fromDevice}), each in row order with and without prefetch and in column order with
   * prefetch; none wider than a register, so none draws a warning. Prefetch only on CPU devices
   * (the kernel prefetches with a clang built-in).
   */
  static List<CpuShape> candidates(ClDevice device, boolean fp64) {
    int lanes = lanes(device, fp64);
    int vw = Math.min(lanes, MAX_VECTOR_WIDTH);
    List<CpuShape> all = new ArrayList<>();
    for (int rb : new int[] {Math.max(2, lanes / 2), lanes}) {
      if (rb > MAX_ROWS_PER_BLOCK || all.stream().anyMatch(c -> c.rowsPerBlock() == rb)) {
        continue;
      }
      all.add(new CpuShape(vw, rb, 0, false, "measured"));
      if (prefetches(device)) {
        all.add(new CpuShape(vw, rb, PREFETCH_BLOCKS, false, "measured"));
        all.add(new CpuShape(vw, rb, PREFETCH_BLOCKS, true, "measured"));
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
    return new CpuShape(vectorWidth, rowsPerBlock, prefetchBlocks, columnOrder, newOrigin);
  }

  /**
   * The build options that set them, and LOG1P_SERIES, the CPU kernel's cheaper log1p of the
   * logistic loss (see common.cl; float32 only, the kernel ignores it in float64).
   */
  String defines() {
    return "-DVW=" + vectorWidth + " -DRB=" + rowsPerBlock + " -DPFD=" + prefetchBlocks
        + " -DCOLUMNS=" + (columnOrder ? 1 : 0) + " -DLOG1P_SERIES=1";
  }

  /** "VW=8 RB=8 PFD=2 rows (device widths)". */
  String summary() {
    return "VW=" + vectorWidth + " RB=" + rowsPerBlock + " PFD=" + prefetchBlocks + " "
        + (columnOrder ? "columns" : "rows") + " (" + origin + ")";
  }
}
