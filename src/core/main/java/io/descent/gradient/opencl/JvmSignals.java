package io.descent.gradient.opencl;

import sun.misc.Signal;

/**
 * Gives the fault signals back to the JVM after PoCL's in-process compiler may have taken them.
 *
 * <p>PoCL compiles kernels with LLVM inside this process (at {@code clBuildProgram}, and for a
 * kernel's first launches on its worker threads). LLVM then installs its own handler for SIGSEGV,
 * SIGBUS, SIGILL, SIGFPE and the other fatal signals, saving the JVM's, and keeps it until a
 * signal arrives. But the JVM raises SIGSEGV on purpose in every thread that runs compiled Java
 * code (safepoint polls, implicit null checks). LLVM's handler is installed with {@code
 * SA_RESETHAND}: on entry the disposition drops to the default (terminate) until the handler has
 * put the JVM's back. When two Java threads reach a safepoint poll together, the second one's
 * fault lands in that gap and the process dies with "Segmentation fault" and no error report.
 * Measured with PoCL 3.1 (LLVM 15): {@code descent bench} at 1M rows with an empty PoCL cache died
 * in 4 runs of 6 while two threads standardized the upload (the common pool), the kernel having
 * been built just before.
 *
 * <p>{@link #reclaim} raises SIGXFSZ in the calling thread, a signal LLVM also handles and the JVM
 * otherwise ignores. If LLVM's handler is installed, it runs once, puts back every handler it
 * saved (the JVM's) and returns; otherwise the no-op Java handler {@link #prepare} registered
 * takes it ({@link Signal#raise} needs one). Either way the JVM owns its fault signals again when
 * this returns. {@link #prepare} must run before the first OpenCL call, so that what LLVM saves
 * for SIGXFSZ is the JVM's handler: {@link Cl#load} calls it. {@link ClContext} reclaims after
 * every program build, and after the blocking read that follows a launch of a new shape (a
 * kernel's first launch in a shape is when PoCL compiles its work-group function), so Java threads
 * never run long beside LLVM's handler. A SIGXFSZ handler the application registered itself is
 * replaced by the no-op one.
 */
final class JvmSignals {
  /** Whether raising SIGXFSZ is known to be harmless here: HotSpot (OpenJDK) on Linux. */
  private static final boolean ENABLED = System.getProperty("os.name", "").startsWith("Linux")
      && System.getProperty("java.vm.name", "").matches("(?i).*(hotspot|openjdk).*");

  private static final Signal XFSZ = ENABLED ? new Signal("XFSZ") : null;

  private static volatile boolean prepared;
  /** False when this JVM refused the handler: then nothing is raised. */
  private static volatile boolean usable = ENABLED;

  private JvmSignals() {}

  /**
   * Registers the no-op Java handler for SIGXFSZ, once; call before any OpenCL call. A JVM that
   * refuses it (one that reserves SIGXFSZ) leaves the handlers as they are: {@link #reclaim}
   * then does nothing, as on a JVM other than HotSpot.
   */
  static synchronized void prepare() {
    if (usable && !prepared) {
      try {
        Signal.handle(XFSZ, s -> { });
      } catch (IllegalArgumentException refused) {
        usable = false;
      }
      prepared = true;
    }
  }

  /** Set only by a test's child JVM, to show what happens without {@link #reclaim}. */
  private static volatile boolean suspended;

  /** For a test: {@code true} makes {@link #reclaim} do nothing until called with false. */
  static void suspendForTest(boolean suspend) {
    suspended = suspend;
  }

  /** Puts the JVM's fault handlers back if LLVM took them; a no-op otherwise. */
  static void reclaim() {
    if (usable && !suspended) {
      prepare();
      if (usable) {
        Signal.raise(XFSZ);
      }
    }
  }
}
