package io.descent.cli;

import io.descent.gradient.OpenClOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** How to run OpenCL: device, kernel layout, precision, tuning. Shared by train and gradcheck. */
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

  @Mixin
  TuningOption tuning;

  OpenClOptions openCl() {
    return new OpenClOptions(device, layout, precision, tuning.checked());
  }

  /** The names of these options that were given on the command line, in declaration order. */
  static List<String> given(ParseResult parsed) {
    return List.of("--device", "--kernel-layout", "--precision", "--tuning").stream()
        .filter(parsed::hasMatchedOption).toList();
  }

  /**
   * Prints one notice line on {@code err} when OpenCL options were given but the chosen backend
   * ({@code nd4j} or {@code reference}) does not use them: not an error, but no silent no-op.
   */
  static void noticeIgnored(PrintWriter err, String backend, ParseResult parsed) {
    String b = backend.toLowerCase(Locale.ROOT);
    if (!b.equals("nd4j") && !b.equals("reference")) {
      return;
    }
    List<String> given = given(parsed);
    if (given.isEmpty()) {
      return;
    }
    String names = given.size() == 1 ? given.get(0)
        : String.join(", ", given.subList(0, given.size() - 1)) + " and "
            + given.get(given.size() - 1);
    err.println("descent: " + names + (given.size() == 1 ? " is" : " are") + " ignored by the "
        + b + " backend (they apply to opencl only)");
    err.flush();
  }
}
