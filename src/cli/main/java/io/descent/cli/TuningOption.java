package io.descent.cli;

import io.descent.gradient.OpenClOptions;
import picocli.CommandLine.Option;

/**
 * {@code --tuning}: how the OpenCL CPU kernel's shapes are chosen. Its default is
 * {@code $DESCENT_TUNING} when set, else {@link OpenClOptions#DEFAULT_TUNING}.
 */
final class TuningOption {
  /** The environment variable that sets the default, e.g. DESCENT_TUNING=measure to re-measure. */
  static final String ENVIRONMENT = "DESCENT_TUNING";

  @Option(names = "--tuning", paramLabel = "MODE",
      defaultValue = "${env:" + ENVIRONMENT + ":-" + OpenClOptions.DEFAULT_TUNING + "}",
      description = "OpenCL CPU kernel shapes (vector width, rows per block): auto (a measurement"
          + " cached for this device, driver and kernel, else the widths the device reports),"
          + " measure (time the candidates now, a few seconds, and cache the fastest), device"
          + " (the reported widths; ignore the cache) (default: ${DEFAULT-VALUE}; $"
          + ENVIRONMENT + " sets it).")
  String tuning;

  /** The value, checked: one of {@link OpenClOptions#TUNINGS}, else a usage error naming it. */
  String checked() {
    try {
      return new OpenClOptions(null, null, null, tuning).tuning();
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--tuning must be one of " + OpenClOptions.TUNINGS + ", got "
          + tuning);
    }
  }
}
