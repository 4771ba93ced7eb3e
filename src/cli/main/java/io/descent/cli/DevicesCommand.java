package io.descent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.gradient.Backends;
import io.descent.gradient.DeviceDescription;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code descent devices}: the OpenCL platforms and devices this machine has. */
@Command(name = "devices", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "List OpenCL devices: index (for --device), name, type, compute units, global"
        + " memory, largest single allocation, and fp64 support (for --precision double). A"
        + " platform that fails to list its devices is named on stderr, with the OpenCL status.")
final class DevicesCommand implements Callable<Integer> {
  /** What to print when there is no device. */
  static final String NONE = "no OpenCL devices found";

  /** What to install for a device, printed when there is none. */
  static final String HOW_TO_GET_ONE = "To get one: on Debian or Ubuntu without a GPU, PoCL runs"
      + " OpenCL on the CPU (sudo apt-get install pocl-opencl-icd ocl-icd-libopencl1); with a GPU,"
      + " install its vendor's driver with OpenCL support (NVIDIA's driver, AMD ROCm, Intel's"
      + " compute runtime). Until then --backend auto trains on ND4J or the reference.";

  @Spec
  CommandSpec spec;

  @Mixin
  JsonOption json;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    List<DeviceDescription> devices = Backends.openClDevices();
    List<String> problems = Backends.openClPlatformProblems();
    if (json.json) {
      JsonReport.print(out, report(devices, problems));
      return Main.OK;
    }
    PrintWriter err = spec.commandLine().getErr();
    for (String problem : problems) {
      err.println("descent devices: platform " + problem + "; its devices are not listed");
    }
    err.flush();
    if (devices.isEmpty()) {
      out.println(NONE);
      out.println(HOW_TO_GET_ONE);
    }
    for (DeviceDescription d : devices) {
      out.println(d.summary());
    }
    out.flush();
    return Main.OK;
  }

  /**
   * {@code devices}: every field of each device; {@code platformProblems}: each platform that
   * failed to list its devices, with the status; and {@code hint}: null, or with no device what
   * the text says then.
   */
  static ObjectNode report(List<DeviceDescription> devices, List<String> problems) {
    ObjectNode root = JsonReport.object();
    ArrayNode list = root.putArray("devices");
    for (DeviceDescription d : devices) {
      ObjectNode node = list.addObject();
      node.put("index", d.index());
      node.put("platform", d.platform());
      node.put("name", d.name());
      node.put("type", d.type().label());
      node.put("computeUnits", d.computeUnits());
      node.put("globalMemoryBytes", d.globalMemoryBytes());
      node.put("maxAllocationBytes", d.maxAllocationBytes());
      node.put("fp64", d.fp64());
    }
    ArrayNode failed = root.putArray("platformProblems");
    problems.forEach(failed::add);
    root.put("hint", devices.isEmpty() ? NONE + ". " + HOW_TO_GET_ONE : null);
    return root;
  }
}
