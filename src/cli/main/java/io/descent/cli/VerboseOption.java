package io.descent.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}: stack traces with errors. Read by {@link Main}'s exception handler. */
final class VerboseOption {
  @Option(names = "--verbose", description = "Print stack traces with errors.")
  boolean verbose;
}
