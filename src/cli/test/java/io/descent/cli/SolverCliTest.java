package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.train.Solver;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --solver}: the result line, {@code --json} and the model file say whether the normal
 * equations ran and what computed the statistics; bad uses are one-line usage errors.
 */
class SolverCliTest {
  @TempDir
  Path dir;

  private static String[] train(String... more) {
    String[] base = {"train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--backend", "nd4j"};
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void theDefaultRunsTheNormalEquationsAndSaysSo() throws Exception {
    Path model = dir.resolve("m.json");
    Cli text = Cli.run(train("--out", model.toString()));
    assertEquals(0, text.code(), text.err());
    String line = JsonOutputTest.after(text.out(), "backend: ");
    assertTrue(line.startsWith("nd4j (normal equations (statistics from "), line);
    assertTrue(line.endsWith(", float64)"), line);
    JsonNode training = new ObjectMapper().readTree(model.toFile()).get("training");
    assertTrue(training.get("device").asText().startsWith("normal equations"), training
        .toString());
    assertTrue(training.get("hyperparameters").get("solver").asText()
        .startsWith("normal equations (statistics from nd4j ("), training.toString());
    Cli json = Cli.run(train("--json", "--quiet"));
    assertEquals(0, json.code(), json.err());
    JsonNode d = JsonOutputTest.document(json.out());
    assertTrue(d.get("backend").get("device").asText().startsWith("normal equations"),
        d.toString());
    assertEquals("float64", d.get("backend").get("precision").asText());
    assertEquals(text.out().contains("converged"), d.get("result").get("converged").asBoolean());
  }

  @Test
  void passesAndVerification() throws Exception {
    Cli passes = Cli.run(train("--solver", "passes"));
    assertEquals(0, passes.code(), passes.err());
    assertFalse(JsonOutputTest.after(passes.out(), "backend: ").contains("normal equations"),
        passes.out());
    Cli verified = Cli.run(train("--solver", "normal", "--verify-every", "1", "--json"));
    assertEquals(0, verified.code(), verified.err());
    double v = JsonOutputTest.document(verified.out()).get("verification").asDouble();
    assertTrue(v >= 0 && v <= 1e-10, "verification " + v);
  }

  @Test
  void badUsesAreUsageErrors() {
    Cli unknown = Cli.run(train("--solver", "qr"));
    assertEquals(2, unknown.code(), unknown.out() + unknown.err());
    assertTrue(unknown.err().contains("--solver"), unknown.err());
    Cli logistic = Cli.run("train", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--solver", "normal");
    assertEquals(2, logistic.code(), logistic.out() + logistic.err());
    assertTrue(logistic.err().contains("--solver normal needs --loss linear"), logistic.err());
    Cli sgd = Cli.run(train("--solver", "normal", "--optimizer", "sgd"));
    assertEquals(2, sgd.code(), sgd.out() + sgd.err());
  }

  @Test
  void cvRunsTheNormalEquationsAndRefusesThemForLogistic() {
    Cli cv = Cli.run("cv", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--l2", "0.01,0.1", "--folds", "4", "--backend", "reference");
    assertEquals(0, cv.code(), cv.err());
    assertTrue(cv.out().contains("normal equations (statistics from "), cv.out());
    Cli passes = Cli.run("cv", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--l2", "0.01,0.1", "--folds", "4", "--backend", "reference", "--solver",
        "passes");
    assertEquals(0, passes.code(), passes.err());
    assertFalse(passes.out().contains("normal equations"), passes.out());
    Cli logistic = Cli.run("cv", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--solver", "normal");
    assertEquals(2, logistic.code(), logistic.out() + logistic.err());
    assertTrue(logistic.err().contains("--solver normal"), logistic.err());
  }

  @Test
  void helpNamesTheDefaultAndTheThreshold() {
    Cli help = Cli.run("train", "--help");
    assertTrue(help.out().contains("default: " + Solver.DEFAULT_LABEL + ")"), help.out());
    assertTrue(help.out().contains("at most " + Solver.NORMAL_MAX_FEATURES), help.out());
  }
}
