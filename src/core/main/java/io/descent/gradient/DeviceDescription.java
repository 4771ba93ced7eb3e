package io.descent.gradient;

import java.util.Locale;

/**
 * One OpenCL device as the OpenCL backend sees it, for {@code descent devices} and for choosing a
 * device with {@code --device}. Holds no OpenCL handles, so any package may use it.
 *
 * @param index the device's position in the list (platforms in order, devices in order within
 *     each), the number {@code --device} accepts
 * @param platform the platform's name ("Portable Computing Language", "NVIDIA CUDA", ...)
 * @param name the device's name
 * @param type CPU, GPU, accelerator or other
 * @param computeUnits {@code CL_DEVICE_MAX_COMPUTE_UNITS}
 * @param globalMemoryBytes {@code CL_DEVICE_GLOBAL_MEM_SIZE}: the most data it can hold
 * @param maxAllocationBytes {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}: the largest single buffer
 *     (larger data is split into several)
 * @param fp64 whether the device has {@code cl_khr_fp64}, needed for {@code --precision double}
 */
public record DeviceDescription(int index, String platform, String name, Type type,
    int computeUnits, long globalMemoryBytes, long maxAllocationBytes, boolean fp64) {

  /** The kind of device, from {@code CL_DEVICE_TYPE}. */
  public enum Type {
    /** A CPU (for example PoCL's pthread device). */
    CPU,
    /** A GPU. */
    GPU,
    /** An accelerator (FPGA, DSP, ...). */
    ACCELERATOR,
    /** Anything else (custom devices). */
    OTHER;

    /** The lower-case name, as printed. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One line such as {@code 0: pthread-skylake (cpu, Portable Computing Language, 2 compute
   * units, 3.5 GiB, max buffer 1.0 GiB, fp64)}.
   */
  public String summary() {
    return index + ": " + name + " (" + type.label() + ", " + platform + ", " + computeUnits
        + " compute units, " + gib(globalMemoryBytes) + ", max buffer "
        + gib(maxAllocationBytes) + (fp64 ? ", fp64" : ", no fp64") + ")";
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }
}
