package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multinomial regression end to end through the command line: train on text and integer class
 * labels, the model file, predict's probability columns and class, evaluate's figures, and the
 * refusals (logistic on three classes, an unknown label).
 */
class MultinomialCliTest {
  @TempDir
  Path dir;

  /**
   * Three overlapping classes around three centres in two features, labels given by {@code
   * names} (the rows cycle through them), so the classes are not separable.
   */
  private Path threeClasses(String file, String... names) throws Exception {
    Random random = new Random(7);
    double[][] centres = {{0, 0}, {2, 0}, {0, 2}};
    StringBuilder csv = new StringBuilder("a,kind,b\n");
    for (int i = 0; i < 90; i++) {
      int c = i % 3;
      csv.append(String.format(Locale.ROOT, "%.4f,%s,%.4f%n",
          centres[c][0] + 1.2 * random.nextGaussian(), names[c],
          centres[c][1] + 1.2 * random.nextGaussian()));
    }
    Path path = dir.resolve(file);
    Files.writeString(path, csv.toString());
    return path;
  }

  @Test
  void textLabelsTrainPredictEvaluate() throws Exception {
    Path data = threeClasses("pets.csv", "dog", "cat", "bird");
    Path model = dir.resolve("pets.json");
    Cli train = Cli.run("train", "--data", data.toString(), "--target", "kind", "--loss",
        "multinomial", "--l2", "0.01", "--out", model.toString());
    assertEquals(0, train.code(), train.err());
    // Text labels in text order, whatever order the rows give them in.
    assertTrue(train.out().contains("classes: 3 (text order): bird, cat, dog"), train.out());
    assertTrue(train.out().contains("result: converged"), train.out());
    assertTrue(!train.err().contains("descent:"), train.err());

    JsonNode json = new ObjectMapper().readTree(model.toFile());
    assertEquals(3, json.get("formatVersion").asInt());
    assertEquals("multinomial", json.get("loss").asText());
    assertEquals("[\"bird\",\"cat\",\"dog\"]", json.get("classes").toString());
    assertEquals(3, json.get("intercept").size());
    assertEquals(3, json.get("coef").size());
    assertEquals(2, json.get("coef").get(0).size());
    // Centered over the classes.
    double sum = 0;
    for (JsonNode b : json.get("intercept")) {
      sum += b.asDouble();
    }
    assertEquals(0, sum, 1e-9);

    Cli predict = Cli.run("predict", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, predict.code(), predict.err());
    List<String> lines = predict.out().strip().lines().toList();
    assertEquals("probability_bird,probability_cat,probability_dog,class", lines.get(0));
    assertEquals(91, lines.size());
    List<String> names = List.of("bird", "cat", "dog");
    int correct = 0;
    List<String> rows = Files.readAllLines(data);
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      double total = 0;
      int best = 0;
      for (int k = 0; k < 3; k++) {
        double p = Double.parseDouble(f[k]);
        assertTrue(p > 0 && p < 1, lines.get(i));
        total += p;
        if (p > Double.parseDouble(f[best])) {
          best = k;
        }
      }
      assertEquals(1, total, 1e-12, lines.get(i));
      assertEquals(names.get(best), f[3], lines.get(i));
      if (f[3].equals(rows.get(i).split(",")[1])) {
        correct++;
      }
    }

    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, evaluate.code(), evaluate.err());
    String out = evaluate.out();
    assertTrue(out.contains("rows: 90"), out);
    assertTrue(out.contains("mean_log_loss: "), out);
    assertTrue(out.contains(String.format(Locale.ROOT, "accuracy: %.10f", correct / 90.0)), out);
    assertTrue(out.contains("confusion matrix (rows: true class, columns: predicted):"), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("\\s+bird\\s+cat\\s+dog")), out);
    for (String n : names) {
      assertTrue(out.lines().anyMatch(l -> l.matches(n + "(\\s+\\d+){3}")), out);
      assertTrue(out.lines().anyMatch(l -> l.matches(n + "(\\s+[0-9.]+){3}\\s+30")), out);
    }
    assertTrue(out.contains("macro avg"), out);

    Cli evaluateJson = Cli.run("evaluate", "--model", model.toString(), "--data",
        data.toString(), "--json");
    assertEquals(0, evaluateJson.code(), evaluateJson.err());
    JsonNode report = new ObjectMapper().readTree(evaluateJson.out());
    assertEquals(correct / 90.0, report.get("accuracy").asDouble(), 1e-15);
    JsonNode counts = report.get("confusionMatrix").get("counts");
    long diagonal = 0;
    long all = 0;
    for (int t = 0; t < 3; t++) {
      for (int p = 0; p < 3; p++) {
        all += counts.get(t).get(p).asLong();
        diagonal += t == p ? counts.get(t).get(p).asLong() : 0;
      }
    }
    assertEquals(90, all);
    assertEquals(correct, diagonal);
    assertEquals("cat", report.get("classes").get(1).get("label").asText());
    assertEquals(30, report.get("classes").get(1).get("support").asInt());
  }

  @Test
  void integerLabelsAreInNumericOrder() throws Exception {
    Path data = threeClasses("codes.csv", "10", "2", "7");
    Path model = dir.resolve("codes.json");
    Cli train = Cli.run("train", "--data", data.toString(), "--target", "kind", "--loss",
        "multinomial", "--l2", "0.1", "--backend", "reference", "--optimizer", "adam",
        "--max-epochs", "200", "--verify-every", "10", "--out", model.toString());
    assertEquals(0, train.code(), train.err());
    assertTrue(train.out().contains("classes: 3 (numeric order): 2, 7, 10"), train.out());
    assertTrue(train.out().contains("verification: largest error (objective or gradient)"), train.out());
    Cli predict = Cli.run("predict", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, predict.code(), predict.err());
    assertEquals("probability_2,probability_7,probability_10,class",
        predict.out().lines().findFirst().orElseThrow());

    // Evaluating rows of only some of the classes codes them by the model's classes.
    Path some = dir.resolve("some.csv");
    Files.writeString(some, "a,kind,b\n0.1,7,0.2\n2.1,10,0.3\n");
    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data", some.toString());
    assertEquals(0, evaluate.code(), evaluate.err());
    assertTrue(evaluate.out().contains("rows: 2"), evaluate.out());
    Cli threshold = Cli.run("evaluate", "--model", model.toString(), "--data", some.toString(),
        "--threshold", "0.7");
    assertEquals(2, threshold.code(), threshold.err());
    assertEquals("descent: --threshold is for logistic models; a multinomial model predicts its"
        + " likeliest class", threshold.err().strip());
    // A label the model does not know is an error at its line and column.
    Files.writeString(some, "a,kind,b\n0.1,7,0.2\n2.1,11,0.3\n");
    Cli unknown = Cli.run("evaluate", "--model", model.toString(), "--data", some.toString());
    assertEquals(2, unknown.code(), unknown.err());
    assertTrue(unknown.err().startsWith(some + ":3:2: target \"kind\" has label \"11\", which is"
        + " not one of the classes [2, 7, 10]"), unknown.err());
  }

  @Test
  void logisticOnThreeClassesSuggestsMultinomial() throws Exception {
    Path data = threeClasses("pets.csv", "dog", "cat", "bird");
    Cli r = Cli.run("train", "--data", data.toString(), "--target", "kind", "--loss",
        "logistic");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith(data + ":4:2: target \"kind\" has more than two labels:"
        + " \"dog\", \"cat\", \"bird\""), r.err());
    assertTrue(r.err().contains("--loss multinomial"), r.err());
    assertTrue(r.err().contains("--one-vs-rest"), r.err());
  }

  @Test
  void gradcheckChecksTheSoftmaxByFiniteDifferencesOnEveryBackend() throws Exception {
    for (String file : List.of("datasets/iris.csv", "datasets/wine.csv")) {
      String target = file.contains("iris") ? "species" : "cultivar";
      Cli gradcheck = Cli.run("gradcheck", "--data", file, "--target", target, "--loss",
          "multinomial", "--json");
      assertEquals(0, gradcheck.code(), gradcheck.out() + gradcheck.err());
      JsonNode report = new ObjectMapper().readTree(gradcheck.out());
      String text = report.toString();
      assertTrue(text.contains("reference vs finite differences"), text);
      assertTrue(text.contains("near-optimum"), text);
      assertTrue(text.contains("nd4j"), text);
      assertTrue(text.contains("opencl") || text.contains("pthread"), text);
    }
  }

  @Test
  void optionsOnlyForTwoClassesAreRefused() throws Exception {
    Path data = threeClasses("pets.csv", "dog", "cat", "bird");
    Cli positive = Cli.run("train", "--data", data.toString(), "--target", "kind", "--loss",
        "multinomial", "--positive-label", "dog");
    assertEquals(2, positive.code(), positive.err());
    assertEquals("descent: --positive-label is for logistic models, not multinomial",
        positive.err().strip());
    // A linear target too: the options' names, where the reader's own words ("positiveLabel
    // needs a BINARY target, got NUMERIC") reached the user.
    for (String command : new String[] {"train", "convert"}) {
      Cli linear = Cli.run(command, "--data", "datasets/diabetes.csv", "--target",
          "progression", "--loss", "linear", "--positive-label", "1");
      assertEquals(2, linear.code(), linear.err());
      assertEquals("descent: --positive-label is for logistic models, not linear",
          linear.err().strip(), command);
    }
  }

  @Test
  void separableClassesAreRefused() throws Exception {
    Cli r = Cli.run("train", "--data", "datasets/iris.csv", "--target", "species", "--loss",
        "multinomial", "--backend", "reference");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("no finite optimum: the classes are separable (class \"0\" is"
        + " linearly separable from the others"), r.err());
    assertTrue(r.err().contains("--l2 0.01"), r.err());
  }

  @Test
  void classWeightsAndAWarmStartWorkForManyClasses() throws Exception {
    Path data = threeClasses("pets.csv", "dog", "cat", "bird");
    Path first = dir.resolve("first.json");
    Cli a = Cli.run("train", "--data", data.toString(), "--target", "kind", "--loss",
        "multinomial", "--l2", "0.01", "--class-weight", "dog=3", "--out", first.toString());
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().contains("result: converged"), a.out());
    JsonNode model = new ObjectMapper().readTree(first.toFile());
    assertEquals(3.0, model.get("training").get("hyperparameters").get("classWeight[dog]")
        .asDouble(), 0.0, model.toString());
    // Started from its own optimum, the same fit stops at once with the same objective.
    Cli b = Cli.run("train", "--data", data.toString(), "--target", "kind", "--loss",
        "multinomial", "--l2", "0.01", "--class-weight", "dog=3", "--init", first.toString(),
        "--json");
    assertEquals(0, b.code(), b.err());
    JsonNode again = new ObjectMapper().readTree(b.out());
    // A fit from zeros takes tens of iterations; from the optimum a float32 line search may
    // spend a couple on rounding noise.
    assertTrue(again.get("result").get("iterations").asInt() <= 3, again.toString());
    assertEquals(model.get("training").get("objective").asDouble(),
        again.get("objective").asDouble(), 1e-12);
    // A model of other classes cannot start the fit.
    Path other = threeClasses("other.csv", "dog", "cat", "fish");
    Cli c = Cli.run("train", "--data", other.toString(), "--target", "kind", "--loss",
        "multinomial", "--init", first.toString());
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("classes are [bird, cat, dog] but"), c.err());
  }
}
