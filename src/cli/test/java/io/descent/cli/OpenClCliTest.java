package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.gradient.opencl.OpenClAvailability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line with the OpenCL backend: devices, choice, layouts, summary, model file. */
class OpenClCliTest {
  @TempDir
  Path dir;

  @BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
  }

  @Test
  void devicesListsEachDeviceWithItsFacts() {
    Cli r = Cli.run("devices");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("0: "), r.out());
    assertTrue(r.out().contains("compute units"), r.out());
    assertTrue(r.out().contains("max buffer"), r.out());
  }

  @Test
  void trainingOnOpenClNamesItInTheSummaryAndTheModel() throws Exception {
    String name = firstDeviceName();
    Path model = dir.resolve("m.json");
    Cli r = Cli.run("train", "--data", "datasets/breast_cancer_wisconsin_original.csv",
        "--target", "malignant", "--loss", "logistic", "--l2", "0.01", "--backend", "opencl",
        "--device", "0", "--verify-every", "1", "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("backend: opencl ("), r.out());
    var training = new ObjectMapper().readTree(model.toFile()).get("training");
    assertEquals("opencl", training.get("backend").asText());
    assertEquals(name, training.get("device").asText());
    assertEquals("float32", training.get("precision").asText());
    assertTrue(training.get("verification").asDouble() <= 1e-6, training.toString());
    assertEquals(0.10176236108755479, training.get("objective").asDouble(), 1e-7);
  }

  /** An explicit device that does not exist is a usage error under auto too, never a skip. */
  @Test
  void anInvalidDeviceIsAUsageErrorUnderEveryBackendChoice() {
    for (String backend : List.of("opencl", "auto")) {
      Cli r = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg",
          "--loss", "linear", "--backend", backend, "--device", "99");
      assertEquals(2, r.code(), backend + ": " + r.out() + r.err());
      assertTrue(r.err().startsWith("descent: no OpenCL device matches \"99\""), r.err());
      assertTrue(r.err().contains("; available: 0: "), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertFalse(r.out().contains("backend:"), r.out());
    }
    Cli byName = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg",
        "--loss", "linear", "--device", "no-such-device-xyz");
    assertEquals(2, byName.code(), byName.err());
    assertTrue(byName.err().startsWith("descent: no OpenCL device matches"
        + " \"no-such-device-xyz\"; available: 0: "), byName.err());
    // bench too, before any work, with or without other backends to measure.
    for (String backends : List.of("opencl", "opencl,reference")) {
      Cli bench = Cli.run("bench", "--device", "99", "--rows", "1000", "--features", "4",
          "--fit-rows", "0", "--loss", "linear", "--backends", backends);
      assertEquals(2, bench.code(), bench.out() + bench.err());
      assertEquals("", bench.out());
      assertTrue(bench.err().startsWith("descent: no OpenCL device matches \"99\"; available:"
          + " 0: "), bench.err());
      assertEquals(1, bench.err().lines().count(), bench.err());
    }
    // Where --backends measures no OpenCL, --device is noticed as ignored.
    Cli other = Cli.run("bench", "--device", "99", "--rows", "1000", "--features", "4",
        "--fit-rows", "0", "--loss", "linear", "--backends", "reference");
    assertEquals(0, other.code(), other.err());
    assertTrue(other.err().startsWith("descent: --device is ignored: --backends does not list"
        + " opencl\n"), other.err());
  }

  /** The first device's name, as {@code descent devices} prints it. */
  private static String firstDeviceName() {
    Cli devices = Cli.run("devices");
    assertEquals(0, devices.code(), devices.err());
    String line = devices.out().lines().findFirst().orElseThrow();
    // "0: NAME (cpu, PLATFORM, ...)": the name ends at the last " (" of the line.
    return line.substring(3, line.lastIndexOf(" ("));
  }

  private static String line(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line " + prefix + " in:\n" + text));
  }

  /** A substring of the name, in another case, picks the device; the model file names it. */
  @Test
  void aNameSubstringChoosesTheDeviceAndTheModelFileNamesIt() throws Exception {
    String name = firstDeviceName();
    String part = name.substring(name.length() / 3, Math.min(name.length(),
        name.length() / 3 + 6)).toUpperCase(Locale.ROOT);
    Path model = dir.resolve("m.json");
    Cli r = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--solver", "passes", "--backend", "opencl", "--device", part, "--out",
        model.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(line(r.out(), "backend: ").startsWith("backend: opencl (" + name + ", "),
        r.out());
    var training = new ObjectMapper().readTree(model.toFile()).get("training");
    assertEquals(name, training.get("device").asText());
  }

  /** "--device 512" on "...-avx512-..." is no index, so it is matched in the names. */
  @Test
  void aNumberThatIsNoIndexIsMatchedInTheNames() {
    String name = firstDeviceName();
    int count = (int) Cli.run("devices").out().lines().filter(l -> l.matches("\\d+: .*"))
        .count();
    Matcher digits = Pattern.compile("\\d+").matcher(name);
    String number = null;
    while (digits.find()) {
      if (digits.group().length() > 9 || Integer.parseInt(digits.group()) >= count) {
        number = digits.group();
        break;
      }
    }
    if (number == null) {
      // This machine's first device has no number in its name beyond the device count; the
      // rule is still covered by OpenClDevicesTest on synthetic descriptions.
      return;
    }
    Cli r = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--solver", "passes", "--backend", "opencl", "--device", number);
    assertEquals(0, r.code(), r.err());
    assertTrue(line(r.out(), "backend: ").startsWith("backend: opencl (" + name + ", "),
        r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void theKernelLayoutIsTheOneAskedForAndIsRecorded(String layout) throws Exception {
    Path model = dir.resolve(layout + ".json");
    Cli r = Cli.run("train", "--data", "datasets/breast_cancer_wisconsin_original.csv",
        "--target", "malignant", "--loss", "logistic", "--l2", "0.01", "--backend", "opencl",
        "--kernel-layout", layout, "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    String backendLine = line(r.out(), "backend: ");
    assertTrue(backendLine.endsWith(", float32, " + layout + " layout)"), backendLine);
    var training = new ObjectMapper().readTree(model.toFile()).get("training");
    assertEquals(layout, training.get("hyperparameters").get("layout").asText());
    assertEquals(0.10176236108755479, training.get("objective").asDouble(), 1e-7);
  }

  /** The objective line names the backend and its device, as the backend line does. */
  @Test
  void theObjectiveLineNamesTheDevice() {
    String name = firstDeviceName();
    Cli r = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--solver", "passes", "--backend", "opencl", "--device", "0",
        "--kernel-layout", "cpu");
    assertEquals(0, r.code(), r.err());
    String objective = line(r.out(), "objective: ");
    assertTrue(objective.endsWith(", backend opencl (" + name + ", float32, cpu layout)"),
        objective);
  }

  @Test
  void gradcheckChecksOpenClExplicitlyAndByDefault() {
    for (List<String> backend : List.of(List.of("--backend", "opencl"), List.<String>of())) {
      List<String> args = new ArrayList<>(List.of("gradcheck", "--data", "datasets/diabetes.csv",
          "--target", "progression", "--loss", "linear"));
      args.addAll(backend);
      Cli r = Cli.run(args.toArray(String[]::new));
      assertEquals(0, r.code(), backend + ": " + r.out() + r.err());
      assertTrue(r.out().lines().anyMatch(l -> l.contains(" opencl (") && l.endsWith("  ok")),
          r.out());
      assertTrue(r.out().contains("gradcheck passed"), r.out());
    }
  }

  @Test
  void doublePrecisionWhereTheDeviceHasFp64() {
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--backend", "opencl", "--precision", "double", "--quiet",
        "--out", dir.resolve("d.json").toString());
    if (!Cli.run("devices").out().contains(", fp64)")) {
      assertEquals(1, r.code());
      assertTrue(r.err().contains("cl_khr_fp64"), r.err());
      return;
    }
    assertEquals(0, r.code(), r.err());
  }
}
