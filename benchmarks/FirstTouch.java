import java.util.Locale;

/**
 * What a large array costs the first time its memory is touched, against memory the process has
 * touched before: the fixed cost behind every copy of the rows a run makes (the parsed array, the
 * backend's standardized copy, the float64 finish's copy).
 *
 * <p>Run from the repository root, in a fresh JVM each time (single-file source launch, Java 11
 * or later): {@code java -XX:+UseTransparentHugePages benchmarks/FirstTouch.java [MB] [rounds]
 * [threads]} (default 256 MB, 3 rounds, 1 thread; the option as the command line's second JVM
 * runs). Each round allocates a {@code float[]} of MB megabytes (the JVM zeroes it: the first
 * touch of fresh pages, on the allocating thread), fills it once more (pages already mapped),
 * then drops it and collects, so that the next round's array lands in heap memory this process
 * has touched already. With more than one thread, each round allocates as many arrays at once,
 * one a thread, of MB in all: the same memory first touched by several threads (a Java array is
 * zeroed by the one thread that allocates it). Pause a few seconds between runs: a virtual
 * machine may hand memory another process freed moments ago back still backed, and the first
 * round then costs what the others do.
 */
public final class FirstTouch {
  private FirstTouch() {}

  /** Argument {@code i} (default {@code otherwise}), a whole number of at least 1, or exit 2. */
  private static int positive(String[] args, int i, int otherwise, String name) {
    if (args.length <= i) {
      return otherwise;
    }
    try {
      int v = Integer.parseInt(args[i]);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    System.err.println("FirstTouch: " + name + " must be a whole number >= 1, got " + args[i]
        + " (usage: java FirstTouch.java [MB] [rounds] [threads])");
    System.exit(2);
    return 0;
  }

  public static void main(String[] args) throws InterruptedException {
    int megabytes = positive(args, 0, 256, "MB");
    int rounds = positive(args, 1, 3, "rounds");
    int threads = positive(args, 2, 1, "threads");
    System.out.printf(Locale.ROOT, "%d MB float[], %d rounds, %d thread(s), JVM options %s%n",
        megabytes, rounds, threads,
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      float[][] parts = new float[threads][];
      Thread[] workers = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        int part = t;
        workers[t] = new Thread(() -> parts[part] = new float[(megabytes << 18) / threads]);
        workers[t].start();
      }
      for (Thread w : workers) {
        w.join();
      }
      long allocated = System.nanoTime();
      for (float[] x : parts) {
        java.util.Arrays.fill(x, 1f);
      }
      long filled = System.nanoTime();
      System.out.printf(Locale.ROOT, "round %d: allocate (zeroing %s memory) %.3f s = %.2f GB/s;"
          + " fill after %.3f s = %.2f GB/s%n", r + 1, r == 0 ? "fresh" : "reused",
          (allocated - start) / 1e9, (megabytes << 20) / ((allocated - start) / 1e9) / 1e9,
          (filled - allocated) / 1e9, (megabytes << 20) / ((filled - allocated) / 1e9) / 1e9);
      for (float[] x : parts) {
        if (x[x.length - 1] != 1f) {
          throw new AssertionError("the fill did not happen");
        }
      }
      java.util.Arrays.fill(parts, null);
      System.gc();
    }
  }
}
