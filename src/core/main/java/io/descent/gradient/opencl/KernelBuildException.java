package io.descent.gradient.opencl;

import io.descent.gradient.BackendUnavailableException;

/**
 * An OpenCL program did not build on the chosen device. The message is one line (the program,
 * the device and the first line of the compiler's complaint), so {@code --backend auto} can log
 * it and move on; {@link #buildLog()} holds the compiler's full output for {@code --verbose}.
 */
public final class KernelBuildException extends BackendUnavailableException {
  private static final long serialVersionUID = 1L;

  private final String buildLog;
  private final String options;

  /**
   * @param program the kernel file(s) that failed
   * @param device the device's name
   * @param options the build options passed to the compiler
   * @param buildLog the compiler's output ({@code CL_PROGRAM_BUILD_LOG})
   * @param cause the underlying failure
   */
  public KernelBuildException(String program, String device, String options, String buildLog,
      Throwable cause) {
    super("kernel " + program + " failed to build on " + device + ": " + firstLine(buildLog),
        cause);
    this.buildLog = buildLog;
    this.options = options;
  }

  /** The compiler's full output. */
  public String buildLog() {
    return buildLog;
  }

  /** The build options that were passed (-D defines). */
  public String options() {
    return options;
  }

  private static String firstLine(String log) {
    for (String line : log.split("\n")) {
      if (line.contains("error")) {
        return line.trim();
      }
    }
    String trimmed = log.trim();
    return trimmed.isEmpty() ? "no build log" : trimmed.split("\n", 2)[0];
  }
}
