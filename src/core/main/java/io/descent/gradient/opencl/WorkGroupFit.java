package io.descent.gradient.opencl;

import io.descent.gradient.BackendUnavailableException;
import java.util.function.IntFunction;
import org.jocl.cl_kernel;

/**
 * Builds a kernel compiled for one work-group size ({@code reqd_work_group_size(WGS, 1, 1)})
 * at a size the device will actually run it at.
 *
 * <p>{@code CL_DEVICE_MAX_WORK_GROUP_SIZE} is only the device's ceiling: a particular kernel may
 * be limited further by its registers or private memory ({@code CL_KERNEL_WORK_GROUP_SIZE},
 * known only after the build), and its local memory ({@code CL_KERNEL_LOCAL_MEM_SIZE} for what
 * the compiler placed there, plus the {@code __local} argument the host sizes) must fit
 * {@code CL_DEVICE_LOCAL_MEM_SIZE}. A launch past either limit fails with
 * {@code CL_INVALID_WORK_GROUP_SIZE} or {@code CL_OUT_OF_RESOURCES}, and because WGS is compiled
 * in, the launch cannot just use a smaller size: the program is rebuilt with the largest power
 * of two that fits, or, when even one work-item does not fit, the backend is unavailable with
 * a one-line reason.
 */
final class WorkGroupFit {
  private WorkGroupFit() {}

  /**
   * What a kernel needs at one work-group size.
   *
   * @param size the work-group size WGS the options compile in (may be below the size asked
   *     for, when the kernel has no use for more)
   * @param options the complete build options, {@code -DWGS=size} among them
   * @param kernelName the kernel to create from the program
   * @param localBytes the bytes of the {@code __local} argument the host will pass
   * @param tag the caller's name for this variant (e.g. which kernel), returned as is
   */
  record Plan(int size, String options, String kernelName, long localBytes, String tag) {}

  /** The plan that fits, and its kernel (owned by the context). */
  record Fitted(Plan plan, cl_kernel kernel) {}

  /**
   * Builds {@code file} with the plan for the largest power-of-two work-group size, from the
   * tuning's {@code workGroupSize} (capped by {@code CL_DEVICE_MAX_WORK_GROUP_SIZE}) down, that
   * the built kernel accepts and whose local memory fits the device.
   *
   * @param planAt the plan for a work-group size (a power of two)
   * @throws BackendUnavailableException when no size, down to one work-item, fits
   */
  static Fitted fit(ClContext context, String file, Tuning tuning, IntFunction<Plan> planAt) {
    ClDevice device = context.device;
    long localMemory = tuning.localMemoryBytes() > 0 ? tuning.localMemoryBytes()
        : device.localMemoryBytes();
    int wgs = (int) Math.min(tuning.workGroupSize(),
        Long.highestOneBit(Math.max(1, device.maxWorkGroupSize())));
    String why = "no work-group size was tried";
    while (wgs >= 1) {
      Plan plan = planAt.apply(wgs);
      if (plan.localBytes() > localMemory) {
        // Known too big before building: skip the build.
        why = plan.kernelName() + " needs " + plan.localBytes() + " bytes of local memory at"
            + " work-group size " + plan.size() + " but " + device.name() + " has "
            + localMemory;
        wgs = plan.size() / 2;
        continue;
      }
      cl_kernel kernel = context.kernel(context.program(file, plan.options()),
          plan.kernelName());
      long kernelMax = context.kernelWorkGroupSize(kernel);
      if (tuning.kernelWorkGroupLimit() > 0) {
        kernelMax = Math.min(kernelMax, tuning.kernelWorkGroupLimit());
      }
      long local = context.kernelLocalMemory(kernel) + plan.localBytes();
      if (plan.size() <= kernelMax && local <= localMemory) {
        return new Fitted(plan, kernel);
      }
      why = plan.size() > kernelMax
          ? plan.kernelName() + " runs work-groups of at most " + kernelMax + " work-items on "
              + device.name() + " (CL_KERNEL_WORK_GROUP_SIZE), not " + plan.size()
          : plan.kernelName() + " needs " + local + " bytes of local memory at work-group size "
              + plan.size() + " but " + device.name() + " has " + localMemory;
      wgs = (int) Math.min(plan.size() / 2, Long.highestOneBit(Math.max(1, kernelMax)));
    }
    throw new BackendUnavailableException("the gpu kernel layout cannot run on "
        + device.name() + ": " + why + "; use the cpu kernel layout");
  }
}
