package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.data.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --test-fraction}, and what {@code evaluate} says about the training file. */
class TestFractionTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String MTCARS = "datasets/mtcars.csv";

  @TempDir
  Path dir;

  @Test
  void setsRowsAsideAndPrintsTheMetricsOfEachSet() throws Exception {
    Cli train = Cli.run("train", "--data", MTCARS, "--target", "mpg", "--loss", "linear",
        "--backend", "reference", "--test-fraction", "0.25");
    assertEquals(0, train.code(), train.err());
    assertTrue(train.out().contains("test: 8 rows set aside (fraction 0.25), training on 24"),
        train.out());
    assertTrue(train.out().contains(", 24 rows, backend"), train.out());
    String test = JsonOutputTest.after(train.out(), "test (8 rows): ");
    String fitted = JsonOutputTest.after(train.out(), "train (24 rows): ");
    for (String name : List.of("mse ", "rmse ", "r2 ", "mae ")) {
      assertTrue(test.contains(name) && fitted.contains(name), train.out());
    }
  }

  @Test
  void aModelTrainedFromAPipeRecognisesNoOtherPipeAsItsFile() throws Exception {
    // Every pipe has a path like /dev/fd/63 and size 0: a model trained from one records no
    // file, so evaluate neither says another pipe held its test rows nor scores "its" test rows
    // of unrelated data.
    Path model = dir.resolve("pipe.json");
    Cli train = Cli.run("train", "--data", fifoOf("train", Files.readString(Path.of(MTCARS))),
        "--target", "mpg", "--loss", "linear", "--backend", "reference", "--test-fraction",
        "0.25", "--quiet", "--out", model.toString());
    assertEquals(0, train.code(), train.err());
    JsonNode settings = MAPPER.readTree(model.toFile()).get("training").get("hyperparameters");
    assertFalse(settings.has(TrainingFile.FILE), settings.toString());
    assertFalse(settings.has(TrainingFile.BYTES), settings.toString());
    String other = Files.readString(Path.of(MTCARS)).lines().limit(20)
        .reduce("", (a, b) -> a + b + "\n");
    Cli plain = Cli.run("evaluate", "--model", model.toString(), "--data", fifoOf("a", other));
    assertEquals(0, plain.code(), plain.err());
    assertFalse(plain.out().contains("held the training"), plain.out());
    Cli rows = Cli.run("evaluate", "--model", model.toString(), "--data", fifoOf("b", other),
        "--test-rows");
    assertEquals(2, rows.code(), rows.out() + rows.err());
    assertTrue(rows.err().contains("does not record the file it was trained on"), rows.err());
    // A model that records its file names it where another file is given.
    Path file = dir.resolve("mtcars.csv");
    Files.copy(Path.of(MTCARS), file);
    Path recorded = dir.resolve("file.json");
    assertEquals(0, Cli.run("train", "--data", file.toString(), "--target", "mpg", "--loss",
        "linear", "--backend", "reference", "--test-fraction", "0.25", "--quiet", "--out",
        recorded.toString()).code());
    Path copy = dir.resolve("copy.csv");
    Files.copy(file, copy);
    Cli elsewhere = Cli.run("evaluate", "--model", recorded.toString(), "--data",
        copy.toString(), "--test-rows");
    assertEquals(2, elsewhere.code(), elsewhere.err());
    assertTrue(elsewhere.err().contains("was trained on " + file.toAbsolutePath().normalize()
        + " (" + Files.size(file) + " bytes), and " + copy + " is another file"),
        elsewhere.err());
    // The same path, changed since: said so (it read "which FILE is not", of the same file).
    long before = Files.size(file);
    Files.writeString(file, "4.5,4,100,90,3.9,2.5,17,1,1,4,2\n",
        java.nio.file.StandardOpenOption.APPEND);
    Cli changed = Cli.run("evaluate", "--model", recorded.toString(), "--data",
        file.toString(), "--test-rows");
    assertEquals(2, changed.code(), changed.err());
    assertTrue(changed.err().contains("(" + before + " bytes), and " + file + " now holds "
        + Files.size(file) + " bytes: it changed since"), changed.err());
  }

  /** A named pipe in the test's folder that a thread fills with {@code text}, once. */
  private String fifoOf(String name, String text) throws Exception {
    Path fifo = dir.resolve(name + ".fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Thread writer = new Thread(() -> {
      try {
        Files.writeString(fifo, text);
      } catch (java.io.IOException e) {
        // the reader went away: the test's assertions say what happened
      }
    });
    writer.setDaemon(true);
    writer.start();
    return fifo.toString();
  }

  /**
   * A file with both classes whose test split left one class out of the training rows: the
   * error says the rows were what the split left (as for a validation fraction), since the file
   * itself holds both.
   */
  @Test
  void aTrainingSplitWithOneClassSaysTheSplitLeftIt(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i).append(',').append(i == 7 ? 1 : 0).append('\n');
    }
    Path file = Files.writeString(dir.resolve("one-positive.csv"), csv.toString());
    for (int seed = 0; seed < 20; seed++) {
      Cli train = Cli.run("train", "--data", file.toString(), "--target", "y", "--loss",
          "logistic", "--backend", "reference", "--test-fraction", "0.5", "--seed",
          Integer.toString(seed), "--out", dir.resolve("m.json").toString());
      if (train.code() == 0) {
        continue; // the positive row stayed in training
      }
      assertEquals(2, train.code(), train.err());
      assertTrue(train.err().contains("every training row of target \"y\" is 0"), train.err());
      assertTrue(train.err().contains("(of the rows left to train on after --test-fraction 0.5"
          + " set aside 20)"), train.err());
      assertEquals(1, train.err().strip().lines().count(), train.err());
      return;
    }
    throw new AssertionError("no seed of 20 set the positive row aside");
  }

  @Test
  void aValidationSplitTakesItsRowsFromTheRest() throws Exception {
    Cli train = Cli.run("train", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--l2", "0.01", "--backend", "reference",
        "--test-fraction", "0.2", "--validation-fraction", "0.1", "--json");
    assertEquals(0, train.code(), train.err());
    JsonNode d = JsonOutputTest.document(train.out());
    // 569 rows: ceil(113.8) = 114 test rows; of the 455 left, ceil(45.5) = 46 validate.
    assertEquals(114, d.get("test").get("rows").asInt());
    assertEquals(46, d.get("validation").get("rows").asInt());
    assertEquals(409, d.get("train").get("rows").asInt());
    assertEquals(409, d.get("trainingRows").asInt());
    assertEquals(0.2, d.get("data").get("testFraction").asDouble());
    for (String name : List.of("mean_log_loss", "accuracy", "roc_auc")) {
      assertTrue(d.get("test").get(name).isNumber(), name);
    }
    Cli text = Cli.run("train", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--l2", "0.01", "--backend", "reference",
        "--test-fraction", "0.2", "--validation-fraction", "0.1");
    assertTrue(JsonOutputTest.after(text.out(), "test (114 rows): ").startsWith(
        String.format(Locale.ROOT, "mean_log_loss %.7g, accuracy %.7g",
            d.get("test").get("mean_log_loss").asDouble(),
            d.get("test").get("accuracy").asDouble())), text.out());
  }

  /** The held-out rows touch neither the standardization nor the fit. */
  @ParameterizedTest
  @ValueSource(strings = {"lbfgs", "adam"})
  void theModelEqualsOneTrainedOnTheOtherRowsAlone(String optimizer) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(MTCARS));
    Split split = Split.forTest(lines.size() - 1, 0.25, 7);
    List<String> rest = new ArrayList<>(List.of(lines.get(0)));
    for (int row : split.train()) {
      rest.add(lines.get(row + 1));
    }
    Path complement = dir.resolve("rest.csv");
    Files.write(complement, rest);
    Path withTest = dir.resolve("with-test.json");
    Path alone = dir.resolve("alone.json");
    List<String> common = List.of("train", "--target", "mpg", "--loss", "linear", "--backend",
        "reference", "--optimizer", optimizer, "--seed", "7",
        optimizer.equals("lbfgs") ? "--max-iterations" : "--max-epochs", "5");
    assertEquals(0, run(common, "--data", MTCARS, "--test-fraction", "0.25", "--out",
        withTest.toString()).code());
    assertEquals(0, run(common, "--data", complement.toString(), "--out", alone.toString())
        .code());
    JsonNode a = MAPPER.readTree(withTest.toFile());
    JsonNode b = MAPPER.readTree(alone.toFile());
    for (String field : List.of("standardization", "standardizedIntercept", "standardizedCoef",
        "intercept", "coef")) {
      assertEquals(b.get(field), a.get(field), field);
    }
    assertEquals(b.get("training").get("objective"), a.get("training").get("objective"));
    assertEquals(24, a.get("training").get("rows").asInt());
  }

  private static Cli run(List<String> common, String... more) {
    List<String> args = new ArrayList<>(common);
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "1.5", "NaN", "-0.1", "0.99"})
  void aBadFractionIsOneLineNamingTheOption(String fraction) {
    Cli train = Cli.run("train", "--data", MTCARS, "--target", "mpg", "--loss", "linear",
        "--backend", "reference", "--test-fraction", fraction);
    assertEquals(Main.BAD_INPUT, train.code(), train.err());
    assertEquals(1, train.err().lines().count(), train.err());
    assertTrue(train.err().startsWith("descent: --test-fraction must "), train.err());
  }

  @Test
  void evaluateSaysWhenItIsGivenTheTrainingRows() throws Exception {
    Path all = dir.resolve("all.json");
    Path part = dir.resolve("part.json");
    List<String> common = List.of("train", "--data", MTCARS, "--target", "mpg", "--loss",
        "linear", "--backend", "reference");
    assertEquals(0, run(common, "--out", all.toString()).code());
    Cli split = run(common, "--out", part.toString(), "--test-fraction", "0.25");
    assertEquals(0, split.code());
    JsonNode settings = MAPPER.readTree(part.toFile()).get("training").get("hyperparameters");
    assertEquals(Path.of(MTCARS).toAbsolutePath().normalize().toString(),
        settings.get(TrainingFile.FILE).asText());
    assertEquals(Files.size(Path.of(MTCARS)), settings.get(TrainingFile.BYTES).asLong());

    Cli onAll = Cli.run("evaluate", "--model", all.toString(), "--data", MTCARS);
    assertEquals(0, onAll.code(), onAll.err());
    assertEquals(EvaluateCommand.TRAINING_ROWS, onAll.err().strip());

    Cli onPart = Cli.run("evaluate", "--model", part.toString(), "--data", MTCARS);
    assertEquals(EvaluateCommand.TRAINING_AND_TEST_ROWS, onPart.err().strip());

    Cli testRows = Cli.run("evaluate", "--model", part.toString(), "--data", MTCARS,
        "--test-rows", "--json");
    assertEquals(0, testRows.code(), testRows.err());
    assertEquals("", testRows.err());
    JsonNode d = JsonOutputTest.document(testRows.out());
    assertEquals(8, d.get("rows").asInt());
    assertEquals(JsonOutputTest.after(split.out(), "test (8 rows): "), String.format(
        Locale.ROOT, "mse %.7g, rmse %.7g, r2 %.7g, mae %.7g", d.get("mse").asDouble(),
        d.get("rmse").asDouble(), d.get("r2").asDouble(), d.get("mae").asDouble()));

    // Through a symbolic link the file is the same ("another file" before).
    Path link = dir.resolve("link.csv");
    Files.createSymbolicLink(link, Path.of(MTCARS).toAbsolutePath());
    Cli linked = Cli.run("evaluate", "--model", part.toString(), "--data", link.toString(),
        "--test-rows", "--json");
    assertEquals(0, linked.code(), linked.err());
    assertEquals(8, JsonOutputTest.document(linked.out()).get("rows").asInt());
    Cli linkedAll = Cli.run("evaluate", "--model", all.toString(), "--data", link.toString());
    assertEquals(EvaluateCommand.TRAINING_ROWS, linkedAll.err().strip());

    Path copy = dir.resolve("copy.csv");
    Files.copy(Path.of(MTCARS), copy);
    Cli other = Cli.run("evaluate", "--model", all.toString(), "--data", copy.toString());
    assertEquals(0, other.code(), other.err());
    assertFalse(other.err().contains("note:"), other.err());

    Cli noTest = Cli.run("evaluate", "--model", all.toString(), "--data", MTCARS,
        "--test-rows");
    assertEquals(Main.BAD_INPUT, noTest.code());
    assertTrue(noTest.err().startsWith("descent: --test-rows needs a model trained with"
        + " --test-fraction"), noTest.err());
  }
}
