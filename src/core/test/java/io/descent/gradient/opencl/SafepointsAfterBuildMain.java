package io.descent.gradient.opencl;

/**
 * Run in a child JVM by {@link SafepointsAfterBuildTest}: five times, builds a kernel no cache has
 * seen (so PoCL's LLVM runs in this process and installs its fault handlers), then keeps four
 * threads in compiled Java loops while the main thread forces safepoints, each of which makes the
 * threads fault on their safepoint polls together. Prints "survived" at the end; a process whose
 * SIGSEGV handler is still LLVM's can die before that. With the argument {@code keep}, builds do
 * not give the handlers back ({@link JvmSignals#suspendForTest}): the control.
 */
public final class SafepointsAfterBuildMain {
  private SafepointsAfterBuildMain() {}

  /** The builds, each followed by the threads and the safepoints. */
  public static void main(String[] args) throws Exception {
    JvmSignals.suspendForTest(args.length > 0 && args[0].equals("keep"));
    double sum = 0;
    for (int round = 0; round < 5; round++) {
      try (ClContext context = new ClContext(OpenClBackend.select(Cl.devices(), null))) {
        context.program("read_bandwidth.cl", "-DFRESH_BUILD=" + System.nanoTime());
      }
      sum += safepoints(4, 60);
    }
    System.out.println("survived " + (sum != 0));
  }

  /** {@code count} safepoints while {@code threads} threads run compiled loops. */
  private static double safepoints(int threads, int count) throws InterruptedException {
    BusyThreads busy = BusyThreads.start(threads);
    BusyThreads.forceSafepoints(count);
    return busy.stop();
  }
}
