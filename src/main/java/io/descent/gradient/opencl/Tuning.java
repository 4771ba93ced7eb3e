package io.descent.gradient.opencl;

/**
 * The knobs of the OpenCL kernels and of data placement. The defaults are what measured best on
 * PoCL (CPU layout) and what is conventional on GPUs (GPU layout); {@link KernelBenchmark} takes
 * them from the command line for tuning, and tests force small chunks with
 * {@link #withMaxChunkBytes} and small device limits with {@link #withKernelWorkGroupLimit} and
 * {@link #withLocalMemoryBytes}.
 *
 * @param vectorWidth CPU layout: features per vector load (VW: 2, 4, 8 or 16)
 * @param rowsPerBlock CPU layout: rows whose margins form one vector (RB: 2, 4, 8 or 16)
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
 *     override any kernel tunable with an {@code #ifndef} default, for tuning runs
 */
record Tuning(int vectorWidth, int rowsPerBlock, int itemsPerComputeUnit, int workGroupSize,
    int rowsPerItem, int rowsPerTile, int narrowMaxFeatures, int wideGroupsPerComputeUnit,
    long maxChunkBytes, long globalMemoryBytes, long kernelWorkGroupLimit, long localMemoryBytes,
    String extraDefines) {

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
  }

  private static void requireWidth(String name, int value) {
    if (value != 2 && value != 4 && value != 8 && value != 16) {
      throw new IllegalArgumentException(name + " must be 2, 4, 8 or 16, got " + value);
    }
  }

  /** The defaults; {@link KernelBenchmark}'s class comment tells how the CPU ones were chosen. */
  static Tuning defaults() {
    return new Tuning(8, 16, 8, 128, 16, 8, 32, 4, 0, 0, 0, 0, "");
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

  /** The same with {@code defines} appended to the build options. */
  Tuning withDefines(String defines) {
    return new Tuning(vectorWidth, rowsPerBlock, itemsPerComputeUnit, workGroupSize, rowsPerItem,
        rowsPerTile, narrowMaxFeatures, wideGroupsPerComputeUnit, maxChunkBytes,
        globalMemoryBytes, kernelWorkGroupLimit, localMemoryBytes,
        (extraDefines + " " + defines).trim());
  }
}
