package io.descent.gradient.opencl;

import io.descent.gradient.DeviceDescription;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * A device with its OpenCL handles, its public description, the two limits the GPU kernels are
 * sized by, and what the CPU kernel's vector shapes are chosen from.
 *
 * @param platform the platform handle
 * @param id the device handle
 * @param description what {@link OpenClBackend#devices()} reports
 * @param localMemoryBytes {@code CL_DEVICE_LOCAL_MEM_SIZE}
 * @param maxWorkGroupSize {@code CL_DEVICE_MAX_WORK_GROUP_SIZE}
 * @param nativeFloatWidth {@code CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT}: floats in one of the
 *     device's vector registers (8 on an AVX2 CPU, 16 with AVX-512, 1 on most GPUs)
 * @param driverVersion {@code CL_DRIVER_VERSION}, part of what a measured tuning is kept under
 */
record ClDevice(cl_platform_id platform, cl_device_id id, DeviceDescription description,
    long localMemoryBytes, long maxWorkGroupSize, int nativeFloatWidth, String driverVersion) {

  /** The device's name. */
  String name() {
    return description.name();
  }

  /**
   * The bytes of one vector register: the native float width times 4, and at least 16 (a device
   * that reports 1, as GPUs do, still runs the CPU kernel's 4-wide loads well).
   */
  int vectorRegisterBytes() {
    return Math.max(16, 4 * nativeFloatWidth);
  }
}
