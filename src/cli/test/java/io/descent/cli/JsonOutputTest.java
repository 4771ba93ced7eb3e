package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --json}: one document on stdout holding the figures the text shows. */
class JsonOutputTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir
  Path dir;

  /** Parses stdout, failing unless it is exactly one JSON document. */
  static JsonNode document(String out) throws Exception {
    try (JsonParser parser = MAPPER.createParser(out)) {
      JsonNode node = MAPPER.readTree(parser);
      assertTrue(node != null && node.isObject(), out);
      assertNull(parser.nextToken(), "more than one document on stdout: " + out);
      return node;
    }
  }

  /** The value after {@code prefix} on the line that starts with it. */
  static String after(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line " + prefix + " in " + text))
        .substring(prefix.length());
  }

  @Test
  void trainPrintsTheSummaryFiguresAndTheModelFilesObjective() throws Exception {
    Path model = dir.resolve("m.json");
    String[] args = {"train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--backend", "reference", "--out", model.toString()};
    Cli text = Cli.run(args);
    Cli json = Cli.run(append(args, "--json"));
    assertEquals(0, json.code(), json.err());
    JsonNode d = document(json.out());
    JsonNode file = MAPPER.readTree(model.toFile()).get("training");
    assertEquals(file.get("objective").asDouble(), d.get("objective").asDouble());
    assertEquals(file.get("iterations").asInt(), d.get("result").get("iterations").asInt());
    assertEquals(file.get("stopReason").asText(), d.get("result").get("stopReason").asText());
    assertTrue(d.get("result").get("converged").asBoolean());
    assertEquals(String.format(Locale.ROOT, "%.17g", d.get("objective").asDouble()),
        after(text.out(), "objective: ").split(" ")[0]);
    assertEquals("datasets/mtcars.csv", d.get("data").get("file").asText());
    assertEquals(32, d.get("data").get("rows").asInt());
    assertEquals(10, d.get("data").get("features").asInt());
    assertEquals("mpg", d.get("data").get("target").asText());
    assertEquals(42, d.get("data").get("seed").asLong());
    assertTrue(d.get("data").get("testFraction").isNull());
    assertEquals("reference", d.get("backend").get("kind").asText());
    assertEquals("float64", d.get("backend").get("precision").asText());
    // The text's optimizer line, as fields: "lbfgs with memory=10, c1=1.0E-4, ...".
    assertEquals("lbfgs", d.get("optimizer").get("name").asText());
    assertTrue(after(text.out(), "optimizer: ").contains("memory="
        + d.get("optimizer").get("memory").asInt()), d.get("optimizer").toString());
    assertTrue(d.get("verification").isNull(), "never verified: null, not NaN");
    assertTrue(d.get("test").isNull());
    assertEquals(model.toString(), d.get("model").asText());
    assertFalse(json.err().contains("{"), json.err());
    assertTimings(d, "start", "read", "standardize", "open", "fit", "judge", "write");
  }

  /** The document's timings are these phases, in this order, each a time of at least 0. */
  private static void assertTimings(JsonNode d, String... phases) {
    JsonNode timings = d.get("timings");
    java.util.List<String> names = new java.util.ArrayList<>();
    timings.fieldNames().forEachRemaining(names::add);
    assertEquals(java.util.List.of(phases), names, timings.toString());
    for (String phase : phases) {
      assertTrue(timings.get(phase).isNumber() && timings.get(phase).asDouble() >= 0,
          timings.toString());
    }
  }

  @Test
  void trainWithoutOutSaysNoModel() throws Exception {
    Cli json = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--backend", "reference", "--json", "--quiet");
    assertEquals(0, json.code(), json.err());
    assertTrue(document(json.out()).get("model").isNull());
    assertTimings(document(json.out()), "start", "read", "standardize", "open", "fit", "judge");
  }

  @Test
  void evaluateLogisticPrintsEveryMetricAndTheConfusionMatrix() throws Exception {
    Path model = dir.resolve("m.json");
    assertEquals(0, Cli.run("train", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--l2", "0.01", "--backend", "reference", "--out",
        model.toString()).code());
    String[] args = {"evaluate", "--model", model.toString(), "--data",
        "datasets/breast_cancer_wdbc.csv", "--threshold", "0.3"};
    Cli text = Cli.run(args);
    Cli json = Cli.run(append(args, "--json"));
    assertEquals(0, json.code(), json.err());
    JsonNode d = document(json.out());
    assertEquals(569, d.get("rows").asInt());
    for (String name : List.of("mean_log_loss", "accuracy", "roc_auc")) {
      assertEquals(after(text.out(), name + ": "),
          String.format(Locale.ROOT, "%.10g", d.get(name).asDouble()), name);
    }
    assertEquals(0.3, d.get("threshold").asDouble());
    JsonNode m = d.get("confusionMatrix");
    long tn = m.get("trueNegatives").asLong();
    long tp = m.get("truePositives").asLong();
    assertEquals(569, tn + m.get("falsePositives").asLong() + m.get("falseNegatives").asLong()
        + tp);
    assertEquals((tn + tp) / 569.0, d.get("accuracy").asDouble(), 1e-15);
    JsonNode classes = d.get("classes");
    assertEquals(2, classes.size());
    assertEquals(569, classes.get(0).get("support").asLong()
        + classes.get(1).get("support").asLong());
    String row1 = String.format(Locale.ROOT, "%10.4f %10.4f %10.4f %10d",
        classes.get(1).get("precision").asDouble(), classes.get(1).get("recall").asDouble(),
        classes.get(1).get("f1").asDouble(), classes.get(1).get("support").asLong());
    assertTrue(text.out().contains(row1), text.out() + "\n" + row1);
    for (String average : List.of("macroAverage", "weightedAverage")) {
      assertEquals(569, d.get(average).get("support").asLong());
      assertTrue(d.get(average).get("f1").isNumber(), average);
    }
  }

  @Test
  void evaluateLinearPrintsMseRmseR2AndMae() throws Exception {
    Path model = dir.resolve("m.json");
    assertEquals(0, Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg",
        "--loss", "linear", "--backend", "reference", "--out", model.toString()).code());
    String[] args = {"evaluate", "--model", model.toString(), "--data", "datasets/mtcars.csv"};
    Cli text = Cli.run(args);
    Cli json = Cli.run(append(args, "--json"));
    assertEquals(0, json.code(), json.err());
    JsonNode d = document(json.out());
    assertEquals(32, d.get("rows").asInt());
    for (String name : List.of("mse", "rmse", "r2", "mae")) {
      assertEquals(after(text.out(), name + ": "),
          String.format(Locale.ROOT, "%.10g", d.get(name).asDouble()), name);
    }
    assertFalse(d.has("confusionMatrix"));
    assertTrue(json.err().contains(EvaluateCommand.TRAINING_ROWS), json.err());
  }

  @Test
  void devicesListsEveryFieldOrAnEmptyListWithTheHint() throws Exception {
    Cli text = Cli.run("devices");
    Cli json = Cli.run("devices", "--json");
    assertEquals(0, json.code(), json.err());
    JsonNode d = document(json.out());
    JsonNode devices = d.get("devices");
    assertTrue(devices.isArray());
    // Each platform that failed to list its devices: in the JSON, and on stderr in the text.
    JsonNode problems = d.get("platformProblems");
    assertTrue(problems.isArray());
    assertEquals(problems.size(), text.err().lines()
        .filter(l -> l.startsWith("descent devices: platform ")).count(), text.err());
    JsonNode broken = DevicesCommand.report(List.of(),
        List.of("Broken: CL_INVALID_PLATFORM when asked for its devices")).get("platformProblems");
    assertEquals("Broken: CL_INVALID_PLATFORM when asked for its devices", broken.get(0).asText());
    if (devices.isEmpty()) {
      assertTrue(d.get("hint").asText().contains(DevicesCommand.HOW_TO_GET_ONE));
      assertTrue(text.out().startsWith(DevicesCommand.NONE), text.out());
      return;
    }
    assertTrue(d.get("hint").isNull());
    List<String> lines = text.out().lines().toList();
    assertEquals(lines.size(), devices.size());
    for (int i = 0; i < devices.size(); i++) {
      JsonNode x = devices.get(i);
      io.descent.gradient.DeviceDescription rebuilt = new io.descent.gradient.DeviceDescription(
          x.get("index").asInt(), x.get("platform").asText(), x.get("name").asText(),
          io.descent.gradient.DeviceDescription.Type.valueOf(
              x.get("type").asText().toUpperCase(Locale.ROOT)),
          x.get("computeUnits").asInt(), x.get("globalMemoryBytes").asLong(),
          x.get("maxAllocationBytes").asLong(), x.get("fp64").asBoolean());
      assertEquals(lines.get(i), rebuilt.summary());
    }
  }

  @Test
  void gradcheckPrintsEveryRowOfTheTable() throws Exception {
    String[] args = {"gradcheck", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--backend", "reference"};
    Cli text = Cli.run(args);
    Cli json = Cli.run(append(args, "--json"));
    assertEquals(0, json.code(), json.err());
    JsonNode d = document(json.out());
    assertTrue(d.get("passed").asBoolean());
    JsonNode checks = d.get("checks");
    List<String> rows = text.out().lines().skip(1).filter(l -> !l.startsWith("gradcheck"))
        .toList();
    assertEquals(rows.size(), checks.size());
    for (int i = 0; i < rows.size(); i++) {
      JsonNode c = checks.get(i);
      assertTrue(rows.get(i).startsWith(String.format(Locale.ROOT, "%-13s %-55s %11.3e",
          c.get("point").asText(), c.get("checked").asText(),
          c.get("relativeError").asDouble())), rows.get(i));
      assertTrue(c.get("tolerance").isNumber());
      assertTrue(c.has("scaledError") && c.has("lossError"));
      assertTrue(c.get("passed").asBoolean());
    }
  }

  @Test
  void anErrorIsOneLineOnStderrAndNoDocument() {
    Cli train = Cli.run("train", "--data", dir.resolve("none.csv").toString(), "--target",
        "y", "--json");
    assertEquals(Main.BAD_INPUT, train.code());
    assertEquals("", train.out());
    assertEquals(1, train.err().lines().count(), train.err());

    Cli evaluate = Cli.run("evaluate", "--model", dir.resolve("none.json").toString(),
        "--data", "datasets/mtcars.csv", "--json");
    assertEquals(Main.BAD_INPUT, evaluate.code());
    assertEquals("", evaluate.out());
    assertEquals(1, evaluate.err().lines().count(), evaluate.err());

    Cli gradcheck = Cli.run("gradcheck", "--data", "datasets/mtcars.csv", "--target", "nope",
        "--loss", "linear", "--backend", "reference", "--json");
    assertEquals(Main.BAD_INPUT, gradcheck.code());
    assertEquals("", gradcheck.out());
    assertEquals(1, gradcheck.err().lines().count(), gradcheck.err());
  }

  static String[] append(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
