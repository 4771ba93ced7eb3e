package io.descent.cli;

import io.descent.gradient.OpenClOptions;
import picocli.CommandLine.Option;

/** How to run OpenCL: device, kernel layout and precision. Shared by train and gradcheck. */
final class DeviceOptions {
  @Option(names = "--device", paramLabel = "N|NAME",
      description = "OpenCL device: an index from 'descent devices', or else a substring of its"
          + " name, ignoring case (a number that is no index, such as 4090, is matched in the"
          + " names) (default: a GPU if there is one).")
  String device;

  @Option(names = "--kernel-layout", defaultValue = "auto", paramLabel = "LAYOUT",
      description = "OpenCL kernel layout: auto, cpu or gpu (default: ${DEFAULT-VALUE}, by"
          + " device type).")
  String layout;

  @Option(names = "--precision", defaultValue = "float", paramLabel = "P",
      description = "OpenCL arithmetic: float or double (needs cl_khr_fp64) (default:"
          + " ${DEFAULT-VALUE}).")
  String precision;

  OpenClOptions openCl() {
    return new OpenClOptions(device, layout, precision);
  }
}
