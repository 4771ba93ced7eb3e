package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache's temporary files do not outlive a JVM that exits while writing one (Ctrl-C,
 * SIGTERM: the shutdown hook), and modification times past 2262 still tell files apart.
 */
class CacheTemporariesTest {
  @TempDir
  Path dir;

  /** Makes args[0], as a copy being written, then exits as a signal would end the JVM. */
  public static void main(String[] args) throws Exception {
    Path temporary = Files.createFile(Path.of(args[0]));
    DatasetCache.Exits.deleting(temporary);
    System.out.println("writing");
    System.exit(143);
  }

  @Test
  void aTemporaryFileBeingWrittenIsDeletedWhenTheJvmExits() throws Exception {
    Path temporary = dir.resolve("data.csv-0.dscache.1.tmp");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"),
        "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        CacheTemporariesTest.class.getName(), temporary.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(143, p.exitValue(), out);
    assertEquals("writing", out.strip());
    assertFalse(Files.exists(temporary), "the temporary file outlived its JVM");
  }

  /**
   * Java reads every modification time past 2262 as one (a long of nanoseconds), so an edit of
   * such a file could keep its key: no copy is kept of it, and the rows are parsed each time.
   */
  @Test
  void aFileOfATimePastTwentyTwoSixtyTwoIsNotCached() throws Exception {
    Path file = dir.resolve("far.csv");
    Files.writeString(file, "a,y\n1,2\n3,4\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2300-01-01T00:00:00Z")));
    List<String> notices = new ArrayList<>();
    DatasetCache cache = new DatasetCache(dir.resolve("cache")).withNotices(notices::add);
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("y"));
    cache.read(file, reader);
    assertTrue(cache.cached(file, reader).isEmpty());
    assertEquals(1, notices.size(), notices.toString());
    assertTrue(notices.get(0).contains("its modification time is past what Java's file times"
        + " tell apart"), notices.get(0));
    Files.writeString(file, "a,y\n1,2\n3,5\n"); // the same size
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2400-06-01T00:00:00Z")));
    assertEquals(5.0, cache.read(file, reader).y()[1]);
  }

  /**
   * A time past 2262 that the file system keeps exactly (set by {@code touch}, which Java's own
   * setter cannot do: it saturates) reads to the microsecond at best, so an edit 100 ns later
   * would keep the key: no copy either.
   */
  @Test
  void aFileTouchedPastTwentyTwoSixtyTwoToTheNanosecondIsNotCached() throws Exception {
    Path file = dir.resolve("touched.csv");
    Files.writeString(file, "a,y\n1,2\n3,4\n");
    touch(file, "2300-01-01 00:00:00.000000100");
    List<String> notices = new ArrayList<>();
    DatasetCache cache = new DatasetCache(dir.resolve("cache")).withNotices(notices::add);
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("y"));
    assertEquals(4.0, cache.read(file, reader).y()[1]);
    assertTrue(cache.cached(file, reader).isEmpty());
    assertEquals(1, notices.size(), notices.toString());
    Files.writeString(file, "a,y\n1,2\n3,5\n"); // the same size
    touch(file, "2300-01-01 00:00:00.000000200");
    assertEquals(5.0, cache.read(file, reader).y()[1]);
  }

  private static void touch(Path file, String time) throws Exception {
    Process p = new ProcessBuilder("touch", "-d", time, file.toString()).inheritIO().start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
  }
}
