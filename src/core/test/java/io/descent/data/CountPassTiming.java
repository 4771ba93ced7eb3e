package io.descent.data;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Times the count pass of a sliced read ({@link CsvChunks#count}) on a CSV file, five times in one
 * JVM (the first includes the JIT's warm-up): {@code java -cp CLASSPATH
 * io.descent.data.CountPassTiming FILE THREADS}. Not a test: it prints seconds.
 */
public final class CountPassTiming {
  private CountPassTiming() {}

  /** Prints one line per count: seconds and rows. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    for (int r = 0; r < 5; r++) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        long start = System.nanoTime();
        CsvChunks chunks = CsvChunks.plan(channel, channel.size(),
            CsvReader.DEFAULT_SLICE_BYTES);
        boolean counted = chunks != null && chunks.count(pool, ReadProgress.NONE);
        System.out.printf("count %.3f s, rows %d%n", (System.nanoTime() - start) / 1e9,
            counted ? chunks.rows() : -1);
      } finally {
        pool.shutdown();
      }
    }
  }
}
