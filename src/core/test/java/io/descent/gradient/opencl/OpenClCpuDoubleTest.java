package io.descent.gradient.opencl;

import io.descent.gradient.OpenClOptions;

/** The OpenCL contract with the cpu layout in double precision. */
class OpenClCpuDoubleTest extends OpenClBackendTest {
  @Override
  OpenClOptions options() {
    return new OpenClOptions(null, "cpu", "double");
  }
}
