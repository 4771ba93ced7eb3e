package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.gradient.opencl.OpenClAvailability;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line with the OpenCL backend: devices, choice, fallback, model file. */
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
    Path model = dir.resolve("m.json");
    Cli r = Cli.run("train", "--data", "datasets/breast_cancer_wisconsin_original.csv",
        "--target", "malignant", "--model", "logistic", "--l2", "0.01", "--backend", "opencl",
        "--device", "0", "--verify-every", "1", "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("backend: opencl ("), r.out());
    var training = new ObjectMapper().readTree(model.toFile()).get("training");
    assertEquals("opencl", training.get("backend").asText());
    assertEquals("float32", training.get("precision").asText());
    assertTrue(training.get("verification").asDouble() <= 1e-6, training.toString());
    assertEquals(0.10176236108755479, training.get("objective").asDouble(), 1e-7);
  }

  @Test
  void anInvalidDeviceFailsExplicitlyAndIsSkippedByAuto() {
    Cli explicit = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg",
        "--model", "linear", "--backend", "opencl", "--device", "99");
    assertEquals(1, explicit.code(), explicit.err());
    assertTrue(explicit.err().startsWith("descent: no OpenCL device 99; available: 0: "),
        explicit.err());

    Cli auto = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--model",
        "linear", "--device", "99");
    assertEquals(0, auto.code(), auto.err());
    assertTrue(auto.err().contains("skipped opencl: no OpenCL device 99"), auto.err());
    assertTrue(auto.out().contains("backend: nd4j"), auto.out());
  }

  @Test
  void doublePrecisionWhereTheDeviceHasFp64() {
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--model", "linear", "--backend", "opencl", "--precision", "double", "--quiet",
        "--out", dir.resolve("d.json").toString());
    if (!Cli.run("devices").out().contains(", fp64)")) {
      assertEquals(1, r.code());
      assertTrue(r.err().contains("cl_khr_fp64"), r.err());
      return;
    }
    assertEquals(0, r.code(), r.err());
  }
}
