package io.descent.gradient.opencl;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Run in a child JVM by {@link PlatformStartTest}: starts the OpenCL platforms in the background
 * ({@link PlatformStart}) while four threads run compiled Java loops and the main thread forces
 * safepoints, each of which makes the threads fault on their safepoint polls together; then lists
 * the devices. Prints "started true|false", the device count and "survived"; a process whose
 * SIGSEGV handler became LLVM's beside those threads can die before that.
 */
public final class PlatformStartMain {
  private PlatformStartMain() {}

  /** The start, the threads and the safepoints, then the devices. */
  public static void main(String[] args) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    double[] sinks = new double[4];
    Thread[] running = new Thread[sinks.length];
    for (int t = 0; t < running.length; t++) {
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
    boolean started = OpenClBackend.startPlatforms();
    System.out.println("started " + started);
    for (int k = 0; k < 100; k++) {
      System.gc();
      Thread.sleep(1);
    }
    stop.set(true);
    double sum = 0;
    for (Thread thread : running) {
      thread.join();
    }
    for (double s : sinks) {
      sum += s;
    }
    System.out.println("devices " + OpenClBackend.devices().size());
    System.out.println("survived " + (sum != 0));
  }
}
