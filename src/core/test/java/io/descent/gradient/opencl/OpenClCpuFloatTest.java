package io.descent.gradient.opencl;

import io.descent.gradient.OpenClOptions;

/** The OpenCL contract with the cpu layout in float precision. */
class OpenClCpuFloatTest extends OpenClBackendTest {
  @Override
  OpenClOptions options() {
    return new OpenClOptions(null, "cpu", "float");
  }
}
