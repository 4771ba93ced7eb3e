package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * L1 and elastic net through the command line: train --l1 (the summary's KKT violation and
 * features in use, the model file's fields), Spark's --reg-param/--elastic-net-param, the
 * refusals, --verify-every and gradcheck --l1.
 */
class L1CliTest {
  @TempDir
  Path dir;

  @Test
  void trainWithL1ReportsKktAndFeaturesInUse() throws Exception {
    Path model = dir.resolve("lasso.json");
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--l1", "30", "--backend", "reference", "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("optimizer: owlqn"), r.out());
    assertTrue(r.out().contains("result: converged: KKT violation"), r.out());
    assertTrue(r.out().matches("(?s).*features in use: \\d of 10 .*"), r.out());
    JsonNode t = new ObjectMapper().readTree(model.toFile()).get("training");
    assertEquals(30.0, t.get("l1").asDouble());
    assertTrue(t.get("kktViolation").asDouble() <= 1e-8 * t.get("objective").asDouble());
    assertTrue(t.get("nonzeroWeights").asInt() < 10, t.toString());
    Cli predict = Cli.run("predict", "--model", model.toString(), "--data",
        "datasets/diabetes.csv");
    assertEquals(0, predict.code(), predict.err());
  }

  /**
   * A multinomial model with L1 keeps its weights uncentered (centering would change the
   * penalty): the file it writes is read back by predict, evaluate and --init.
   */
  @Test
  void aMultinomialL1ModelIsReadBack() throws Exception {
    Path model = dir.resolve("wine.json");
    Cli r = Cli.run("train", "--data", "datasets/wine.csv", "--target", "cultivar", "--loss",
        "multinomial", "--l1", "0.001", "--backend", "reference", "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode m = new ObjectMapper().readTree(model.toFile());
    double sum = 0;
    for (JsonNode row : m.get("standardizedCoef")) {
      sum += row.get(0).asDouble();
    }
    assertTrue(Math.abs(sum) > 1e-3, "the first feature's weights are not centered: " + sum);
    Cli predict = Cli.run("predict", "--model", model.toString(), "--data",
        "datasets/wine.csv", "--out", dir.resolve("p.csv").toString());
    assertEquals(0, predict.code(), predict.err());
    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data",
        "datasets/wine.csv");
    assertEquals(0, evaluate.code(), evaluate.err());
    Cli init = Cli.run("train", "--data", "datasets/wine.csv", "--target", "cultivar", "--loss",
        "multinomial", "--l1", "0.001", "--backend", "reference", "--init", model.toString(),
        "--out", dir.resolve("again.json").toString());
    assertEquals(0, init.code(), init.err());
  }

  @Test
  void sparkParametersMeanL1AndL2() throws Exception {
    Path spark = dir.resolve("spark.json");
    Path plain = dir.resolve("plain.json");
    Cli a = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--reg-param", "0.04", "--elastic-net-param", "0.25", "--backend",
        "reference", "--out", spark.toString(), "--json");
    Cli b = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--l1", "0.01", "--l2", "0.03", "--backend", "reference", "--out",
        plain.toString(), "--json");
    assertEquals(0, a.code(), a.err());
    assertEquals(0, b.code(), b.err());
    JsonNode ta = new ObjectMapper().readTree(spark.toFile()).get("training");
    JsonNode tb = new ObjectMapper().readTree(plain.toFile()).get("training");
    assertEquals(tb.get("l1").asDouble(), ta.get("l1").asDouble(), 1e-17);
    assertEquals(tb.get("l2").asDouble(), ta.get("l2").asDouble(), 1e-17);
    assertEquals(tb.get("objective").asDouble(), ta.get("objective").asDouble(), 1e-12);
    JsonNode json = new ObjectMapper().readTree(a.out());
    assertTrue(json.get("kktViolation").asDouble() >= 0, a.out());
    assertEquals(ta.get("nonzeroWeights").asInt(), json.get("nonzeroWeights").asInt());
    assertEquals(json.get("nonzeroWeights").asInt(), json.get("featuresInUse").asInt());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --l1 -1                                       | --l1 must be finite and >= 0
      --reg-param 0.1 --l1 0.1                      | give it or --l1, not both
      --reg-param 0.1 --l2 0.1                      | give it or --l2, not both
      --elastic-net-param 0.5                       | --elastic-net-param needs --reg-param
      --reg-param 0.1 --elastic-net-param 1.5       | --elastic-net-param: the elastic-net parameter must be in [0, 1]
      --reg-param -1                                | --reg-param: the regularization parameter must be finite and >= 0
      --l1 0.1 --optimizer lbfgs                    | lbfgs assumes a differentiable objective
      """)
  void badPenaltiesAreExitCode2(String options, String message) {
    List<String> args = new ArrayList<>(List.of("train", "--data", "datasets/mtcars.csv",
        "--target", "mpg", "--loss", "linear", "--quiet"));
    args.addAll(Arrays.asList(options.trim().split("\\s+")));
    Cli r = Cli.run(args.toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void oneVsRestRefusesL1AndTakesPenaltiesWithoutIt() {
    String[] base = {"train", "--data", "datasets/iris.csv", "--target", "species", "--loss",
        "logistic", "--one-vs-rest", "--backend", "reference", "--quiet"};
    Cli r = Cli.run(concat(base, "--l1", "0.01"));
    assertEquals(2, r.code(), r.err());
    assertEquals("descent: --l1 gives an L1 penalty, which --one-vs-rest does not take (not"
        + " supported yet)", r.err().strip());
    Cli spark = Cli.run(concat(base, "--reg-param", "0.01", "--elastic-net-param", "0.5"));
    assertEquals(2, spark.code(), spark.err());
    assertTrue(spark.err().contains("--reg-param with --elastic-net-param gives an L1 penalty"),
        spark.err());
    // No L1 in them: --l1 0 (the default) and --reg-param with --elastic-net-param 0 (all l2)
    // fit the same models as --l2 alone.
    Cli l2 = Cli.run(concat(base, "--l2", "0.01", "--json"));
    Cli zero = Cli.run(concat(base, "--l2", "0.01", "--l1", "0", "--json"));
    Cli ridge = Cli.run(concat(base, "--reg-param", "0.01", "--elastic-net-param", "0",
        "--json"));
    assertEquals(0, l2.code(), l2.err());
    assertEquals(0, zero.code(), zero.err());
    assertEquals(0, ridge.code(), ridge.err());
    assertEquals(objective(l2), objective(zero));
    assertEquals(objective(l2), objective(ridge));
  }

  private static String[] concat(String[] base, String... more) {
    List<String> all = new ArrayList<>(Arrays.asList(base));
    all.addAll(Arrays.asList(more));
    return all.toArray(String[]::new);
  }

  /** The per-class objectives of a one-vs-rest fit's --json. */
  private static List<Double> objective(Cli r) {
    try {
      List<Double> objectives = new ArrayList<>();
      for (JsonNode c : r.json().get("result").get("classes")) {
        objectives.add(c.get("objective").asDouble());
      }
      assertEquals(3, objectives.size(), r.out());
      return objectives;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void cvRefusesL1WithAMiniBatchRule() {
    Cli r = Cli.run("cv", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--l1", "0.01", "--optimizer", "adam");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void verifyEveryReportsTheKktViolation() {
    Cli r = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--l1", "0.01", "--backend", "nd4j", "--verify-every", "5");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("verified at iteration 5: gradient error"), r.err());
    assertTrue(r.err().contains("KKT violation"), r.err());
  }

  @Test
  void gradcheckWithL1ReportsTheKktViolation() {
    Cli r = Cli.run("gradcheck", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--l1", "0.01", "--backend", "reference");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("l1-optimum    KKT violation"), r.out());
    assertTrue(r.out().contains("gradcheck passed"), r.out());
  }
}
