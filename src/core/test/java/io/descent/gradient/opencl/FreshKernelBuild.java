package io.descent.gradient.opencl;

/** Test support for other packages: makes the OpenCL compiler really run in this process. */
public final class FreshKernelBuild {
  private FreshKernelBuild() {}

  /**
   * Builds a kernel with a define no program cache has seen (PoCL keeps compiled programs on
   * disk), so the driver's compiler runs now, in this process: with PoCL, that is LLVM.
   */
  public static void run() {
    try (ClContext context = new ClContext(OpenClBackend.select(Cl.devices(), null))) {
      context.program("read_bandwidth.cl", "-DFRESH_BUILD=" + System.nanoTime());
    }
  }
}
