package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.bench.BackendBenchmark;
import io.descent.bench.BenchConfig;
import io.descent.bench.BenchReport;
import io.descent.bench.BenchTable;
import io.descent.gradient.BackendKind;
import io.descent.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code descent bench}: exit codes, usage errors and the files it writes (tiny sizes). */
class BenchCommandTest {
  private static final String[] TINY = {"bench", "--rows", "200,400", "--features", "3",
      "--warmup", "1", "--repeats", "2", "--seed", "9"};

  @TempDir
  Path dir;

  @Test
  void printsATableAndWritesCsvJsonAndPng() throws Exception {
    Path csv = dir.resolve("b.csv");
    Path json = dir.resolve("b.json");
    Path png = dir.resolve("b.png");
    Cli r = Cli.run(concat(TINY, "--fit-rows", "300", "--fit-features", "3", "--backends",
        "nd4j,reference", "--csv", csv.toString(),
        "--json", json.toString(), "--plot", png.toString()));
    assertEquals(0, r.code(), r.err());
    List<String> rows = r.out().lines().filter(l -> l.startsWith("linear ")
        || l.startsWith("logistic ")).toList();
    assertEquals(2 * 2 * 2, rows.size(), r.out());
    assertTrue(rows.stream().allMatch(l -> l.contains(" nd4j ") || l.contains(" reference ")),
        r.out());
    assertTrue(r.out().contains("seed 9"), r.out());
    assertTrue(r.out().contains("End to end"), r.out());
    assertTrue(r.out().contains("wrote " + csv), r.out());
    assertTrue(r.err().contains("bench: nd4j: initialized in"), r.err());
    assertEquals(1 + 8 + 2, Files.readAllLines(csv).size());
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals(8, root.get("evaluations").size());
    assertEquals(9, root.get("config").get("seed").asLong());
    byte[] head = Files.readAllBytes(png);
    assertEquals((byte) 0x89, head[0]);
    assertEquals("PNG", new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
  }

  /**
   * A backend that cannot run is a row with its reason, and the others run. The command line
   * refuses a --device that matches nothing before any work (exit 2, OpenClCliTest); the
   * library's run, which that check does not guard, makes the OpenCL backend unavailable.
   */
  @Test
  void anUnavailableBackendIsARowAndTheOthersRun() {
    BenchConfig config = new BenchConfig(List.of(200, 400), List.of(3), List.of(Loss.LINEAR),
        EnumSet.of(BackendKind.OPENCL, BackendKind.REFERENCE), "no such device", 1, 2, 9, null);
    BenchReport report = BackendBenchmark.run(config, line -> { });
    String table = BenchTable.format(report);
    List<String> rows = table.lines().filter(l -> l.startsWith("linear ")).toList();
    List<String> opencl = rows.stream().filter(l -> l.contains(" opencl ")).toList();
    assertEquals(2, opencl.size(), table);
    assertTrue(opencl.stream().allMatch(l -> l.contains("unavailable: ")), table);
    assertEquals(2, rows.stream().filter(l -> l.contains(" reference ")).count(), table);
    assertTrue(BenchCommand.measured(report));
    // Nothing measurable: the command exits 1 after the table.
    BenchReport none = BackendBenchmark.run(new BenchConfig(List.of(200), List.of(3),
        List.of(Loss.LINEAR), EnumSet.of(BackendKind.OPENCL), "no such device", 1, 2, 9, null),
        line -> { });
    assertTrue(BenchTable.format(none).contains("unavailable: "), BenchTable.format(none));
    assertFalse(BenchCommand.measured(none));
  }

  @Test
  void badRowsAreUsageErrors() {
    Cli text = Cli.run("bench", "--rows", "10,abc");
    assertEquals(2, text.code());
    assertTrue(text.err().contains("--rows"), text.err());
    assertTrue(text.err().contains("(try 'descent bench --help')"), text.err());
    Cli zero = Cli.run("bench", "--rows", "1000,0");
    assertEquals(2, zero.code());
    assertTrue(zero.err().contains("--rows must be > 0, got 0"), zero.err());
    assertEquals("", zero.out(), "nothing is measured before the options are checked");
  }

  @Test
  void otherBadOptionsAreUsageErrors() {
    assertEquals(2, Cli.run("bench", "--features", "-1").code());
    assertEquals(2, Cli.run("bench", "--loss", "hinge").code());
    assertEquals(2, Cli.run("bench", "--backends", "gpu").code());
    assertEquals(2, Cli.run("bench", "--repeats", "0").code());
    assertEquals(2, Cli.run("bench", "--warmup", "-2").code());
    assertEquals(2, Cli.run("bench", "--fit-rows", "-1").code());
    Cli dirMissing = Cli.run("bench", "--csv", dir.resolve("no/such/dir/b.csv").toString());
    assertEquals(2, dirMissing.code());
    assertTrue(dirMissing.err().contains("does not exist"), dirMissing.err());
    // A fit that could never load is refused before its CSV is written (it filled /tmp).
    Cli huge = Cli.run("bench", "--rows", "100", "--features", "4", "--backends", "reference",
        "--fit-rows", "100000", "--fit-features", "100000");
    assertEquals(2, huge.code(), huge.err());
    assertTrue(huge.err().startsWith("descent: --fit-rows x --fit-features = 100000 x 100000"
        + " does not fit one float array"), huge.err());
    assertEquals("", huge.out());
    // So is a sweep cell that could never load, and one the heap cannot hold, before any cell
    // runs or any output is written.
    Cli hugeCell = Cli.run("bench", "--rows", "100,40000000", "--features", "64", "--backends",
        "reference", "--fit-rows", "0", "--csv", dir.resolve("cells.csv").toString());
    assertEquals(2, hugeCell.code(), hugeCell.err());
    assertTrue(hugeCell.err().startsWith("descent: --rows x --features = 40000000 x 64 does not"
        + " fit one float array"), hugeCell.err());
    long heapRows = Runtime.getRuntime().maxMemory() / 8 / 4 + 1;
    Cli heavyCell = Cli.run("bench", "--rows", "100," + heapRows, "--features", "8",
        "--backends", "reference", "--fit-rows", "0", "--csv", dir.resolve("cells.csv")
            .toString());
    assertEquals(1, heavyCell.code(), heavyCell.err());
    assertTrue(heavyCell.err().startsWith("descent: the sweep's largest data (--rows " + heapRows
        + " x --features 8): "), heavyCell.err());
    assertEquals("", heavyCell.out());
    assertFalse(Files.exists(dir.resolve("cells.csv")));
    Cli poisson = Cli.run("bench", "--fit-loss", "poisson");
    assertEquals(2, poisson.code());
    assertTrue(poisson.err().startsWith("descent: --fit-loss must be linear or logistic, got"
        + " \"poisson\""), poisson.err());
  }

  @Test
  void openClOptionsWithoutOpenClAreNamedAsIgnored() {
    Cli r = Cli.run("bench", "--rows", "100", "--features", "3", "--backends", "reference",
        "--warmup", "0", "--repeats", "1", "--fit-rows", "0", "--tuning", "device");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("descent: --tuning is ignored: --backends does not list"
        + " opencl"), r.err());
  }

  /**
   * SIGTERM (and Ctrl-C) during the end-to-end fit deletes its CSV and temporary directory,
   * which an interrupted run left behind (66 MB for the default fit).
   */
  @Test
  void anInterruptedFitLeavesNoTemporaryFiles() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "bench", "--rows", "100", "--features", "3", "--backends",
        "reference", "--warmup", "0", "--repeats", "1", "--fit-rows", "400000",
        "--fit-features", "32").redirectErrorStream(true)
        .redirectOutput(dir.resolve("out.txt").toFile()).start();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (p.isAlive() && System.nanoTime() < deadline && !hasACsv(tmp)) {
      Thread.sleep(20);
    }
    assertTrue(hasACsv(tmp), "the fit's CSV never appeared: " + Files.readString(dir.resolve(
        "out.txt")));
    Thread.sleep(300);
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    try (java.util.stream.Stream<Path> left = Files.list(tmp)) {
      List<Path> dirs = left.filter(f -> f.getFileName().toString().startsWith("descent-bench"))
          .toList();
      assertEquals(List.of(), dirs, Files.readString(dir.resolve("out.txt")));
    }
  }

  /**
   * A fit whose data the heap cannot hold is refused before its CSV is written (the reader's
   * check failed it only after 400 MB and 11 s of writing), with the reader's figures.
   */
  @Test
  void aFitTooLargeForTheHeapIsRefusedBeforeItsCsvIsWritten() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("heap-tmp"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx64m", "-Djava.io.tmpdir=" + tmp, "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "bench", "--rows", "100",
        "--features", "3", "--backends", "reference", "--warmup", "0", "--repeats", "1",
        "--fit-rows", "600000", "--fit-features", "64").redirectErrorStream(true)
        .redirectOutput(dir.resolve("heap.txt").toFile()).start();
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    String out = Files.readString(dir.resolve("heap.txt"));
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("descent: the end-to-end fit's data: 600000 rows x 64 features"
        + " need 151 MiB of heap"), out);
    assertTrue(out.contains("raise the heap, e.g. java -Xmx"), out);
    try (java.util.stream.Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), out);
    }
  }

  private static boolean hasACsv(Path tmp) throws java.io.IOException {
    try (java.util.stream.Stream<Path> all = Files.walk(tmp)) {
      return all.anyMatch(f -> f.getFileName().toString().contains(".csv"));
    }
  }

  @Test
  void helpListsTheOptions() {
    Cli r = Cli.run("bench", "--help");
    assertEquals(0, r.code());
    for (String option : List.of("--rows", "--features", "--loss", "--backends", "--device",
        "--warmup", "--repeats", "--seed", "--fit-rows", "--csv", "--json", "--plot")) {
      assertTrue(r.out().contains(option), option);
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
