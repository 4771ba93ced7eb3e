package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** What the command line says beyond the results: hints, defaults, and what was not done. */
class CliReportingTest {
  @TempDir
  Path dir;

  @Test
  void trainWithoutOutSaysNoModelWasWritten() {
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--model", "linear", "--backend", "reference");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("no model written (give --out FILE to keep it)"), r.out());
    Cli quiet = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--model", "linear", "--backend", "reference", "--quiet");
    assertEquals("", quiet.out());
  }

  @Test
  void anUnknownOptionSuggestsTheNearestOne() {
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--model", "linear", "--l3", "0.1");
    assertEquals(2, r.code());
    assertEquals("descent: Unknown options: '--l3', '0.1'; did you mean --l2? (try 'descent"
        + " train --help')", r.err().strip());
    r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--model", "linear", "--baatch-size=3");
    assertTrue(r.err().contains("did you mean --batch-size?"), r.err());
    r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--model", "linear", "--zzzzzz");
    assertFalse(r.err().contains("did you mean"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void helpShowsTheDefaultsTheCodeUses() {
    Cli r = Cli.run("train", "--help");
    assertFalse(r.out().contains("default: null"), r.out());
    assertTrue(r.out().contains("invsqrt (default: constant)"), r.out());
  }

  /** With no OpenCL platform (the ICD loader pointed at an empty directory), how to get one. */
  @Test
  @EnabledOnOs(OS.LINUX)
  void devicesWithoutOpenClSaysHowToGetADevice() throws Exception {
    Path vendors = Files.createDirectory(dir.resolve("vendors"));
    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "devices"));
    pb.environment().put("OCL_ICD_VENDORS", vendors.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = read(p.getInputStream());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("no OpenCL devices found"), out);
    assertTrue(out.contains("pocl-opencl-icd") && out.contains("--backend auto trains on ND4J"),
        out);
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
