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
      description = "OpenCL CPU kernel shapes (vector width, rows per block): auto (a measurement"
          + " cached for this device, driver and kernel, else the widths the device reports),"
          + " measure (time the candidates now, and cache the fastest: seconds, or about a"
          + " minute where the driver's kernel cache is cold), device"
          + " (the reported widths; ignore the cache) (default: $" + ENVIRONMENT + " when set,"
          + " else " + OpenClOptions.DEFAULT_TUNING + ").")
  String tuning;

  /**
   * The value, checked: one of {@link OpenClOptions#TUNINGS}, else a usage error naming where
   * it came from ({@code --tuning}, or {@code $DESCENT_TUNING} when the option is not given).
   */
  String checked() {
    return checked(System.getenv(ENVIRONMENT));
  }

  /** {@link #checked()} with {@code environment} the value of $DESCENT_TUNING (null: unset). */
  String checked(String environment) {
    String value = tuning;
    String from = "--tuning";
    if (value == null) {
      value = environment;
      from = "$" + ENVIRONMENT;
      if (value == null || value.isEmpty()) {
        return OpenClOptions.DEFAULT_TUNING;
      }
    }
    try {
      return new OpenClOptions(null, null, null, value).tuning();
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(from + " must be one of " + OpenClOptions.TUNINGS + ", got "
          + value);
    }
  }
}
