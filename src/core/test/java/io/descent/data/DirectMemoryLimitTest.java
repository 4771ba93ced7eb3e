package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.loss.Loss;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file read in a JVM whose direct memory is small ({@code -XX:MaxDirectMemorySize}, or taken
 * by other libraries): the features go on the heap, and the read neither fails with an
 * OutOfMemoryError nor gives other values.
 */
class DirectMemoryLimitTest {
  @TempDir
  Path dir;

  /** Reads args[0] (target "y", binary) and prints its rows and a hash of its values. */
  public static void main(String[] args) throws Exception {
    Dataset d = new CsvReader(CsvReader.Options.binaryTarget("y")).read(Path.of(args[0]));
    System.out.println(d.rows() + " " + hash(d));
  }

  private static int hash(Dataset d) {
    return 31 * Arrays.hashCode(d.x()) + Arrays.hashCode(d.y());
  }

  @Test
  void aSmallDirectMemoryLimitReadsTheSameRows() throws Exception {
    Path file = dir.resolve("big.csv");
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      new SyntheticData(150_000, 24, Loss.LOGISTIC, 5).write(w);
    }
    assertTrue(Files.size(file) > 2 * (8 << 20), "several slices: " + Files.size(file));
    Dataset here = new CsvReader(CsvReader.Options.binaryTarget("y")).read(file);
    String expected = here.rows() + " " + hash(here);
    for (String limit : List.of("1m", "6m", "12m")) {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"),
          "bin", "java").toString(), "-XX:MaxDirectMemorySize=" + limit, "-cp",
          System.getProperty("java.class.path"), DirectMemoryLimitTest.class.getName(),
          file.toString()));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), limit + ": " + out);
      assertEquals(expected, out.strip(), limit);
    }
  }
}
