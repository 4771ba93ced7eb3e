package io.descent.cli;

import io.descent.data.CacheDirectory;
import io.descent.gradient.Backends;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import sun.misc.Signal;

/**
 * Runs a command on a large input in a second JVM whose memory comes in transparent huge pages.
 *
 * <p>Why: a fit over a large file first touches several copies of its rows (the parsed float32
 * array on the Java heap, the backend's standardized copy, the float64 finish's copy), and each
 * 4 KiB page touched for the first time is a page fault. On the 2-core virtual machines this
 * project is measured on a fault costs about 10 microseconds, so a 1M x 64 file (657 MB of
 * CSV, 256 MB per copy) spent over a second of its 5.2 to 6.2 s {@code train} in faults.
 * Where the kernel gives huge pages only to memory that asks for them ({@code madvise} in
 * {@value #THP_MODE}), the JVM asks for its heap with {@code -XX:+UseTransparentHugePages} and
 * glibc for large allocations (those of an OpenCL driver such as PoCL) with {@code
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1}; neither can be turned on by a process already
 * running.
 * So when {@link #wanted} says so, {@link #relaunch} starts {@code java} again with the same JVM
 * options plus those two, waits for it and returns its exit code. The second JVM also preloads
 * the JDK's signal-chaining library ({@link #adjust}), under which OpenCL's platforms load while
 * the data is read, and maps an archive of its classes, or makes one ({@link ClassDataArchive}).
 *
 * <p>When: the command names a regular {@code --data} file of at least {@link #MIN_INPUT_BYTES},
 * the kernel's mode is {@code madvise} (with {@code always} every process has them already, with
 * {@code never} none can), the JVM's options do not already mention huge pages, and {@value
 * #ENV} is not {@code 0} ({@code 1} drops the size test). The second JVM costs about 0.08 s
 * ({@code train --help}: 0.505 against 0.422 s), which the faults it saves repay from about a
 * hundred MB of input.
 *
 * <p>Signals: Ctrl-C reaches both JVMs (the terminal signals its whole foreground group); the
 * first ignores it and the second handles it as any command does. SIGTERM or SIGHUP to the
 * first stops the second too (its shutdown hook destroys it and waits).
 */
final class HugePages {
  /**
   * The environment variable that turns the second JVM off ({@code 0}) or on for every command
   * whatever its input ({@code 1}, where the kernel's mode allows); otherwise the input's size
   * decides: {@value}.
   */
  static final String ENV = "DESCENT_HUGE_PAGES";
  /** The values of {@link #ENV} that turn the second JVM off. */
  static final List<String> OFF = List.of("0", "off", "false", "no");
  /** The values of {@link #ENV} that turn it on for any input. */
  static final List<String> ON = List.of("1", "on", "true", "yes");
  /**
   * The smallest {@code --data} file worth a second JVM, {@value} bytes (128 MiB): at 657 MB the
   * second JVM saved 0.7 to 1.4 s of a 5.2 to 6.2 s {@code train} and costs about 0.08 s.
   */
  static final long MIN_INPUT_BYTES = 128L << 20;
  /** Where the kernel says which processes get transparent huge pages: {@value}. */
  static final String THP_MODE = "/sys/kernel/mm/transparent_hugepage/enabled";
  /** The system property that marks the second JVM (so that it never starts a third). */
  static final String RELAUNCHED = "descent.hugePages";
  /** The system property with the first JVM's start (epoch milliseconds), for timings. */
  static final String FIRST_START = "descent.firstStart";
  /** The JVM option for the heap. */
  static final String JVM_OPTION = "-XX:+UseTransparentHugePages";
  /** The glibc tunable for malloc's large allocations. */
  static final String GLIBC_TUNABLE = "glibc.malloc.hugetlb=1";
  /**
   * The glibc tunable that keeps every thread's malloc in the one main arena: {@value}. The
   * tunable above gives huge pages to the main arena's memory and to large allocations, not to
   * the arenas glibc makes for other threads (up to eight per core: the JIT's compiler threads,
   * OpenCL's), whose memory came in 4 KiB pages: 64 MB of a 1M x 64 {@code train}'s anonymous
   * memory, 22 MB in the one arena (the rest in huge pages), its peak 10 MB lower and its wall
   * time 0.94 and 0.96 of the arenas' ({@code farm-bench} of the second JVM's command, 10 and 14
   * pairs, 2026-12-05, the AVX-512 EPYC).
   */
  static final String ARENA_TUNABLE = "glibc.malloc.arena_max=1";
  /** Where the kernel shows this process's command line, its words ended by NUL: {@value}. */
  static final String COMMAND_LINE = "/proc/self/cmdline";
  /**
   * The environment variables whose options a JVM reports among its own (and so passes to the
   * second JVM on its command line).
   */
  static final List<String> OPTION_VARIABLES = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS",
      "_JAVA_OPTIONS");

  private HugePages() {}

  /**
   * Whether a command line should run in a second JVM with huge pages.
   *
   * @param args the command's arguments
   * @param thpMode the text of {@link #THP_MODE} (empty where there is none)
   * @param jvmOptions this JVM's options
   * @param env the environment
   * @param relaunched whether this JVM is already the second
   */
  static boolean wanted(String[] args, String thpMode, List<String> jvmOptions,
      Map<String, String> env, boolean relaunched) {
    String setting = env.getOrDefault(ENV, "");
    if (relaunched || OFF.contains(setting.strip().toLowerCase(java.util.Locale.ROOT))
        || !thpMode.contains("[madvise]")) {
      return false;
    }
    if (choosesPages(jvmOptions)) {
      return false;
    }
    if (ON.contains(setting.strip().toLowerCase(java.util.Locale.ROOT))) {
      return true;
    }
    Optional<Path> data = dataFile(args);
    try {
      return data.isPresent() && Files.isRegularFile(data.get())
          && Files.size(data.get()) >= MIN_INPUT_BYTES;
    } catch (IOException e) {
      return false; // the command itself reports what is wrong with its input
    }
  }

  /**
   * The starts of JVM options with which the command stays in this JVM: an agent (a profiler or
   * debugger attached to the process the user started would watch a JVM that only waits, and a
   * debugger's port is this JVM's), and an appended boot class path (with which the JDK refuses
   * class-data sharing's archive).
   */
  static final List<String> STAY_OPTIONS = List.of("-javaagent:", "-agentlib:", "-agentpath:",
      "-Xrun", "-Xdebug", "-Xbootclasspath");

  /**
   * Whether the command means the same in a second JVM: no option of {@link #STAY_OPTIONS}; no
   * argument naming a file descriptor above 2 ({@code /dev/fd/N}, {@code /proc/self/fd/N},
   * process substitution's {@code <(...)}), which a second JVM does not inherit (there the
   * number names one of its own files, the JDK's among them); and every argument exactly as
   * typed, which a JVM whose file names are not UTF-8 (a C or POSIX locale) cannot pass on when
   * one holds other than ASCII.
   */
  static boolean transferable(String[] args, List<String> jvmOptions) {
    for (String option : jvmOptions) {
      if (STAY_OPTIONS.stream().anyMatch(option::startsWith)) {
        return false;
      }
    }
    boolean utf8 = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", "UTF-8"));
    for (String arg : args) {
      String path = arg.startsWith("--") && arg.indexOf('=') > 0
          ? arg.substring(arg.indexOf('=') + 1) : arg;
      if (DESCRIPTOR_PATH.matcher(path).matches()) {
        return false;
      }
      if (!utf8 && !arg.chars().allMatch(c -> c < 128 && c != '?')) {
        return false;
      }
    }
    return true;
  }

  /** A path that names an open file descriptor above 2 of the process that opens it. */
  private static final java.util.regex.Pattern DESCRIPTOR_PATH = java.util.regex.Pattern.compile(
      "(/dev/fd/|/proc/self/fd/|/proc/thread-self/fd/|/proc/[0-9]+/fd/)0*([3-9]|[1-9][0-9]+)"
          + "(/.*)?");

  /** Whether the JVM's options already choose its pages (the user's choice stands). */
  static boolean choosesPages(List<String> jvmOptions) {
    for (String option : jvmOptions) {
      if (option.contains("TransparentHugePages") || option.contains("LargePages")) {
        return true;
      }
    }
    return false;
  }

  /**
   * This JVM's options. None where its command line (the kernel's {@value #COMMAND_LINE}) is
   * {@code java -jar JAR ...} or {@code java CLASS ...} (the launcher's {@code sun.java.command}
   * agreeing) and no variable of {@link #OPTION_VARIABLES} is set; otherwise, and where that
   * file cannot be read, those the JVM reports ({@code RuntimeMXBean}), whose classes took about
   * 40 ms to load, a quarter of the first JVM's time before it started the second.
   */
  static List<String> jvmOptions(Map<String, String> env) {
    try {
      byte[] line = Files.readAllBytes(Path.of(COMMAND_LINE));
      List<String> words = List.of(new String(line, java.nio.charset.StandardCharsets.UTF_8)
          .split("\0"));
      if (withoutOptions(words, System.getProperty("sun.java.command"), env)) {
        return List.of();
      }
    } catch (IOException | RuntimeException e) {
      // no such file (not Linux) or no such words: the JVM knows
    }
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
  }

  /**
   * Whether a JVM started by the command line {@code words} has no options: its second word is
   * {@code -jar} or a class (no option), which the launcher's {@code javaCommand} (the jar or
   * the class, then the arguments) names, and no variable of {@link #OPTION_VARIABLES} adds any.
   */
  static boolean withoutOptions(List<String> words, String javaCommand,
      Map<String, String> env) {
    if (javaCommand == null || words.size() < 2) {
      return false;
    }
    for (String variable : OPTION_VARIABLES) {
      if (env.containsKey(variable)) {
        return false;
      }
    }
    String first = words.get(1);
    String main = first.equals("-jar") && words.size() > 2 ? words.get(2)
        : first.startsWith("-") || first.startsWith("@") ? null : first;
    return main != null && !main.isEmpty()
        && (javaCommand.equals(main) || javaCommand.startsWith(main + " "));
  }

  /** Whether the command reports its timings ({@code --json}), which need the JVM's start. */
  static boolean timed(String[] args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      if (arg.equals("--json")) {
        return true;
      }
    }
    return false;
  }

  /** The value of {@code --data}, given as {@code --data FILE} or {@code --data=FILE}. */
  static Optional<Path> dataFile(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        break;
      }
      try {
        if (args[i].equals("--data") && i + 1 < args.length) {
          return Optional.of(Path.of(args[i + 1]));
        }
        if (args[i].startsWith("--data=")) {
          return Optional.of(Path.of(args[i].substring("--data=".length())));
        }
      } catch (java.nio.file.InvalidPathException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * The second JVM's command: this JVM's executable and options, the huge-page option and the
   * markers (the first JVM's start where {@code firstStart} is not negative), this class path,
   * {@link Launcher} and the arguments.
   */
  static List<String> command(String java, List<String> jvmOptions, String classPath,
      long firstStart, String[] args) {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add(JVM_OPTION);
    if (Runtime.version().feature() >= 22) {
      // What the jar's manifest grants a java -jar, for this JVM started by class name.
      command.add("--enable-native-access=ALL-UNNAMED");
    }
    command.add("-D" + RELAUNCHED + "=true");
    if (firstStart >= 0) {
      command.add("-D" + FIRST_START + "=" + firstStart);
    }
    command.add("-cp");
    command.add(classPath);
    command.add(Launcher.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * The second JVM's environment changes: {@link #GLIBC_TUNABLE} and {@link #ARENA_TUNABLE}
   * added to {@code GLIBC_TUNABLES} (each unless that tunable is set already, the arenas also
   * unless {@code MALLOC_ARENA_MAX} is); the JDK's signal-chaining library {@code chaining}
   * (null where the JDK has none) added to {@code LD_PRELOAD}, so that OpenCL's platforms may
   * load on a background thread while the data is read ({@link Backends#startOpenClPlatforms()}
   * says why that needs it); and the variables whose options the launcher and the JVM already
   * put among this JVM's options, which the second gets on its command line, removed ({@link
   * #OPTION_VARIABLES}): else it would take them twice.
   */
  static void adjust(Map<String, String> env, Path chaining) {
    String tunables = env.get("GLIBC_TUNABLES");
    List<String> settings = new ArrayList<>();
    if (tunables != null && !tunables.isEmpty()) {
      settings.add(tunables);
    }
    if (tunables == null || !tunables.contains("glibc.malloc.hugetlb")) {
      settings.add(GLIBC_TUNABLE);
    }
    if ((tunables == null || !tunables.contains("glibc.malloc.arena_max"))
        && !env.containsKey("MALLOC_ARENA_MAX")) {
      settings.add(ARENA_TUNABLE);
    }
    env.put("GLIBC_TUNABLES", String.join(":", settings));
    String preload = env.get("LD_PRELOAD");
    if (chaining != null) {
      if (preload == null || preload.isBlank()) {
        env.put("LD_PRELOAD", chaining.toString());
      } else if (!preload.contains(chaining.getFileName().toString())) {
        env.put("LD_PRELOAD", preload + ":" + chaining);
      }
    }
    for (String variable : OPTION_VARIABLES) {
      env.remove(variable);
    }
  }

  /** The JDK's signal-chaining library beside this JVM, or null where it has none. */
  static Path chainingLibrary() {
    Path library = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
    return Files.isRegularFile(library) ? library : null;
  }

  /**
   * Runs the command in a second JVM when {@link #wanted} and returns its exit code; empty when
   * not wanted or when the second JVM cannot start (the command then runs in this one).
   */
  static OptionalInt relaunch(String[] args, PrintStream err) {
    // The cheap tests first (most commands stop here), the JVM's options last.
    Map<String, String> env = System.getenv();
    if (!wanted(args, thpMode(), List.of(), env, System.getProperty(RELAUNCHED) != null)) {
      return OptionalInt.empty();
    }
    List<String> jvmOptions = jvmOptions(env);
    if (choosesPages(jvmOptions) || !transferable(args, jvmOptions)) {
      return OptionalInt.empty();
    }
    Optional<String> executable = javaExecutable();
    if (executable.isEmpty()) {
      return OptionalInt.empty();
    }
    // The JVM's own start, to the millisecond (the process's start time is whole seconds), for
    // the timings that only --json reports.
    long firstStart = timed(args) ? System.currentTimeMillis()
        - java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() : -1;
    String classPath = System.getProperty("java.class.path");
    List<String> command = command(executable.get(), jvmOptions, classPath, firstStart, args);
    ClassDataArchive classes = ClassDataArchive.forSecondJvm(CacheDirectory.of(),
        args.length > 0 ? args[0] : "", executable.get(), classPath, jvmOptions);
    if (classes != null) {
      command.addAll(1, classes.options());
    }
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    adjust(builder.environment(), chainingLibrary());
    if (List.of(args).contains("--verbose")) {
      err.println("descent: running in a second JVM with transparent huge pages (" + JVM_OPTION
          + ", GLIBC_TUNABLES=" + GLIBC_TUNABLE + ":" + ARENA_TUNABLE + ", the JDK's libjsig"
          + (classes == null ? "" : ", its classes " + (classes.makes() ? "listed, then archived"
              + " to " : "mapped from ") + classes.file()) + "; " + ENV + "=0 turns this off)");
    }
    Process child;
    try {
      child = builder.start();
    } catch (IOException e) {
      if (classes != null) {
        classes.settle(1); // the file made for its archive
      }
      return OptionalInt.empty();
    }
    try {
      Signal.handle(new Signal("INT"), s -> { });
    } catch (IllegalArgumentException e) {
      // SIGINT reserved (java -Xrs): the default stops this JVM; the hook stops the second.
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (child.isAlive()) {
        child.destroy();
        try {
          child.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "descent-second-jvm"));
    while (true) {
      try {
        int code = child.waitFor();
        if (classes != null) {
          classes.settle(code);
        }
        if (code > 128 && code != 130 && code != 143 && code != Main.PIPE_CLOSED
            && code != 129) {
          err.println("descent: the command's second JVM ended by signal " + (code - 128)
              + (code == 137 ? " (SIGKILL: kill -9, or the kernel's out-of-memory killer)"
                  : code == 134 ? " (SIGABRT: the JVM crashed; see its hs_err file)" : ""));
        }
        return OptionalInt.of(code);
      } catch (InterruptedException e) {
        // keep waiting: the second JVM owns the command
      }
    }
  }

  /**
   * The {@code java} launcher of this JVM's Java home, where it exists (asking the process for
   * its executable loaded the process API's classes, about 10 ms of the first JVM's 55 to 100 ms
   * before it started the second, on a 2-core AMD EPYC); else this process's executable; empty
   * where neither is known.
   */
  static Optional<String> javaExecutable() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isRegularFile(java) && Files.isExecutable(java)) {
      return Optional.of(java.toString());
    }
    return ProcessHandle.current().info().command();
  }

  /** How often the second JVM looks whether the first still runs: {@value} ms. */
  static final long PARENT_POLL_MILLIS = 200;

  /**
   * In the second JVM: ends it as SIGTERM would (its shutdown hooks delete temporary files; no
   * output is left half written) when the first JVM is gone. The first stops the second when it
   * ends normally or by SIGTERM, SIGHUP or Ctrl-C, but {@code kill -9} gives it no chance, and
   * the second ran on and wrote its output some seconds after the command had ended.
   */
  static void endWithTheFirst() {
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    if (parent.isEmpty()) {
      return;
    }
    ProcessHandle first = parent.get();
    Thread watch = new Thread(() -> {
      while (first.isAlive()) {
        try {
          Thread.sleep(PARENT_POLL_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("descent: the command's first JVM (pid " + first.pid() + ") ended;"
          + " stopping");
      System.exit(143);
    }, "descent-first-jvm-watch");
    watch.setDaemon(true);
    watch.start();
  }

  /** The kernel's transparent huge page mode, or "" where it has none. */
  static String thpMode() {
    try {
      // Line by line: a kernel file's reported size need not be its length.
      return String.join("\n", Files.readAllLines(Path.of(THP_MODE)));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /**
   * Seconds from the first JVM's start to now: the whole wait a user saw, where a command ran in
   * a second JVM; this JVM's uptime otherwise.
   */
  static double secondsSinceStart() {
    String first = System.getProperty(FIRST_START);
    if (first != null) {
      try {
        return (System.currentTimeMillis() - Long.parseLong(first)) / 1e3;
      } catch (NumberFormatException e) {
        // not ours: fall through
      }
    }
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
  }
}
