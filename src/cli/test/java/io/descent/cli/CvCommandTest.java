package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code descent cv} through the real command line, on the shipped datasets. */
class CvCommandTest {
  private static final String CANCER = "datasets/breast_cancer_wisconsin_original.csv";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static Cli cancer(String... more) {
    String[] base = {"cv", "--data", CANCER, "--target", "malignant", "--loss", "logistic",
        "--backend", "reference"};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Cli.run(args);
  }

  @Test
  void logisticCvPicksTheLowestMeanLossAndWritesItsRefit() throws Exception {
    Path model = dir.resolve("best.json");
    Cli cv = cancer("--folds", "4", "--l2", "1e-4,1e-2,1,10", "--out", model.toString(),
        "--json");
    assertEquals(0, cv.code(), cv.err());
    JsonNode doc = JSON.readTree(cv.out());
    JsonNode c = doc.get("cv");
    assertEquals(4, c.get("folds").asInt());
    assertTrue(c.get("stratified").asBoolean());
    assertEquals(16, c.get("models").asInt());
    assertEquals("accuracy", c.get("metric").asText());
    JsonNode settings = c.get("settings");
    assertEquals(4, settings.size());
    int best = 0;
    for (int s = 0; s < settings.size(); s++) {
      JsonNode setting = settings.get(s);
      assertEquals(4, setting.get("converged").asInt(), setting.toString());
      int rows = 0;
      double sum = 0;
      for (JsonNode fold : setting.get("folds")) {
        rows += fold.get("rows").asInt();
        sum += fold.get("loss").asDouble();
        // Sane figures: a loss below a coin's ln 2, accuracy at least the majority class's
        // share (65%), which a penalty of 10 standardized units hardly beats.
        assertTrue(fold.get("loss").asDouble() > 0 && fold.get("loss").asDouble() < 0.69);
        assertTrue(fold.get("metric").asDouble() > 0.6 && fold.get("metric").asDouble() <= 1,
            fold.toString());
      }
      assertEquals(683, rows);
      assertEquals(sum / 4, setting.get("meanLoss").asDouble(), 1e-15);
      if (setting.get("meanLoss").asDouble() < settings.get(best).get("meanLoss").asDouble()) {
        best = s;
      }
    }
    assertEquals(best, c.get("best").get("index").asInt());
    double bestL2 = settings.get(best).get("l2").asDouble();
    assertTrue(settings.get(best).get("meanMetric").asDouble() > 0.95, settings.toString());
    assertEquals(bestL2, doc.get("refit").get("l2").asDouble());
    // A heavy penalty underfits: l2 = 10 is worse than the best.
    assertTrue(settings.get(3).get("meanLoss").asDouble()
        > settings.get(best).get("meanLoss").asDouble());

    // The model is train's on all rows at the chosen penalty.
    JsonNode written = JSON.readTree(model.toFile());
    assertEquals(bestL2, written.get("training").get("l2").asDouble());
    assertEquals(4, written.get("training").get("hyperparameters").get("cvFolds").asInt());
    Path trained = dir.resolve("train.json");
    Cli train = Cli.run("train", "--data", CANCER, "--target", "malignant", "--loss",
        "logistic", "--backend", "reference", "--l2", String.valueOf(bestL2), "--out",
        trained.toString(), "--quiet");
    assertEquals(0, train.code(), train.err());
    assertEquals(JSON.readTree(trained.toFile()).get("standardizedCoef"),
        written.get("standardizedCoef"));
  }

  @Test
  void linearCvReportsR2AndItsTable() {
    Cli cv = Cli.run("cv", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--backend", "reference", "--l2", "0.01,1,100");
    assertEquals(0, cv.code(), cv.err());
    String out = cv.out();
    assertTrue(out.contains("cv: 5 folds x 3 settings = 15 models in lockstep on reference"),
        out);
    assertTrue(out.contains("r2 (mean, sd)"), out);
    // The table marks the best row; a penalty of 100 standardized units underfits badly.
    String bestLine = out.lines().filter(l -> l.endsWith("<- best")).findFirst().orElseThrow();
    assertTrue(bestLine.startsWith("0.01 ") || bestLine.startsWith("1 "), out);
    assertTrue(out.contains("no model written"), out);
  }

  @Test
  void theSameFiguresEveryRunAndOtherFoldsWithAnotherSeed() throws Exception {
    JsonNode a = cancer("--folds", "3", "--l2", "0.01,0.1", "--json").json();
    JsonNode b = cancer("--folds", "3", "--l2", "0.01,0.1", "--json").json();
    JsonNode c = cancer("--folds", "3", "--l2", "0.01,0.1", "--json", "--seed", "7").json();
    assertEquals(a.get("cv").get("settings"), b.get("cv").get("settings"));
    assertEquals(a.get("refit").get("objective"), b.get("refit").get("objective"));
    assertNotEquals(a.get("cv").get("settings"), c.get("cv").get("settings"));
  }

  @Test
  void miniBatchRulesRunInLockstepToo() throws Exception {
    JsonNode a = cancer("--folds", "3", "--l2", "1e-3,1", "--optimizer", "adam", "--max-epochs",
        "8", "--json").json();
    JsonNode b = cancer("--folds", "3", "--l2", "1e-3,1", "--optimizer", "adam", "--max-epochs",
        "8", "--json").json();
    assertEquals(a.get("cv").get("settings"), b.get("cv").get("settings"));
    JsonNode settings = a.get("cv").get("settings");
    // Close to the L-BFGS figures: a small penalty generalizes better than a large one.
    assertTrue(settings.get(0).get("meanLoss").asDouble() < 0.12, settings.toString());
    assertTrue(settings.get(0).get("meanMetric").asDouble() > 0.95, settings.toString());
    assertEquals(0, a.get("cv").get("best").get("index").asInt());
    assertTrue(a.get("refit").get("message").asText().contains("8 epochs")
        || a.get("refit").get("converged").asBoolean(), a.get("refit").toString());
    Cli wrong = cancer("--batch-size", "10");
    assertEquals(2, wrong.code());
    assertEquals(1, wrong.err().lines().count(), wrong.err());
  }

  @Test
  void badFoldsAndPenaltiesExit2WithOneLineAndNoOutput() {
    Path model = dir.resolve("never.json");
    String[][] bad = {{"--folds", "1"}, {"--folds", "two"}, {"--folds", "684"},
        {"--l2", "-1"}, {"--l2", "abc"}, {"--l2", "0.1,,1"}, {"--l2", "NaN"},
        {"--l2", "Infinity"}};
    for (String[] args : bad) {
      String[] all = {args[0], args[1], "--out", model.toString()};
      Cli cv = cancer(all);
      assertEquals(2, cv.code(), String.join(" ", args) + ": " + cv.err());
      assertEquals(1, cv.err().lines().count(), cv.err());
      assertTrue(cv.err().contains(args[0]), cv.err());
      assertFalse(Files.exists(model), String.join(" ", args));
    }
  }

  @Test
  void refusesToOverwriteItsInput() throws Exception {
    Path data = dir.resolve("data.csv");
    Files.copy(Path.of(CANCER), data);
    byte[] before = Files.readAllBytes(data);
    Cli cv = Cli.run("cv", "--data", data.toString(), "--target", "malignant", "--loss",
        "logistic", "--backend", "reference", "--out", data.toString());
    assertEquals(2, cv.code());
    assertEquals(1, cv.err().lines().count(), cv.err());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(data)));
  }
}
