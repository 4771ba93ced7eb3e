package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run too large for the heap fails early, in one line, naming the memory it needs and an
 * {@code -Xmx} that does; and a heap that runs out anyway is one line, not a stack trace. Each
 * case runs in its own JVM with a small heap.
 */
class LargeInputTest {
  private static final Pattern XMX = Pattern.compile("java -Xmx(\\d+)m -jar");

  /** 100,000 rows x 64 features: 25 MiB as data (100000 x (64 x 4 + 8) bytes). */
  @TempDir
  static Path shared;
  private static Path data;

  @TempDir
  Path dir;

  @BeforeAll
  static void generate() {
    data = shared.resolve("100k.csv");
    assertEquals(0, Cli.run("generate", "--rows", "100000", "--features", "64", "--loss",
        "linear", "--seed", "1", "--out", data.toString()).code());
  }

  /** Runs the command line in a new JVM with this heap; returns its exit code and output. */
  static Cli java(String xmx, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), xmx, "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Cli(p.exitValue(), out, out);
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFileLargerThanTheHeapFailsEarlyWithTheFigure() throws Exception {
    Cli r = java("-Xmx24m", "train", "--data", data.toString(), "--target", "y", "--loss",
        "linear", "--backend", "reference", "--out", dir.resolve("m.json").toString());
    assertEquals(1, r.code(), r.out());
    assertEquals(1, r.out().strip().lines().count(), r.out());
    assertTrue(r.out().startsWith("descent: " + data + ": 100000 rows x 64 features need 41 MiB"
        + " of heap (25 MiB for the float32 features and float64 target, 16 MiB for the JVM and"
        + " the libraries still to load) but only "), r.out());
    assertTrue(XMX.matcher(r.out()).find(), r.out());
    assertEquals(List.of(), files(dir));
  }

  /**
   * A heap a little larger than the data passed the old check, which counted the data alone,
   * and then ran out with a stack trace: while reading (the audit's -Xmx56m on 51 MiB), while
   * loading libraries (-Xmx58m), or copying the validation split (-Xmx60m with a fraction).
   * The check now counts what follows the reading, and the -Xmx it suggests does the job.
   */
  @Test
  void theCheckCountsWhatFollowsTheReadingAndItsAdviceWorks() throws Exception {
    String out = dir.resolve("m.json").toString();
    Cli train = java("-Xmx32m", "train", "--data", data.toString(), "--target", "y", "--loss",
        "linear", "--out", out, "--quiet");
    assertEquals(1, train.code(), train.out());
    assertEquals(1, train.out().strip().lines().count(), train.out());
    assertTrue(train.out().contains("need 41 MiB of heap"), train.out());

    String[] validation = {"train", "--data", data.toString(), "--target", "y", "--loss",
        "linear", "--validation-fraction", "0.2", "--max-iterations", "3", "--out", out,
        "--quiet"};
    Cli tooSmall = java("-Xmx48m", validation);
    assertEquals(1, tooSmall.code(), tooSmall.out());
    assertEquals(1, tooSmall.out().strip().lines().count(), tooSmall.out());
    // One more copy of every row, and the split's row indices (16 bytes a row).
    assertTrue(tooSmall.out().contains("need 68 MiB of heap (25 MiB for the float32 features and"
        + " float64 target, 27 MiB for the validation split's copies, 16 MiB for the JVM and the"
        + " libraries still to load)"), tooSmall.out());
    assertEquals(List.of(), files(dir));
    Cli advised = java(advice(tooSmall.out()), validation);
    assertEquals(0, advised.code(), advised.out());
    assertEquals(List.of("m.json"), files(dir));

    // predict streams its rows: the heap that could not hold the data predicts it.
    Cli predicted = java("-Xmx32m", "predict", "--model", out, "--data", data.toString(),
        "--out", dir.resolve("p.csv").toString());
    assertEquals(0, predicted.code(), predicted.out());
    assertEquals(100001, Files.readAllLines(dir.resolve("p.csv")).size());
  }

  private static String advice(String message) {
    Matcher m = XMX.matcher(message);
    assertTrue(m.find(), message);
    return "-Xmx" + m.group(1) + "m";
  }

  /**
   * Memory no check foresees (a header of a million column names, read before any size is
   * known) runs out: one line naming what ran out and a larger heap, exit 1, nothing written.
   */
  @Test
  void runningOutOfHeapIsOneLineWithAdvice() throws Exception {
    Path wide = shared.resolve("wide.csv");
    try (BufferedWriter w = Files.newBufferedWriter(wide)) {
      for (int j = 0; j < 1_000_000; j++) {
        w.write("c" + j + ",");
      }
      w.write("y\n");
      for (int j = 0; j < 1_000_000; j++) {
        w.write("1,");
      }
      w.write("2\n");
    }
    Cli r = java("-Xmx16m", "train", "--data", wide.toString(), "--target", "y", "--loss",
        "linear", "--out", dir.resolve("m.json").toString());
    assertEquals(1, r.code(), r.out());
    assertEquals("descent: out of memory (Java heap space) with a heap of 16 MiB: raise the heap,"
        + " e.g. java -Xmx64m -jar descent.jar ...", r.out().strip());
    assertEquals(List.of(), files(dir), "nothing written, no temporary file left");
  }

  /**
   * A heap too small even for the report of what ran out (a few MiB): still one line, made
   * before the command ran, and exit 1, never a stack trace.
   */
  @Test
  void aHeapTooSmallToReportIsStillOneLine() throws Exception {
    Path model = shared.resolve("mtcars.json");
    assertEquals(0, Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg",
        "--loss", "linear", "--backend", "reference", "--quiet", "--out", model.toString())
        .code());
    for (String xmx : List.of("-Xmx3m", "-Xmx4m")) {
      Cli r = java(xmx, "predict", "--model", model.toString(), "--data", "datasets/mtcars.csv",
          "--out", dir.resolve("p.csv").toString());
      if (r.code() != 0) {
        assertEquals(1, r.code(), r.out());
        assertEquals(1, r.out().strip().lines().count(), r.out());
        assertTrue(r.out().startsWith("descent: out of memory"), r.out());
        assertEquals(List.of(), files(dir), "nothing written");
      }
    }
  }
}
