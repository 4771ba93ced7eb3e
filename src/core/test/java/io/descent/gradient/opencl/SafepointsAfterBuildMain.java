package io.descent.gradient.opencl;

import java.util.concurrent.atomic.AtomicBoolean;

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
    AtomicBoolean stop = new AtomicBoolean();
    double[] sinks = new double[threads];
    Thread[] running = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      running[t] = new Thread(() -> {
        double[] values = new double[1 << 12];
        double s = 0;
        while (!stop.get()) {
          for (int i = 0; i < values.length; i++) {
            values[i] = values[i] * 0.5 + i;
            s += values[i];
          }
        }
        sinks[id] = s;
      });
      running[t].start();
    }
    for (int k = 0; k < count; k++) {
      System.gc();
      Thread.sleep(1);
    }
    stop.set(true);
    double sum = 0;
    for (int t = 0; t < threads; t++) {
      running[t].join();
      sum += sinks[t];
    }
    return sum;
  }
}
