package io.descent.cli;

import io.descent.data.DataFormatException;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.opencl.KernelBuildException;
import io.descent.model.ModelFormatException;
import io.descent.train.VerificationException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code descent} command. Exit codes: 0 success, 1 a runtime failure (training diverged,
 * verification failed, a backend could not run, the heap ran out), 2 bad input or usage. Every
 * error is one line on stderr; {@code --verbose} adds the stack trace. A problem at a place in an
 * input file is printed as {@code FILE:LINE:COLUMN: what is wrong}, as compilers print them (so
 * editors can jump there); every other error starts {@code descent: }.
 */
@Command(name = "descent", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Linear, logistic and multinomial regression by gradient methods, with OpenCL,"
        + " ND4J and an exact float64 reference.")
public final class Main {
  /**
   * The subcommands, in the order the help lists them. Registered in {@link #commandLine}: all
   * of them, or only the one a command line starts with (picocli builds each registered
   * command's model by reflection at start, a cost every run would pay for all of them).
   */
  static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(TrainCommand.class,
      CvCommand.class, PathCommand.class, PredictCommand.class, EvaluateCommand.class,
      GradcheckCommand.class, DevicesCommand.class, GenerateCommand.class, BenchCommand.class,
      ConvertCommand.class, CommandLine.HelpCommand.class);

  /**
   * The system property that keeps picocli from looking for Groovy closures in annotations:
   * {@value}. Looking for them means asking the class path for Groovy's closure class, which
   * opens every jar on it (about 40 here, most of them ND4J's) only to find it missing; the
   * commands' annotations hold no closures. Set to {@code true} before picocli starts, unless
   * the user set it: {@code train --help} took 0.42 s against 0.45 s (median of 20 pairs, a
   * 2-core AMD EPYC).
   */
  static final String NO_CLOSURES = "picocli.disable.closures";

  static {
    if (System.getProperty(NO_CLOSURES) == null) {
      System.setProperty(NO_CLOSURES, "true");
    }
  }

  /** Exit code for success. */
  public static final int OK = 0;
  /** Exit code for a runtime failure. */
  public static final int FAILURE = 1;
  /** Exit code for bad input or usage. */
  public static final int BAD_INPUT = 2;

  private Main() {}

  /**
   * Runs the command line and exits with its code; on a large input in a second JVM with huge
   * pages where that is faster ({@link HugePages}). The same as {@link Launcher#main}, the
   * jar's entry point.
   */
  public static void main(String[] args) {
    Launcher.main(args);
  }

  /**
   * The line for a heap so small that even the out-of-memory report ran out of it: made before
   * any command runs, so that printing it allocates nothing.
   */
  private static final byte[] NO_ROOM_TO_REPORT = ("descent: out of memory: the Java heap ("
      + "-Xmx) is too small even to report what ran out; give the JVM more (e.g. -Xmx1g)\n")
      .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** Runs the command line in this JVM and exits with its code. */
  static void run(String[] args) {
    int code;
    try {
      code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    } catch (OutOfMemoryError e) {
      System.err.write(NO_ROOM_TO_REPORT, 0, NO_ROOM_TO_REPORT.length);
      System.err.flush();
      code = FAILURE;
    }
    System.exit(code);
  }

  /** Runs the command line with the given streams and returns the exit code (for tests). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(args);
    cl.registerConverter(Path.class, Main::filePath);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((ex, a) -> {
      // One line, as every error: the hint to the command's help goes at its end.
      CommandLine sub = ex.getCommandLine();
      err.println("descent: " + LossOption.currentName(oneLine(ex)) + suggestion(ex) + " (try '"
          + sub.getCommandSpec().qualifiedName() + " --help')");
      err.flush();
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, sub, parsed) -> {
      if (ex instanceof java.io.IOException
          && CliSupport.STANDARD_OUTPUT_LOST.equals(ex.getMessage())) {
        return lostOutput(err);
      }
      boolean verbose = sub.getParseResult() != null && sub.getParseResult().hasMatchedOption("--verbose");
      int code = exitCode(ex);
      err.println(errorLine(ex));
      if (verbose) {
        ex.printStackTrace(err);
        for (Throwable t = ex; t != null; t = t.getCause()) {
          if (t instanceof KernelBuildException k) {
            err.println("OpenCL build log (" + k.options() + "):");
            err.println(k.buildLog());
          }
        }
      }
      err.flush();
      return code;
    });
    int code;
    try {
      code = cl.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli passes errors through. By now the command's frames are gone, and with them the
      // large arrays that filled the heap: there is room again to print.
      err.println(outOfMemory(e, Runtime.getRuntime().maxMemory()));
      if (java.util.Arrays.asList(args).contains("--verbose")) {
        e.printStackTrace(err);
      }
      code = FAILURE;
    } catch (StackOverflowError | LinkageError | InternalError | java.awt.AWTError e) {
      // Errors picocli passes through (a chart's display, a native library): one line too.
      err.println("descent: " + e.getClass().getName() + ": " + (e.getMessage() == null ? ""
          : e.getMessage().strip().replace('\n', ' ')));
      if (java.util.Arrays.asList(args).contains("--verbose")) {
        e.printStackTrace(err);
      }
      code = FAILURE;
    }
    if (java.util.Arrays.asList(args).contains("--verbose")) {
      for (String message : Backends.openClCompilerMessages()) {
        err.println("OpenCL compiler output for " + message);
      }
    }
    out.flush();
    if (code == OK && out.checkError()) {
      // A text report that never reached its reader (a full disk, a closed pipe).
      code = lostOutput(err);
    }
    err.flush();
    return code;
  }

  /** The exit code of a process whose reader closed the pipe it wrote to: 128 + SIGPIPE. */
  static final int PIPE_CLOSED = 141;

  /**
   * When standard output lost what the command wrote: where it is a pipe whose reader has gone
   * ({@code descent predict ... | head}), nothing to say, {@value #PIPE_CLOSED} (what a shell
   * reports of a program SIGPIPE ended, as GNU tools end); otherwise (a full disk, {@code
   * /dev/full}) one line and exit 1.
   */
  static int lostOutput(PrintWriter err) {
    try {
      if (java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString()
          .startsWith("pipe:")) {
        return PIPE_CLOSED;
      }
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux: say it
    }
    err.println("descent: " + CliSupport.STANDARD_OUTPUT_LOST);
    err.flush();
    return FAILURE;
  }

  /**
   * A file's path as an option gives it; one that ends in / names a directory, never the file
   * that the path without it would be (an {@code --out models/} would otherwise write a file
   * named {@code models}). Directories' options convert their own ({@link CacheOptions}).
   */
  static Path filePath(String value) {
    if (value.length() > 1 && value.endsWith("/")) {
      throw new CommandLine.TypeConversionException(value + " ends in /, so it names a"
          + " directory, not a file");
    }
    return Path.of(value);
  }

  /**
   * The command line for {@code args}: when the first argument names a subcommand (other than
   * {@code help}), only that one is registered; otherwise (no arguments, an option first, help,
   * a misspelt command that picocli suggests a name for) every one is.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    String first = args.length > 0 ? args[0] : "";
    for (Class<?> c : SUBCOMMANDS) {
      if (c != CommandLine.HelpCommand.class && commandName(c).equals(first)) {
        cl.addSubcommand(c);
        return cl;
      }
    }
    SUBCOMMANDS.forEach(cl::addSubcommand);
    return cl;
  }

  /** The name a subcommand's annotation gives it. */
  private static String commandName(Class<?> c) {
    return c.getAnnotation(Command.class).name();
  }

  /**
   * For an unknown option, the nearest known one ("; did you mean --l2?"), as picocli ranks
   * them; else nothing.
   */
  static String suggestion(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u) {
      for (String arg : u.getUnmatched()) {
        if (arg.startsWith("-")) {
          String nearest = nearestOption(arg.split("=", 2)[0],
              u.getCommandLine().getCommandSpec().optionsMap().keySet());
          if (nearest != null) {
            return "; did you mean " + nearest + "?";
          }
        }
      }
      java.util.List<String> near = u.getSuggestions();
      if (!near.isEmpty()) {
        return "; did you mean " + near.get(0) + "?";
      }
    }
    return "";
  }

  /**
   * The option name nearest {@code given} by edit distance, when it is at most 2 (and less than
   * the name's letters): {@code --l3} gives {@code --l2}, {@code --baatch-size} {@code --batch-size}.
   */
  static String nearestOption(String given, java.util.Collection<String> names) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : names) {
      if (!name.startsWith("--")) {
        continue;
      }
      int distance = editDistance(given, name);
      if (distance < bestDistance) {
        best = name;
        bestDistance = distance;
      }
    }
    return best != null && bestDistance <= 2 && bestDistance < best.length() - 2 ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  /**
   * The line for an error: a located input problem as {@code FILE:LINE:COLUMN: what is wrong},
   * anything else after {@code descent: }.
   */
  static String errorLine(Throwable ex) {
    return ex instanceof DataFormatException ? FlagNames.of(ex.getMessage())
        : "descent: " + FlagNames.of(oneLine(ex));
  }

  /**
   * One line for running out of memory: what ran out (the JVM's own words: "Java heap space",
   * "Direct buffer memory", ...), the heap's size, and a heap twice as large to try.
   */
  static String outOfMemory(OutOfMemoryError e, long maxHeap) {
    String what = e.getMessage() == null || e.getMessage().isBlank() ? "memory"
        : e.getMessage().strip().replace('\n', ' ');
    long mib = maxHeap / (1L << 20);
    String advice = what.startsWith("Direct buffer") ? "raise -XX:MaxDirectMemorySize (by"
        + " default the heap's size) or the heap" : "raise the heap";
    return "descent: out of memory (" + what + ") with a heap of " + mib + " MiB: " + advice
        + ", e.g. java -Xmx" + Math.max(64, 2 * mib) + "m -jar descent.jar ...";
  }

  static int exitCode(Throwable ex) {
    if (ex instanceof DataFormatException || ex instanceof ModelFormatException
        || ex instanceof IllegalArgumentException || ex instanceof NoSuchFileException
        || ex instanceof UsageException) {
      return BAD_INPUT;
    }
    if (ex instanceof UncheckedIOException u && u.getCause() instanceof NoSuchFileException) {
      return BAD_INPUT;
    }
    if (ex instanceof BackendUnavailableException || ex instanceof VerificationException) {
      return FAILURE;
    }
    return FAILURE;
  }

  static String oneLine(Throwable ex) {
    Throwable e = ex instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + ": no such file";
    }
    if (e instanceof AccessDeniedException a) {
      return a.getFile() + ": permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() == null && f.getFile() != null) {
      // The JDK names the file alone ("d.csv"): say what went wrong with it.
      return f.getFile() + ": " + f.getClass().getSimpleName();
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    return m.replace('\n', ' ');
  }

  /** Bad usage found after parsing (conflicting options); exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"descent " + (v == null ? "(development build)" : v)};
    }
  }
}
