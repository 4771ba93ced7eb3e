package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Test
  void anUnavailableBackendIsARowAndTheOthersRun() {
    Cli r = Cli.run(concat(TINY, "--backends", "opencl,reference", "--device",
        "no such device", "--loss", "linear", "--fit-rows", "0"));
    assertEquals(0, r.code(), r.err());
    List<String> rows = r.out().lines().filter(l -> l.startsWith("linear ")).toList();
    List<String> opencl = rows.stream().filter(l -> l.contains(" opencl ")).toList();
    assertEquals(2, opencl.size(), r.out());
    assertTrue(opencl.stream().allMatch(l -> l.contains("unavailable: ")), r.out());
    assertEquals(2, rows.stream().filter(l -> l.contains(" reference ")).count(), r.out());
    assertFalse(r.out().contains("End to end"), "--fit-rows 0 skips the fit");
  }

  @Test
  void nothingMeasurableExitsOneAfterTheTable() {
    Cli r = Cli.run(concat(TINY, "--fit-rows", "300", "--backends", "opencl", "--device",
        "no such device"));
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("unavailable: "), r.out());
    assertTrue(r.err().contains("descent: no backend could be measured"), r.err());
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
