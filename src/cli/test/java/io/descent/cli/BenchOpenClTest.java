package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.gradient.Backends;
import io.descent.gradient.DeviceDescription;
import io.descent.gradient.opencl.OpenClAvailability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code descent bench} on this machine's real OpenCL devices (PoCL on the CPU in CI) and ND4J,
 * at a tiny size: every device appears with what ran, its read bandwidth, and its kernel build
 * apart from the upload. Figures are only checked for presence and consistency, never speed.
 */
class BenchOpenClTest {
  @TempDir
  static Path dir;

  private static List<DeviceDescription> devices;
  private static Cli run;
  private static JsonNode json;

  @BeforeAll
  static void bench() throws Exception {
    OpenClAvailability.require();
    devices = Backends.openClDevices();
    Path file = dir.resolve("bench.json");
    run = Cli.run("bench", "--rows", "2000", "--features", "8", "--repeats", "3", "--warmup",
        "1", "--backends", "opencl,nd4j", "--fit-rows", "2000", "--fit-features", "8",
        "--json", file.toString());
    assertEquals(0, run.code(), run.out() + run.err());
    json = new ObjectMapper().readTree(file.toFile());
  }

  /** The rows of one target, both losses. */
  private static List<JsonNode> rows(String target) {
    List<JsonNode> out = new ArrayList<>();
    json.get("evaluations").forEach(r -> {
      if (r.get("target").asText().equals(target)) {
        out.add(r);
      }
    });
    return out;
  }

  private static String layout(DeviceDescription d) {
    return d.type() == DeviceDescription.Type.CPU ? "cpu" : "gpu";
  }

  @Test
  void everyDeviceAndNd4jIsMeasuredAndNamesWhatRan() {
    assertEquals(2 * (devices.size() + 1), json.get("evaluations").size(), run.out());
    for (DeviceDescription d : devices) {
      List<JsonNode> rows = rows("opencl:" + d.index());
      assertEquals(2, rows.size(), "linear and logistic on " + d.name());
      for (JsonNode r : rows) {
        assertEquals("ok", r.get("status").asText(), r.toString());
        JsonNode b = r.get("backend");
        assertEquals("opencl", b.get("kind").asText());
        assertEquals(d.name(), b.get("device").asText());
        assertEquals("float32", b.get("precision").asText());
        assertEquals(layout(d), b.get("layout").asText());
        assertTrue(r.get("gradientError").asDouble() <= r.get("tolerance").asDouble(),
            r.toString());
      }
    }
    List<JsonNode> nd4j = rows("nd4j");
    assertEquals(2, nd4j.size());
    for (JsonNode r : nd4j) {
      assertEquals("ok", r.get("status").asText(), r.toString());
      assertNotEquals("-", r.get("backend").get("device").asText());
      assertEquals("float32", r.get("backend").get("precision").asText());
      assertEquals("-", r.get("backend").get("layout").asText());
      assertEquals(0.0, r.get("buildSeconds").asDouble(), "ND4J builds no kernel");
    }
    // The table says the same, one line per row.
    for (DeviceDescription d : devices) {
      assertEquals(2, run.out().lines().filter(l -> l.contains(" opencl:" + d.index() + " ")
          && l.contains(d.name()) && l.contains(" float32 ") && l.contains(" " + layout(d) + " "))
          .count(), run.out());
    }
  }

  @Test
  void theReadBandwidthIsMeasuredOnEachOpenClDevice() {
    for (DeviceDescription d : devices) {
      for (JsonNode r : rows("opencl:" + d.index())) {
        JsonNode read = r.get("readBandwidth");
        assertFalse(read.isNull(), r.toString());
        assertEquals(layout(d), read.get("layout").asText());
        assertEquals(2000L * 8 * 4, read.get("bytes").asLong(), "measured on the same size");
        assertTrue(read.get("gigabytesPerSecond").asDouble() > 0, read.toString());
        assertEquals(100 * r.get("gigabytesPerSecond").asDouble()
            / read.get("gigabytesPerSecond").asDouble(),
            r.get("percentOfReadBandwidth").asDouble(), 1e-9);
      }
    }
    // In the table, the read GB/s and %read cells of an OpenCL row are filled.
    List<String> header = List.of(run.out().lines().filter(l -> l.startsWith("loss "))
        .findFirst().orElseThrow().split(" {2,}"));
    int read = header.indexOf("read GB/s");
    run.out().lines().filter(l -> l.contains(" opencl:")).filter(l -> l.startsWith("l"))
        .forEach(l -> {
          String[] cells = l.split(" {2,}");
          assertTrue(cells[read].matches("\\d+\\.\\d\\d"), l);
          assertTrue(cells[read + 1].matches("\\d+%"), l);
        });
  }

  @Test
  void kernelsAreBuiltBeforeTimingAndTheirBuildIsNotInTheOpen() {
    List<String> built = new ArrayList<>();
    json.get("kernelBuilds").forEach(k -> {
      assertTrue(k.get("seconds").asDouble() > 0, k.toString());
      built.add(k.get("target").asText() + " " + k.get("loss").asText() + " d="
          + k.get("features").asInt() + " " + k.get("backend").get("precision").asText() + " "
          + k.get("purpose").asText());
    });
    for (DeviceDescription d : devices) {
      String t = "opencl:" + d.index();
      List<String> expected = new ArrayList<>(List.of(t + " logistic d=4 float32 initialization",
          t + " linear d=8 float32 evaluation", t + " logistic d=8 float32 evaluation"));
      if (d.fp64()) {
        expected.add(t + " logistic d=8 float64 fit");
      }
      assertEquals(expected, built.stream().filter(b -> b.startsWith(t + " ")).toList(),
          "logistic d=8 float32 is built once, for the evaluation, and reused by the fit");
      for (JsonNode r : rows(t)) {
        assertTrue(r.get("buildSeconds").asDouble() > 0, r.toString());
        assertTrue(r.get("openSeconds").asDouble() >= 0, r.toString());
      }
    }
    assertTrue(run.out().contains("kernel build excluded"), run.out());
  }

  @Test
  void theFitsSayWhetherTheyFinishedInFloat64AndWhere() {
    JsonNode fits = json.get("fits");
    assertEquals(devices.size() + 1, fits.size());
    for (JsonNode f : fits) {
      assertEquals("ok", f.get("status").asText(), f.toString());
      String precision = f.get("backend").get("precision").asText();
      JsonNode finish = f.get("finish");
      if (finish.isNull()) {
        assertEquals("float32", precision, f.toString());
      } else {
        // The trainer names what ran the float64 iterations: the device itself where it has
        // fp64, else the reference on the host CPU.
        String on = finish.get("backend").asText();
        assertEquals("float32 + float64 finish (" + finish.get("iterations").asInt()
            + " iterations) on " + on, precision);
        assertTrue(on.endsWith("float64)") || on.contains(", float64, "), on);
        assertTrue(run.out().contains(precision), run.out());
      }
      if (f.get("target").asText().startsWith("opencl")) {
        assertTrue(f.get("buildSeconds").asDouble() > 0, f.toString());
      }
    }
  }
}
