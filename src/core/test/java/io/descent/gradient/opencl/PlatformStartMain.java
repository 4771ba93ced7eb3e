package io.descent.gradient.opencl;

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
    BusyThreads busy = BusyThreads.start(4);
    boolean started = OpenClBackend.startPlatforms();
    System.out.println("started " + started);
    BusyThreads.forceSafepoints(100);
    double sum = busy.stop();
    System.out.println("devices " + OpenClBackend.devices().size());
    System.out.println("survived " + (sum != 0));
  }
}
