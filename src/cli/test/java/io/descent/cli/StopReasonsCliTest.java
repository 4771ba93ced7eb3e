package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.gradient.opencl.OpenClAvailability;
import io.descent.model.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What train says about how a fit ended: separable classes are refused by every optimizer on
 * every backend, and a fit that stops improving without passing the gradient test is a stall,
 * never "converged", in the summary and in the model file.
 */
class StopReasonsCliTest {
  private static final List<String> OPTIMIZERS = List.of("gd", "sgd", "momentum", "nesterov",
      "adagrad", "rmsprop", "adam", "lbfgs");
  private static final List<String> BACKENDS = List.of("reference", "nd4j", "opencl");

  @TempDir
  Path dir;

  static Stream<Arguments> everyOptimizerOnEveryBackend() {
    List<Arguments> args = new ArrayList<>();
    for (String backend : BACKENDS) {
      for (String optimizer : OPTIMIZERS) {
        args.add(Arguments.of(optimizer, backend));
      }
    }
    return args.stream();
  }

  private static void requireBackend(String backend) {
    if (backend.equals("opencl")) {
      OpenClAvailability.require();
    }
  }

  private void assertRefusedAsSeparable(Cli r, Path model) {
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("no finite optimum: the classes are separable"), r.err());
    assertTrue(r.err().contains("--l2"), r.err());
    assertFalse(r.out().contains("converged"), r.out());
    assertFalse(Files.exists(model), "a model was written");
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("everyOptimizerOnEveryBackend")
  void separableWdbcIsRefusedByEveryOptimizerOnEveryBackend(String optimizer, String backend) {
    requireBackend(backend);
    Path model = dir.resolve("wdbc.json");
    // Caps kept small for time: each fit then ends at its cap, where the float64 L-BFGS probe
    // must find the separating hyperplane (breast_cancer_wdbc: about 230 iterations).
    String cap = optimizer.equals("gd") || optimizer.equals("lbfgs") ? "--max-iterations"
        : "--max-epochs";
    String limit = optimizer.equals("lbfgs") ? "1000" : "5";
    Cli r = Cli.run("train", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--optimizer", optimizer, "--backend", backend, cap,
        limit, "--out", model.toString());
    assertRefusedAsSeparable(r, model);
  }

  @Test
  void rmspropOnOpenClRefusesWdbcWithItsDefaults() {
    // Its float32 probe used to give up on rounding at once and report the epoch cap.
    requireBackend("opencl");
    Path model = dir.resolve("wdbc.json");
    Cli r = Cli.run("train", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--optimizer", "rmsprop", "--backend", "opencl",
        "--out", model.toString());
    assertRefusedAsSeparable(r, model);
  }

  @ParameterizedTest
  @ValueSource(strings = {"reference", "nd4j", "opencl"})
  void adagradRefusesDigitsThreeAgainstTheRest(String backend) throws IOException {
    // AdaGrad stalls after 33 epochs, its loss 0.02 and short of separating the classes; it
    // used to call that converged and write the model.
    requireBackend(backend);
    Path data = digitsThreeAgainstTheRest();
    Path model = dir.resolve("digits.json");
    Cli r = Cli.run("train", "--data", data.toString(), "--target", "three", "--loss",
        "logistic", "--optimizer", "adagrad", "--backend", backend, "--out", model.toString());
    assertRefusedAsSeparable(r, model);
  }

  @Test
  void aMomentumStallIsReportedAsAStallWithItsGradient() throws Exception {
    // 16 rows of mtcars: momentum's best epoch stops improving with the objective 10 times
    // the optimum (0.69 against 0.072) and max |gradient| 0.24.
    Path data = dir.resolve("mtcars16.csv");
    Files.write(data, Files.readAllLines(Path.of("datasets/mtcars.csv")).subList(0, 17));
    Path model = dir.resolve("mtcars16.json");
    Cli r = Cli.run("train", "--data", data.toString(), "--target", "mpg", "--loss", "linear",
        "--optimizer", "momentum", "--backend", "reference", "--out", model.toString());
    assertStalled(r, model);
    assertTrue(r.out().contains("result: stalled: objective no longer improving"), r.out());
    assertTrue(r.err().contains("--schedule"), r.err());
  }

  @Test
  void aFullBatchObjectiveChangeStopShortOfTheGradientTestIsAStall() throws Exception {
    // Gradient descent crawls: its objective changes by less than 1e-6 long before the
    // gradient test holds.
    Path model = dir.resolve("gd.json");
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--optimizer", "gd", "--objective-tolerance", "1e-6", "--backend",
        "reference", "--out", model.toString());
    assertStalled(r, model);
    assertTrue(r.out().contains("relative change below 1e-06 twice in a row"), r.out());
    assertTrue(r.err().contains("lower --objective-tolerance"), r.err());
  }

  @Test
  void aConvergedFitSaysSoWithItsGradientFigures() throws Exception {
    Path model = dir.resolve("lbfgs.json");
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--backend", "reference", "--out", model.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("result: converged: max |gradient| "), r.out());
    assertTrue(r.out().contains(" within tolerance "), r.out());
    assertEquals("", r.err().strip());
    JsonNode t = new ObjectMapper().readTree(model.toFile()).get("training");
    assertEquals("gradient_tolerance", t.get("stopReason").asText());
    // Converged: max |g_j| <= 1e-8 x |objective|, so ||g|| <= sqrt(11) x that for 10 features.
    assertTrue(t.get("gradientNorm").asDouble()
        <= Math.sqrt(11) * 1e-8 * t.get("objective").asDouble(), t.toString());
  }

  /** Exit 0 with a warning, the model written, and nowhere the word "converged". */
  private static void assertStalled(Cli r, Path model) throws IOException {
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("descent: warning: stalled: objective"
        + " no longer improving")), r.err());
    assertTrue(r.err().matches("(?s).*max \\|gradient\\| [0-9.e+-]+ above tolerance .*"),
        r.err());
    assertFalse(r.out().contains("converged"), r.out());
    assertFalse(r.err().contains("converged"), r.err());
    JsonNode t = new ObjectMapper().readTree(model.toFile()).get("training");
    assertEquals("stalled", t.get("stopReason").asText());
    // The model file says how far from an optimum the fit stopped.
    assertTrue(t.get("gradientNorm").isNumber() && t.get("gradientNorm").asDouble() > 1e-8,
        t.toString());
    ModelFile.read(model);
  }

  /** The shipped derived digits table, unpacked (see src/cli/test/resources/digits/README.md). */
  private Path digitsThreeAgainstTheRest() throws IOException {
    Path csv = dir.resolve("digits_3_vs_rest.csv");
    try (InputStream in = new GZIPInputStream(StopReasonsCliTest.class.getResourceAsStream(
        "/digits/digits_3_vs_rest.csv.gz"))) {
      Files.copy(in, csv);
    }
    return csv;
  }
}
