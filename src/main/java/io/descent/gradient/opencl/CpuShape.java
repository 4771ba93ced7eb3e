package io.descent.gradient.opencl;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU kernel's two shapes for one device and precision: VW, the features of one vector load,
 * and RB, the rows whose margins form one vector (so that each exp and log1p serves RB rows).
 *
 * <p>Both are chosen from what the device reports, never from the CPU this was written on: a
 * vector of VW or RB values must fit one of the device's vector registers. Wider vectors are
 * split by the compiler anyway, and clang warns that passing them to the built-in exp and log1p
 * "changes the ABI" (PoCL on an AVX2 CPU given float16: 11 warnings that reached the user's
 * terminal). So with R register bytes and a value of b bytes (4 or 8), VW = min(R / b, 8) and
 * RB = min(R / b, 16): float32 gets VW = 8, RB = 8 on AVX2 and VW = 8, RB = 16 on AVX-512 (16 x 16
 * spilled registers there); float64 gets 4 and 4 on AVX2, 8 and 8 on AVX-512. A measurement
 * ({@link CpuTuner}) can replace this choice with the fastest of {@link #candidates}.
 *
 * @param vectorWidth VW: 2, 4, 8 or 16
 * @param rowsPerBlock RB: 2, 4, 8 or 16
 * @param origin where the values came from, for reports: "device widths", "measured", "set"
 */
record CpuShape(int vectorWidth, int rowsPerBlock, String origin) {
  /** The widest VW the kernel's shuffle reductions are written for. */
  static final int MAX_VECTOR_WIDTH = 8;
  /** The largest RB. */
  static final int MAX_ROWS_PER_BLOCK = 16;

  /** The shape that fills the device's vector registers. */
  static CpuShape fromDevice(ClDevice device, boolean fp64) {
    int lanes = lanes(device, fp64);
    return new CpuShape(Math.min(lanes, MAX_VECTOR_WIDTH), Math.min(lanes, MAX_ROWS_PER_BLOCK),
        "device widths");
  }

  /**
   * The shapes worth measuring: VW and RB each at the register's width or half of it, none wider
   * than a register (so none draws a warning).
   */
  static List<CpuShape> candidates(ClDevice device, boolean fp64) {
    int lanes = lanes(device, fp64);
    List<CpuShape> all = new ArrayList<>();
    for (int vw : new int[] {lanes / 2, lanes}) {
      for (int rb : new int[] {lanes / 2, lanes}) {
        if (vw >= 2 && rb >= 2 && vw <= MAX_VECTOR_WIDTH && rb <= MAX_ROWS_PER_BLOCK) {
          all.add(new CpuShape(vw, rb, "measured"));
        }
      }
    }
    if (all.isEmpty()) {
      all.add(fromDevice(device, fp64));
    }
    return List.copyOf(all);
  }

  /** Values of {@code fp64 ? 8 : 4} bytes in one vector register: at least 2, at most 16. */
  static int lanes(ClDevice device, boolean fp64) {
    int lanes = device.vectorRegisterBytes() / (fp64 ? 8 : 4);
    return Math.max(2, Math.min(16, Integer.highestOneBit(Math.max(1, lanes))));
  }

  /** The same values with another origin. */
  CpuShape from(String newOrigin) {
    return new CpuShape(vectorWidth, rowsPerBlock, newOrigin);
  }

  /** The build options that set them. */
  String defines() {
    return "-DVW=" + vectorWidth + " -DRB=" + rowsPerBlock;
  }

  /** "VW=8, RB=8 (device widths)". */
  String summary() {
    return "VW=" + vectorWidth + ", RB=" + rowsPerBlock + " (" + origin + ")";
  }
}
