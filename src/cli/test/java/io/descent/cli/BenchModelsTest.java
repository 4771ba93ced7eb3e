package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.gradient.Backends;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code descent bench --models}: K models per pass on the OpenCL device, C classes of one
 * multinomial model per pass; the multinomial sweep row.
 */
class BenchModelsTest {
  @Test
  void aMultinomialFitIsRefusedInOneLine() {
    Cli r = Cli.run("bench", "--fit-loss", "multinomial");
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out(), "nothing is measured");
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("--fit-loss multinomial is not benchmarked: use linear or"
        + " logistic"), r.err());
  }

  @Test
  void theSweepTimesAMultinomialEvaluation() {
    Cli r = Cli.run("bench", "--loss", "multinomial", "--rows", "500", "--features", "6",
        "--backends", "reference", "--fit-rows", "0", "--warmup", "0", "--repeats", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.contains("multinomial") && l.contains("500")
        && l.contains("reference")), r.out());
  }

  @Test
  void timesEachClassCountAgainstSingleLogisticPasses() {
    Assumptions.assumeTrue(hasOpenCl(), "no OpenCL device");
    Cli r = Cli.run("bench", "--models", "3,4", "--rows", "600", "--features", "5", "--loss",
        "multinomial", "--warmup", "1", "--repeats", "1", "--device", "0");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("vs C single logistic passes"), r.out());
    List<String> rows = r.out().lines().filter(l -> l.matches("\\s+[134]\\s+\\S+.*"))
        .toList();
    // C = 1, the logistic pass the others compare with, comes first though not asked for.
    assertEquals(3, rows.size(), r.out());
    assertTrue(rows.get(0).trim().startsWith("1 "), r.out());
    assertTrue(rows.get(1).matches(".*\\d+\\.\\d\\dx$"), r.out());
    assertTrue(rows.get(2).matches(".*\\d+\\.\\d\\dx$"), r.out());
  }

  @Test
  void badModelCountsAreUsageErrors() {
    Cli r = Cli.run("bench", "--models", "1,0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--models must be > 0, got 0"), r.err());
  }

  @Test
  void timesEachModelCountAgainstBothBounds() {
    Assumptions.assumeTrue(hasOpenCl(), "no OpenCL device");
    Cli r = Cli.run("bench", "--models", "1,3", "--rows", "600", "--features", "5", "--loss",
        "logistic", "--warmup", "1", "--repeats", "1", "--device", "0");
    assertEquals(0, r.code(), r.err());
    List<String> rows = r.out().lines().filter(l -> l.matches("\\s+[13]\\s+gradient_.*"))
        .toList();
    assertEquals(2, rows.size(), r.out());
    assertTrue(rows.get(1).contains("_columns"), r.out());
    assertTrue(rows.stream().allMatch(l -> l.contains("read") || l.contains("arithmetic")),
        r.out());
    assertTrue(rows.get(1).matches(".*\\d+\\.\\d\\dx$"), r.out());
  }

  /** Each K once, and K = 1 always, so that every other K has its speedup. */
  @Test
  void kOneIsAlwaysTimedAndEachKOnce() {
    Assumptions.assumeTrue(hasOpenCl(), "no OpenCL device");
    Cli r = Cli.run("bench", "--models", "3,3", "--rows", "600", "--features", "5", "--loss",
        "linear", "--warmup", "1", "--repeats", "1", "--device", "0");
    assertEquals(0, r.code(), r.err());
    List<String> rows = r.out().lines().filter(l -> l.matches("\\s+[13]\\s+gradient_.*"))
        .toList();
    assertEquals(2, rows.size(), r.out());
    assertTrue(rows.get(0).matches("\\s+1\\s+.*"), r.out());
    assertTrue(rows.get(1).matches(".*\\d+\\.\\d\\dx$"), r.out());
  }

  /** The sweep's outputs and backends are refused with --models, never ignored. */
  @Test
  void theSweepsOptionsAreRefusedWithModels() {
    for (String[] option : new String[][] {{"--csv", "m.csv"}, {"--json", "m.json"},
        {"--plot", "m.png"}, {"--backends", "nd4j"}, {"--fit-rows", "100"}}) {
      Cli r = Cli.run("bench", "--models", "2", "--rows", "600", option[0], option[1]);
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().startsWith("descent: " + option[0] + " does not apply to --models"),
          r.err());
      assertEquals("", r.out());
    }
  }

  private static boolean hasOpenCl() {
    try {
      return !Backends.openClDevices().isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
