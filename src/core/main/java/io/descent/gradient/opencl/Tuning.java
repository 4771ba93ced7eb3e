package io.descent.gradient.opencl;

import java.util.Map;

/**
 * The knobs of the OpenCL kernels and of data placement. The defaults are what measured best on
 * PoCL (CPU layout) and what is conventional on GPUs (GPU layout); {@link KernelBenchmark} takes
 * them from the command line for tuning, and tests force small chunks with
 * {@link #withMaxChunkBytes} and small device limits with {@link #withKernelWorkGroupLimit} and
 * {@link #withLocalMemoryBytes}.
 *
 * <p>The kernel tunables the host itself derives sizes from (VW, RB, WGS, RT) and the defines
 * that must match the data on the device (PRECISION, LOSS, CENTER) come only from their own
 * fields or options: {@code extraDefines} may not set them, since the kernel and the host would
 * then disagree (a -DWGS the launch does not use is CL_INVALID_WORK_GROUP_SIZE, a -DRT larger
 * than the host's writes past the local memory it allocated).
 *
 * @param vectorWidth CPU layout: features per vector load (VW: 2, 4, 8 or 16), or 0 to choose
 *     it per device ({@link CpuShape})
 * @param rowsPerBlock CPU layout: rows whose margins form one vector (RB: 2, 4, 8 or 16), or 0
 *     to choose it per device
 * @param itemsPerComputeUnit CPU layout: work-items (each one contiguous block of rows) per
 *     compute unit, for load balance across the device's threads
 * @param workGroupSize GPU layout: the largest work-group size to use (WGS, a power of two);
 *     smaller where the device or the built kernel allows less
 * @param rowsPerItem GPU layout, narrow kernel: rows each work-item sums before the tree
 * @param rowsPerTile GPU layout, wide kernel: rows whose margins are reduced together (RT)
 * @param narrowMaxFeatures GPU layout: the largest d that uses the narrow kernel
 * @param wideGroupsPerComputeUnit GPU layout, wide kernel: work-groups per compute unit
 * @param maxChunkBytes the most bytes of x in one device buffer; 0 means the device's
 *     {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}
 * @param globalMemoryBytes the device memory the data must fit in; 0 means the device's
 *     {@code CL_DEVICE_GLOBAL_MEM_SIZE}
 * @param kernelWorkGroupLimit a further cap on the built kernel's
 *     {@code CL_KERNEL_WORK_GROUP_SIZE}, as a driver with fewer registers would report; 0 means
 *     none (the queried value alone)
 * @param localMemoryBytes the local memory a work-group may use; 0 means the device's
 *     {@code CL_DEVICE_LOCAL_MEM_SIZE}
 * @param extraDefines more build options appended after the backend's own ("-DPFD=4"): they
 *     override any other kernel tunable with an {@code #ifndef} default, for tuning runs
 */
record Tuning(int vectorWidth, int rowsPerBlock, int itemsPerComputeUnit, int workGroupSize,
    int rowsPerItem, int rowsPerTile, int narrowMaxFeatures, int wideGroupsPerComputeUnit,
    long maxChunkBytes, long globalMemoryBytes, long kernelWorkGroupLimit, long localMemoryBytes,
    String extraDefines) {

  /**
   * The defines the host sets itself, and where each comes from instead of
   * {@code extraDefines}.
   */
  static final Map<String, String> HOST_DEFINES = Map.of(
      "VW", "the tuning's vectorWidth",
      "RB", "the tuning's rowsPerBlock",
      "WGS", "the tuning's workGroupSize",
      "RT", "the tuning's rowsPerTile",
      "PRECISION", "the precision option",
      "LOSS", "the loss",
      "CENTER", "the precision option");

  /** Checks every knob is in its range. */
  Tuning {
    requireWidth("vectorWidth", vectorWidth);
    requireWidth("rowsPerBlock", rowsPerBlock);
    if (itemsPerComputeUnit < 1) {
      throw new IllegalArgumentException("itemsPerComputeUnit must be >= 1, got "
          + itemsPerComputeUnit);
    }
    if (workGroupSize < 1 || Integer.bitCount(workGroupSize) != 1) {
      throw new IllegalArgumentException("workGroupSize must be a power of two, got "
          + workGroupSize);
    }
    if (rowsPerItem < 1 || rowsPerTile < 1 || narrowMaxFeatures < 0
        || wideGroupsPerComputeUnit < 1) {
      throw new IllegalArgumentException("rowsPerItem, rowsPerTile and wideGroupsPerComputeUnit"
          + " must be >= 1 and narrowMaxFeatures >= 0, got " + rowsPerItem + ", " + rowsPerTile
          + ", " + wideGroupsPerComputeUnit + ", " + narrowMaxFeatures);
    }
    extraDefines = extraDefines == null ? "" : extraDefines.trim();
    if (maxChunkBytes < 0 || globalMemoryBytes < 0 || kernelWorkGroupLimit < 0
        || localMemoryBytes < 0) {
      throw new IllegalArgumentException("maxChunkBytes, globalMemoryBytes, kernelWorkGroupLimit"
          + " and localMemoryBytes must be >= 0, got " + maxChunkBytes + ", " + globalMemoryBytes
          + ", " + kernelWorkGroupLimit + ", " + localMemoryBytes);
    }
    requireNoHostDefine(extraDefines);
  }

  private static void requireWidth(String name, int value) {
    if (value != 0 && value != 2 && value != 4 && value != 8 && value != 16) {
      throw new IllegalArgumentException(name + " must be 2, 4, 8 or 16 (0: per device), got "
          + value);
    }
  }

  /** Refuses a -D (or -U) in {@code options} of a name in {@link #HOST_DEFINES}. */
  private static void requireNoHostDefine(String options) {
    String[] tokens = options.isEmpty() ? new String[0] : options.split("\\s+");
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i];
      if (!t.startsWith("-D") && !t.startsWith("-U")) {
        continue;
      }
      String definition = t.length() > 2 ? t.substring(2) : i + 1 < tokens.length
          ? tokens[++i] : "";
      int eq = definition.indexOf('=');
      String name = eq < 0 ? definition : definition.substring(0, eq);
      String from = HOST_DEFINES.get(name);
      if (from != null) {
        throw new IllegalArgumentException("the build option " + t.substring(0, 2) + definition
            + " would change " + name + ", which the host sets from " + from
            + " and must agree with: set it there instead");
      }
    }
  }

  /**
   * The defaults: the CPU kernel's shapes chosen per device ({@link CpuShape}), the rest as
   * {@link KernelBenchmark}'s class comment tells.
   */
  static Tuning defaults() {
    return new Tuning(0, 0, 8, 128, 16, 8, 32, 4, 0, 0, 0, 0, "");
  }

  /** The same, with x split into device buffers of at most {@code bytes} bytes. */
  Tuning withMaxChunkBytes(long bytes) {
    return new Tuning(vectorWidth, rowsPerBlock, itemsPerComputeUnit, workGroupSize, rowsPerItem,
        rowsPerTile, narrowMaxFeatures, wideGroupsPerComputeUnit, bytes, globalMemoryBytes,
        kernelWorkGroupLimit, localMemoryBytes, extraDefines);
  }

  /** The same, as if the device had {@code bytes} bytes of global memory. */
  Tuning withGlobalMemoryBytes(long bytes) {
    return new Tuning(vectorWidth, rowsPerBlock, itemsPerComputeUnit, workGroupSize, rowsPerItem,
        rowsPerTile, narrowMaxFeatures, wideGroupsPerComputeUnit, maxChunkBytes, bytes,
        kernelWorkGroupLimit, localMemoryBytes, extraDefines);
  }

  /** The same, as if every built kernel ran work-groups of at most {@code items} work-items. */
  Tuning withKernelWorkGroupLimit(long items) {
    return new Tuning(vectorWidth, rowsPerBlock, itemsPerComputeUnit, workGroupSize, rowsPerItem,
        rowsPerTile, narrowMaxFeatures, wideGroupsPerComputeUnit, maxChunkBytes,
        globalMemoryBytes, items, localMemoryBytes, extraDefines);
  }

  /** The same, as if the device had {@code bytes} bytes of local memory. */
  Tuning withLocalMemoryBytes(long bytes) {
    return new Tuning(vectorWidth, rowsPerBlock, itemsPerComputeUnit, workGroupSize, rowsPerItem,
        rowsPerTile, narrowMaxFeatures, wideGroupsPerComputeUnit, maxChunkBytes,
        globalMemoryBytes, kernelWorkGroupLimit, bytes, extraDefines);
  }

  /** The same with the CPU layout's knobs replaced. */
  Tuning withCpu(int vw, int rb, int itemsPerCu) {
    return new Tuning(vw, rb, itemsPerCu, workGroupSize, rowsPerItem, rowsPerTile,
        narrowMaxFeatures, wideGroupsPerComputeUnit, maxChunkBytes, globalMemoryBytes,
        kernelWorkGroupLimit, localMemoryBytes, extraDefines);
  }

  /** The same with the GPU layout's work-group size (WGS) and rows per tile (RT) replaced. */
  Tuning withGpu(int wgs, int rt) {
    return new Tuning(vectorWidth, rowsPerBlock, itemsPerComputeUnit, wgs, rowsPerItem, rt,
        narrowMaxFeatures, wideGroupsPerComputeUnit, maxChunkBytes, globalMemoryBytes,
        kernelWorkGroupLimit, localMemoryBytes, extraDefines);
  }

  /**
   * The same with {@code defines} appended to the build options.
   *
   * @throws IllegalArgumentException when they set a define in {@link #HOST_DEFINES}
   */
  Tuning withDefines(String defines) {
    return new Tuning(vectorWidth, rowsPerBlock, itemsPerComputeUnit, workGroupSize, rowsPerItem,
        rowsPerTile, narrowMaxFeatures, wideGroupsPerComputeUnit, maxChunkBytes,
        globalMemoryBytes, kernelWorkGroupLimit, localMemoryBytes,
        (extraDefines + " " + defines).trim());
  }

  /**
   * The whole-number value {@code extraDefines} gives {@code name} ({@code -DNAME=V}), or null
   * when it gives none.
   */
  Integer define(String name) {
    Integer value = null;
    for (String t : extraDefines.isEmpty() ? new String[0] : extraDefines.split("\\s+")) {
      if (t.startsWith("-D" + name + "=")) {
        try {
          value = Integer.valueOf(t.substring(name.length() + 3));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("-D" + name + " needs a whole number, got " + t);
        }
      }
    }
    return value;
  }

  /** {@code extraDefines} without any -D of the given names. */
  String extraDefinesWithout(java.util.Set<String> names) {
    StringBuilder kept = new StringBuilder();
    for (String t : extraDefines.isEmpty() ? new String[0] : extraDefines.split("\\s+")) {
      int eq = t.indexOf('=');
      String name = t.startsWith("-D") ? t.substring(2, eq < 0 ? t.length() : eq) : "";
      if (!names.contains(name)) {
        kept.append(' ').append(t);
      }
    }
    return kept.toString().trim();
  }

  /**
   * One kernel define {@code NAME=VALUE} set for tuning: VW, RB, WGS and RT set their
   * fields (so the kernel and the host's sizes and launch follow the same value); other names
   * are appended to the build options.
   *
   * @throws IllegalArgumentException for a malformed value, or a define the host sets from
   *     elsewhere (PRECISION, LOSS, CENTER)
   */
  Tuning withDefine(String nameAndValue) {
    int eq = nameAndValue.indexOf('=');
    String name = (eq < 0 ? nameAndValue : nameAndValue.substring(0, eq)).trim();
    String value = eq < 0 ? null : nameAndValue.substring(eq + 1).trim();
    if (!HOST_DEFINES.containsKey(name) || name.equals("PRECISION") || name.equals("LOSS")
        || name.equals("CENTER")) {
      return withDefines("-D" + nameAndValue);
    }
    int v;
    try {
      v = Integer.parseInt(value == null ? "" : value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the define " + nameAndValue + ": " + name
          + " needs a whole number");
    }
    return switch (name) {
      case "VW" -> withCpu(v, rowsPerBlock, itemsPerComputeUnit);
      case "RB" -> withCpu(vectorWidth, v, itemsPerComputeUnit);
      case "WGS" -> withGpu(v, rowsPerTile);
      default -> withGpu(workGroupSize, v);
    };
  }
}
