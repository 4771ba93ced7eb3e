package io.descent.cli;

import io.descent.Descent;
import io.descent.gradient.OpenClOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which gradient backend to use, and how to run OpenCL. */
final class BackendOptions {
  @Option(names = "--backend", defaultValue = Descent.DEFAULT_BACKEND, paramLabel = "NAME",
      description = "auto, opencl, nd4j or reference (default: ${DEFAULT-VALUE}: OpenCL, then"
          + " ND4J, then the reference, logging each one skipped).")
  String backend;

  @Mixin
  DeviceOptions device;

  OpenClOptions openCl() {
    return device.openCl();
  }
}
