package io.descent.gradient.opencl;

import io.descent.gradient.OpenClOptions;

/** The OpenCL contract with the gpu layout in float precision. */
class OpenClGpuFloatTest extends OpenClBackendTest {
  @Override
  OpenClOptions options() {
    return new OpenClOptions(null, "gpu", "float");
  }
}
