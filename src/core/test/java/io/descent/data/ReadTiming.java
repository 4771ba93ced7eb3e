package io.descent.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Times reading a CSV file with a binary target as {@code train} reads it (in slices on every
 * core), or loading its cached copy: {@code java -XX:+UseTransparentHugePages -cp CLASSPATH
 * io.descent.data.ReadTiming FILE TARGET READS [CACHE_DIRECTORY]}. The first read of a fresh JVM
 * includes the JIT's warm-up, as a command's read does; run it with {@code READS} 1, many times,
 * to compare builds ({@code -DcountPass=true}: with the count pass before the slices, as a file
 * whose features cannot go off the heap is read). With a cache directory, the first read writes the copy when there is none.
 * Not a test: it prints seconds.
 */
public final class ReadTiming {
  private ReadTiming() {}

  /** Prints one line per read: seconds, rows and where they came from. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    CsvReader reader = new CsvReader(CsvReader.Options.binaryTarget(args[1]));
    if (Boolean.getBoolean("countPass")) {
      reader = reader.withCountPass();
    }
    int reads = Integer.parseInt(args[2]);
    DatasetCache cache = args.length > 3 ? new DatasetCache(Path.of(args[3])) : null;
    for (int r = 0; r < reads; r++) {
      long start = System.nanoTime();
      Dataset data;
      String from = "parsed";
      if (cache == null) {
        data = reader.read(file);
      } else {
        DatasetCache.Loaded loaded = cache.load(file, reader);
        data = loaded.data();
        from = loaded.fromCopy() ? "from the cached copy" : "parsed, copy written";
      }
      System.out.printf(Locale.ROOT, "read %d: %.3f s, %d rows, %s%n", r + 1,
          (System.nanoTime() - start) / 1e9, data.rows(), from);
    }
  }
}
