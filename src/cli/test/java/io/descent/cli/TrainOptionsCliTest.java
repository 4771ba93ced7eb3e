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

/** Training options that change what is fitted, through the command line on real data. */
class TrainOptionsCliTest {
  @TempDir
  Path dir;

  private JsonNode train(String name, String... options) throws Exception {
    Path model = dir.resolve(name + ".json");
    String[] base = {"train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--backend", "reference", "--quiet", "--out", model.toString()};
    String[] args = new String[base.length + options.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(options, 0, args, base.length, options.length);
    Cli r = Cli.run(args);
    assertEquals(0, r.code(), r.out() + r.err());
    return new ObjectMapper().readTree(model.toFile());
  }

  @Test
  void featuresNamesAColumnWithACommaInDoubleQuotes() throws Exception {
    Path csv = dir.resolve("comma.csv");
    Files.writeString(csv, "\"a,b\",c,\"q\"\"x\",y\n1,2,5,0\n2,1,3,1\n3,3,1,0\n4,1,2,1\n"
        + "0.5,2,4,0\n2.5,0,1,1\n");
    Path model = dir.resolve("comma.json");
    Cli r = Cli.run("train", "--data", csv.toString(), "--target", "y", "--loss", "logistic",
        "--l2", "0.1", "--quiet", "--out", model.toString(), "--features", "\"q\"\"x\",\"a,b\"");
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode features = new ObjectMapper().readTree(model.toFile()).get("features");
    assertEquals(List.of("q\"x", "a,b"),
        List.of(features.get(0).asText(), features.get(1).asText()));
    assertEquals(2, features.size());
    // Unquoted, the comma splits: no column "a".
    Cli split = Cli.run("train", "--data", csv.toString(), "--target", "y", "--loss", "logistic",
        "--quiet", "--out", dir.resolve("split.json").toString(), "--features", "a,b");
    assertEquals(2, split.code(), split.err());
    assertTrue(split.err().contains("no column \"a\""), split.err());
    assertEquals("a,b", DataOptions.unquote("\"a,b\""));
    assertEquals("x\"", DataOptions.unquote("x\""));
    assertEquals("\"", DataOptions.unquote("\""));
    // A quote never closed is one line, exit 2 (no parser warnings); repeated options add up.
    for (String bad : List.of("c,\"a", "b\"q", "\"q\"\"x")) {
      Cli unclosed = Cli.run("train", "--data", csv.toString(), "--target", "y", "--loss",
          "logistic", "--quiet", "--out", dir.resolve("u.json").toString(), "--features", bad);
      assertEquals(2, unclosed.code(), unclosed.err());
      assertEquals("descent: --features " + bad + ": a double quote is not closed (a name with a"
          + " quote in it goes in double quotes with the quote doubled, as in CSV: \"say"
          + " \"\"hi\"\"\")\n", unclosed.err());
    }
    assertEquals(List.of("c", "\"a,b\"", "\"q\"\"x\""), DataOptions.split("c,\"a,b\",\"q\"\"x\""));
    Cli twice = Cli.run("train", "--data", csv.toString(), "--target", "y", "--loss", "logistic",
        "--l2", "0.1", "--quiet", "--out", model.toString(), "--features", "c",
        "--features", "\"a,b\"");
    assertEquals(0, twice.code(), twice.err());
    assertEquals(2, new ObjectMapper().readTree(model.toFile()).get("features").size());
  }

  /** An output path that ends in / names a directory: refused, not written as a file. */
  @Test
  void aFilePathEndingInSlashIsRefused() throws Exception {
    Cli r = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--quiet", "--out", dir.resolve("models") + "/");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("models/ ends in /, so it names a directory, not a file"),
        r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(Files.exists(dir.resolve("models")));
    // A directory's option may end in /.
    Cli cached = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--quiet", "--out", dir.resolve("m.json").toString(), "--cache-dir",
        dir.resolve("cache") + "/");
    assertEquals(0, cached.code(), cached.err());
    assertTrue(Files.isDirectory(dir.resolve("cache")));
  }

  @Test
  void noStandardizeFitsTheRawFeaturesToTheSameOptimum() throws Exception {
    JsonNode standardized = train("z");
    JsonNode raw = train("raw", "--no-standardize");
    assertTrue(standardized.get("training").get("standardized").asBoolean());
    assertFalse(raw.get("training").get("standardized").asBoolean());
    // Raw: the standardization stored is the identity.
    for (JsonNode m : raw.get("standardization").get("mean")) {
      assertEquals(0.0, m.asDouble(), 0.0);
    }
    for (JsonNode s : raw.get("standardization").get("scale")) {
      assertEquals(1.0, s.asDouble(), 0.0);
    }
    // OLS does not depend on the parametrization: same objective, same original-space weights.
    double exact = 1429.848173793375; // reference.json diabetes.full.ols
    // Within 1.5e-8: storing the features as float32 moves the optimum that much.
    assertEquals(exact, standardized.get("training").get("objective").asDouble(), exact * 1e-7);
    assertEquals(exact, raw.get("training").get("objective").asDouble(), exact * 1e-6);
    for (int j = 0; j < 10; j++) {
      double a = standardized.get("coef").get(j).asDouble();
      double b = raw.get("coef").get(j).asDouble();
      assertEquals(a, b, 1e-3 * Math.max(1, Math.abs(a)), "coef " + j);
    }
  }

  @Test
  void validationFractionHoldsOutRowsAndStopsEarlyWithPatience() throws Exception {
    Path history = dir.resolve("history.csv");
    JsonNode m = train("early", "--optimizer", "sgd", "--validation-fraction", "0.2",
        "--patience", "2", "--max-epochs", "200", "--objective-tolerance", "0", "--history",
        history.toString());
    JsonNode t = m.get("training");
    // 442 rows, 20% held out (rounded up): 89 validation rows, 353 trained on.
    assertEquals(353, t.get("rows").asInt());
    assertEquals(0.2, t.get("hyperparameters").get("validationFraction").asDouble(), 0.0);
    assertEquals(2, t.get("hyperparameters").get("patience").asInt());
    assertEquals("early_stopping", t.get("stopReason").asText());
    assertTrue(t.get("epochs").asInt() < 200);
    List<String> h = Files.readAllLines(history);
    assertTrue(h.get(0).endsWith("validation_loss"), h.get(0));
    // Every row has a validation loss.
    for (String line : h.subList(1, h.size())) {
      assertFalse(line.endsWith(","), line);
    }
  }

  @Test
  void verifyEveryRecordsTheLargestErrorOfTheFastBackend() throws Exception {
    Path model = dir.resolve("verified.json");
    Cli r = Cli.run("train", "--data", "datasets/spambase.csv", "--target", "spam",
        "--loss", "logistic", "--l2", "0.01", "--backend", "nd4j", "--verify-every", "1",
        "--quiet", "--out", model.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode t = new ObjectMapper().readTree(model.toFile()).get("training");
    double v = t.get("verification").asDouble();
    assertTrue(t.get("verification").isNumber(), t.toString());
    // A float32 backend is never exact, and stays within its documented bound 1e-5.
    assertTrue(v > 0 && v <= 1e-5, "verification " + v);
  }

  @Test
  void optionsOfMiniBatchOptimizersAreRefusedForLbfgs() {
    for (String[] option : new String[][] {{"--schedule", "step"}, {"--decay", "0.5"},
        {"--batch-size", "10"}, {"--learning-rate", "0.1"}}) {
      Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
          "--loss", "linear", option[0], option[1], "--out",
          dir.resolve("never.json").toString());
      assertEquals(2, r.code(), option[0] + ": " + r.err());
      assertTrue(r.err().contains("lbfgs"), r.err());
      assertFalse(Files.exists(dir.resolve("never.json")));
    }
  }

  @Test
  void capsAndPatienceOfAnotherKindOfFitAreRefused() {
    String[][] cases = {
        {"--optimizer", "lbfgs", "--max-epochs", "5"},
        {"--optimizer", "sgd", "--max-iterations", "5"},
        {"--patience", "3"}};
    String[] messages = {
        "descent: --max-epochs applies to mini-batch optimizers",
        "descent: --max-iterations applies to full-batch optimizers",
        "descent: --patience applies to early stopping: give --validation-fraction too"};
    for (int k = 0; k < cases.length; k++) {
      List<String> args = new java.util.ArrayList<>(List.of("train", "--data",
          "datasets/diabetes.csv", "--target", "progression", "--loss", "linear", "--quiet",
          "--out", dir.resolve("never.json").toString()));
      args.addAll(List.of(cases[k]));
      Cli r = Cli.run(args.toArray(String[]::new));
      assertEquals(2, r.code(), String.join(" ", cases[k]) + ": " + r.err());
      assertTrue(r.err().startsWith(messages[k]), r.err());
      assertFalse(Files.exists(dir.resolve("never.json")));
    }
  }

  @Test
  void aLineSearchStoppedByItsBudgetSaysSoNotPrecision() {
    Cli r = Cli.run("train", "--data", "datasets/breast_cancer_wisconsin_original.csv",
        "--target", "malignant", "--loss", "logistic", "--l2", "0.01", "--optimizer", "gd",
        "--line-search", "1", "--backend", "reference");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("the line search finds no decrease within its 1 evaluation:"
        + " raise --line-search"), r.out());
  }

  @Test
  void badValuesNameTheOption() {
    for (String[] option : new String[][] {{"--batch-size", "0", "--optimizer", "sgd"},
        {"--validation-fraction", "0.7"}, {"--patience", "0"}, {"--max-iterations", "0"}}) {
      String[] args = new String[8 + option.length];
      System.arraycopy(new String[] {"train", "--data", "datasets/diabetes.csv", "--target",
          "progression", "--loss", "linear", "--quiet"}, 0, args, 0, 8);
      System.arraycopy(option, 0, args, 8, option.length);
      Cli r = Cli.run(args);
      assertEquals(2, r.code(), String.join(" ", option) + ": " + r.err());
      assertTrue(r.err().startsWith("descent: " + option[0] + " must be "), r.err());
    }
  }

  @Test
  void lineSearchOptionsReachTheOptimizerAndTheModelFile() throws Exception {
    JsonNode m = train("wolfe", "--c1", "0.001", "--c2", "0.1", "--line-search", "20");
    // The model file's optimizer is structured: its name and every hyperparameter as fields.
    JsonNode optimizer = m.get("training").get("optimizer");
    assertEquals("lbfgs", optimizer.get("name").asText(), optimizer.toString());
    assertEquals(0.001, optimizer.get("c1").asDouble(), 0, optimizer.toString());
    assertEquals(0.1, optimizer.get("c2").asDouble(), 0, optimizer.toString());
    assertEquals(20, optimizer.get("maxLineSearchEvaluations").asInt(), optimizer.toString());
    assertEquals(10, optimizer.get("memory").asInt(), optimizer.toString());
    double exact = 1429.848173793375;
    assertEquals(exact, m.get("training").get("objective").asDouble(), exact * 1e-7);
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--optimizer", "adam", "--c2", "0.5", "--quiet");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("c2 does not apply to adam"), r.err());
  }
}
