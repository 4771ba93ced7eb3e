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
    }
    for (DeviceDescription d : devices) {
      out.println(d.summary());
    }
    out.flush();
    return Main.OK;
  }
}
