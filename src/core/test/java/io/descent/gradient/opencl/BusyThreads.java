package io.descent.gradient.opencl;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Threads kept in compiled Java loops, for the child JVMs that force safepoints beside PoCL's
 * LLVM ({@link SafepointsAfterBuildMain}, {@link PlatformStartMain}): at each safepoint they fault
 * on their polls together.
 */
final class BusyThreads {
  private final AtomicBoolean stop = new AtomicBoolean();
  private final double[] sinks;
  private final Thread[] running;

  private BusyThreads(int count) {
    sinks = new double[count];
    running = new Thread[count];
    for (int t = 0; t < count; t++) {
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
  }

  /** Starts {@code count} busy threads. */
  static BusyThreads start(int count) {
    return new BusyThreads(count);
  }

  /** Forces {@code count} safepoints (a collection each), a millisecond apart. */
  static void forceSafepoints(int count) throws InterruptedException {
    for (int k = 0; k < count; k++) {
      System.gc();
      Thread.sleep(1);
    }
  }

  /** Stops the threads, waits for them and returns the sum of what they computed. */
  double stop() throws InterruptedException {
    stop.set(true);
    double sum = 0;
    for (int t = 0; t < running.length; t++) {
      running[t].join();
      sum += sinks[t];
    }
    return sum;
  }
}
