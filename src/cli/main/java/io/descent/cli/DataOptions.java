package io.descent.cli;

import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options that say which CSV file to read and how: shared by every data command. */
final class DataOptions {
  @Option(names = "--data", required = true, paramLabel = "FILE",
      description = "CSV file with a header row.")
  Path data;

  @Option(names = "--target", paramLabel = "COLUMN",
      description = "Target column (required): a header name or a 0-based index.")
  String target;

  @Option(names = "--features", paramLabel = "NAMES",
      description = "Feature columns to use, comma-separated (default: all but the target);"
          + " a name that holds a comma or a quote in double quotes, as in CSV (\"a,b\",c;"
          + " \"say \"\"hi\"\"\").")
  List<String> features;

  /**
   * The feature columns named by {@code --features} (each value split at the commas outside
   * double quotes), each unquoted as a CSV field is (a name in double quotes loses them, and a
   * doubled quote inside stands for one); null where the option is not given.
   *
   * @throws Main.UsageException where a double quote is not closed
   */
  List<String> featureNames() {
    if (features == null) {
      return null;
    }
    List<String> names = new java.util.ArrayList<>();
    for (String value : features) {
      for (String f : split(value)) {
        names.add(unquote(f));
      }
    }
    return names;
  }

  /** {@code value} split at its commas outside double quotes. */
  static List<String> split(String value) {
    List<String> fields = new java.util.ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
        continue;
      }
      if (c == '"') {
        quoted = !quoted; // a doubled quote inside quotes turns it off and on again
      }
      field.append(c);
    }
    if (quoted) {
      throw new Main.UsageException("--features " + value + ": a double quote is not closed (a"
          + " name with a quote in it goes in double quotes with the quote doubled, as in CSV:"
          + " \"say \"\"hi\"\"\")");
    }
    fields.add(field.toString());
    return fields;
  }

  /** {@code "text"} as {@code text} (with {@code ""} inside as {@code "}); else as it is. */
  static String unquote(String name) {
    String t = name.strip();
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      return t.substring(1, t.length() - 1).replace("\"\"", "\"");
    }
    return name;
  }

  @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",",
      description = "Field delimiter (default: ${DEFAULT-VALUE}); \\t for tab.")
  String delimiter;

  @Option(names = "--positive-label", paramLabel = "LABEL",
      description = "For a logistic target with two string labels: the one that means 1.")
  String positiveLabel;

  @Mixin
  CacheOptions cache = new CacheOptions();

  /**
   * Set by {@link CliSupport#read}: the cached copy (--cache) the rows were loaded from, or null
   * when the file was parsed.
   */
  Path cachedCopy;

  /**
   * The cache's notices (a copy ignored or not written, and why), printed as they come and kept
   * for the {@code notices} of {@code --json}.
   */
  final java.util.List<String> cacheNotices = new java.util.ArrayList<>();

  /** What the data line adds after the file's name: where the rows came from, if not a parse. */
  String origin() {
    return cachedCopy == null ? "" : " (from the cached copy " + cachedCopy + ")";
  }

  /** {@link #cachedCopy} as the {@code --json} reports give it: its path, or null. */
  String cachedCopyText() {
    return cachedCopy == null ? null : cachedCopy.toString();
  }

  /** The command these options belong to, for its error stream; null when built by hand. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** Where notices go: the command's error stream. */
  java.io.PrintWriter err() {
    return command != null ? command.commandLine().getErr()
        : new java.io.PrintWriter(System.err, true);
  }

  /** The data file, to be checked with the command's outputs. */
  CommandFiles files() {
    return new CommandFiles().input("--data", data, "a CSV file")
        .cacheDirectory(cache.directoryInUse());
  }

  char delimiterChar() {
    String d = delimiter.equals("\\t") || delimiter.equalsIgnoreCase("tab") ? "\t" : delimiter;
    if (d.length() != 1) {
      throw new Main.UsageException("--delimiter must be one character, got \"" + delimiter
          + "\"");
    }
    return d.charAt(0);
  }
}
