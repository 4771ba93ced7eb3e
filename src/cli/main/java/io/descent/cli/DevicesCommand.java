package io.descent.cli;

import io.descent.gradient.Backends;
import io.descent.gradient.DeviceDescription;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code descent devices}: the OpenCL platforms and devices this machine has. */
@Command(name = "devices", mixinStandardHelpOptions = true,
    description = "List OpenCL devices: index (for --device), name, type, compute units, global"
        + " memory, largest single allocation, and fp64 support (for --precision double).")
final class DevicesCommand implements Callable<Integer> {
  /** What to install for a device, printed when there is none. */
  static final String HOW_TO_GET_ONE = "To get one: on Debian or Ubuntu without a GPU, PoCL runs"
      + " OpenCL on the CPU (sudo apt-get install pocl-opencl-icd ocl-icd-libopencl1); with a GPU,"
      + " install its vendor's driver with OpenCL support (NVIDIA's driver, AMD ROCm, Intel's"
      + " compute runtime). Until then --backend auto trains on ND4J or the reference.";

  @Spec
  CommandSpec spec;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<DeviceDescription> devices = Backends.openClDevices();
    if (devices.isEmpty()) {
      out.println("no OpenCL devices found");
      out.println(HOW_TO_GET_ONE);
    }
    for (DeviceDescription d : devices) {
      out.println(d.summary());
    }
    out.flush();
    return Main.OK;
  }
}
