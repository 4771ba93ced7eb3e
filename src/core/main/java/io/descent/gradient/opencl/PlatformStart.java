package io.descent.gradient.opencl;

import java.util.List;

/**
 * Starts OpenCL's platforms ahead of the first open, on a background thread, where that is safe.
 *
 * <p>Why: a process's first {@code clGetPlatformIDs} loads every installed driver, and PoCL's
 * loads LLVM; with JOCL's own native library that took 0.11 to 0.12 s here (0.03 s for JOCL,
 * 0.08 to 0.09 s for the platforms), once per process. A command that reads its data before it
 * opens a backend can do this work on another core meanwhile, and the open then finds the
 * platforms loaded.
 *
 * <p>When: only where the JVM chains signals, that is where the JDK's {@code libjsig} is loaded
 * ({@code LD_PRELOAD}, as in the CLI's second JVM and the test JVMs). PoCL's LLVM installs its
 * handlers for the fault signals inside {@code clGetPlatformIDs} (checked with {@code sigaction}
 * from C: SIGSEGV, SIGBUS, SIGILL, SIGXFSZ and others then point into {@code libLLVM}), and
 * {@link JvmSignals} explains why Java threads running beside those handlers can kill the
 * process. A start on the caller's thread leaves no Java thread beside them ({@link JvmSignals}
 * gives them back before Java code runs again); a background start would leave every other
 * thread beside them. With chaining the JVM keeps its own handlers and calls LLVM's only for
 * faults that are not its own, so no window opens.
 *
 * <p>Errors: a start that fails (an {@link Error} such as running out of heap included) leaves
 * nothing behind and prints nothing. The open that follows makes the same calls on its own thread
 * ({@link Cl#devices} waits for a start under way) and reports the failure itself ({@link
 * Cl#load} keeps the first failure to load).
 *
 * <p>Exit: a shutdown hook waits for a start under way (at most {@value #EXIT_WAIT_MILLIS} ms, in
 * case a driver hangs), so that the process's exit never runs the drivers' static destructors
 * beside their initialization.
 */
final class PlatformStart {
  /** The JDK's signal-chaining library, as its file is named. */
  static final String CHAINING_LIBRARY = "libjsig.so";

  /** The longest the exit waits for a start under way, in milliseconds: {@value}. */
  static final long EXIT_WAIT_MILLIS = 10_000;

  private static Thread started;

  private PlatformStart() {}

  /**
   * Starts the platforms on a background thread, once per process, where this JVM chains
   * signals; returns whether a start is (or was) under way.
   */
  static synchronized boolean begin() {
    if (started != null) {
      return true;
    }
    if (!chainsSignals(ProcessMaps.lines())) {
      return false;
    }
    Thread thread = new Thread(PlatformStart::run, "descent-opencl-start");
    thread.setDaemon(true);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitQuietly(thread),
        "descent-opencl-start-exit"));
    thread.start();
    started = thread;
    return true;
  }

  private static void run() {
    try {
      Cl.devices();
      JvmSignals.reclaim();
    } catch (RuntimeException | Error e) {
      // Not lost: the open that follows makes the same calls and reports its failure itself (an
      // OutOfMemoryError here too: uncaught, the thread's default handler printed a stack trace
      // beside the command's own one-line error, in a 16 MiB heap).
    }
  }

  private static void awaitQuietly(Thread thread) {
    try {
      thread.join(EXIT_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether the process whose {@code /proc/self/maps} lines are given has the JDK's
   * signal-chaining library loaded.
   */
  static boolean chainsSignals(List<String> maps) {
    for (String line : maps) {
      if (line.endsWith("/" + CHAINING_LIBRARY)) {
        return true;
      }
    }
    return false;
  }
}
