package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.descent.data.CsvReader.Options;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated 200,000 x 64 file (about 100 MB): every value comes back, and reading it allocates
 * little beyond the arrays it returns, which is what streaming means.
 */
class CsvReaderLargeTest {
  private static final int ROWS = 200_000;
  private static final int FEATURES = 64;
  private static final long SEED = 2024;

  @TempDir
  Path dir;

  /** Writes k / 1000 as a decimal with three places, e.g. -12.345. */
  private static void appendThousandths(StringBuilder sb, int k) {
    if (k < 0) {
      sb.append('-');
      k = -k;
    }
    sb.append(k / 1000).append('.');
    int frac = k % 1000;
    sb.append((char) ('0' + frac / 100)).append((char) ('0' + frac / 10 % 10))
        .append((char) ('0' + frac % 10));
  }

  private Path generate() throws IOException {
    Path file = dir.resolve("large.csv");
    SplittableRandom r = new SplittableRandom(SEED);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < FEATURES; j++) {
        sb.append('f').append(j).append(',');
      }
      w.append(sb.append("target\n"));
      for (int i = 0; i < ROWS; i++) {
        sb.setLength(0);
        for (int j = 0; j <= FEATURES; j++) {
          int k = r.nextInt(-999_999, 1_000_000);
          switch (j % 16) {
            case 1 -> {
              sb.append('"');
              appendThousandths(sb, k);
              sb.append('"');
            }
            case 2 -> sb.append(k).append("e-3");
            case 3 -> {
              sb.append(' ');
              appendThousandths(sb, k);
              sb.append(' ');
            }
            default -> appendThousandths(sb, k);
          }
          sb.append(j < FEATURES ? ',' : '\n');
        }
        w.append(sb);
      }
    }
    return file;
  }

  @Test
  void everyValueComesBackAndLittleElseIsAllocated() throws IOException {
    Path file = generate();
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
        "this JVM cannot count allocated bytes");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    long tid = Thread.currentThread().getId();
    CsvReader reader = new CsvReader(Options.numericTarget("target"));

    long before = threads.getThreadAllocatedBytes(tid);
    Dataset d = reader.read(file);
    long allocated = threads.getThreadAllocatedBytes(tid) - before;

    assertEquals(ROWS, d.rows());
    assertEquals(FEATURES, d.features());
    assertEquals("f63", d.featureNames().get(63));
    SplittableRandom r = new SplittableRandom(SEED);
    float[] x = d.x();
    double[] y = d.y();
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < FEATURES; j++) {
        int k = r.nextInt(-999_999, 1_000_000);
        // k and 1000 are exact floats, so the division is the correctly rounded k / 1000.
        if (x[i * FEATURES + j] != k / 1000f) {
          throw new AssertionError("row " + i + ", feature " + j + ": " + x[i * FEATURES + j]
              + " != " + k / 1000f);
        }
      }
      int k = r.nextInt(-999_999, 1_000_000);
      if (y[i] != k / 1000.0) {
        throw new AssertionError("row " + i + ", target: " + y[i] + " != " + k / 1000.0);
      }
    }

    // The arrays returned are 4 * 200000 * 64 + 8 * 200000 bytes = 52.8 MB; the file is about
    // 110 MB. Holding its text, or growing and copying the array, would allocate far more.
    long arrays = 4L * ROWS * FEATURES + 8L * ROWS;
    assertTrue(Files.size(file) > 2 * arrays, "file size " + Files.size(file));
    assertTrue(allocated < arrays + (4 << 20), "allocated " + allocated + " bytes for " + arrays
        + " bytes of arrays");
  }
}
