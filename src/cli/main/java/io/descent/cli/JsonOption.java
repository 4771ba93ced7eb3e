package io.descent.cli;

import picocli.CommandLine.Option;

/**
 * {@code --json}: one JSON document on standard output instead of the text (see
 * {@link JsonReport}). Notices, warnings and errors stay on standard error, and an error prints
 * no document.
 */
final class JsonOption {
  @Option(names = "--json",
      description = "Print one JSON document on standard output instead of text (no progress"
          + " bar); notices and errors stay on standard error.")
  boolean json;
}
