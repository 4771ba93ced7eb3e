package io.descent.gradient.opencl;

import io.descent.gradient.DeviceDescription;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * A device with its OpenCL handles, its public description, and the two limits the GPU kernels
 * are sized by.
 *
 * @param platform the platform handle
 * @param id the device handle
 * @param description what {@link OpenClBackend#devices()} reports
 * @param localMemoryBytes {@code CL_DEVICE_LOCAL_MEM_SIZE}
 * @param maxWorkGroupSize {@code CL_DEVICE_MAX_WORK_GROUP_SIZE}
 */
record ClDevice(cl_platform_id platform, cl_device_id id, DeviceDescription description,
    long localMemoryBytes, long maxWorkGroupSize) {

  /** The device's name. */
  String name() {
    return description.name();
  }
}
