package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.data.BinaryLabels;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** A model whose parameters and standardization hold awkward doubles. */
  static LinearModel awkwardModel(Loss loss, BinaryLabels labels, long seed) {
    Random rnd = new Random(seed);
    double[] special = {0.1, 1.0 / 3, -0.0, Double.MIN_VALUE, 1e-300, 123456789.12345679,
        Math.PI * 1e15, -2.5e-17, 4.9e-324, 1.7976931348623157e308 / 1e300};
    int d = special.length + 5;
    List<String> names = new ArrayList<>();
    double[] mean = new double[d];
    double[] scale = new double[d];
    double[] theta = new double[d + 1];
    for (int j = 0; j < d; j++) {
      names.add("feature " + j + (j == 3 ? " \"quoted\", comma" : "") + (j == 4 ? " é" : ""));
      mean[j] = j == 2 ? -0.0 : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4);
      scale[j] = Math.exp(rnd.nextGaussian() * 4);
    }
    theta[0] = rnd.nextGaussian();
    for (int j = 0; j < d; j++) {
      theta[j + 1] = j < special.length ? special[j] : rnd.nextGaussian();
    }
    return LinearModel.of(loss, names, "target", labels, new Standardization(mean, scale), theta);
  }

  static TrainingInfo info(double verification) {
    Map<String, Object> hyper = new LinkedHashMap<>();
    hyper.put("learningRate", 0.1);
    hyper.put("batchSize", 256);
    hyper.put("schedule", "constant");
    hyper.put("nesterov", true);
    return new TrainingInfo(0.27141814863314234, "GRADIENT_TOLERANCE", 1234, 0, "opencl",
        "NVIDIA H100", "float32", "Adam[learningRate=0.1, beta1=0.9, beta2=0.999, epsilon=1e-08]",
        0.01, true, 42L, 3.25, verification, 4601, hyper);
  }

  private static void assertBitExact(LinearModel expected, LinearModel actual) {
    double[] e = expected.theta();
    double[] a = actual.theta();
    assertEquals(e.length, a.length);
    for (int j = 0; j < e.length; j++) {
      assertEquals(Double.doubleToRawLongBits(e[j]), Double.doubleToRawLongBits(a[j]),
          "theta[" + j + "]: " + e[j] + " read back as " + a[j]);
    }
    assertArrayEquals(expected.standardization().mean(), actual.standardization().mean(), 0);
    assertArrayEquals(expected.standardization().scale(), actual.standardization().scale(), 0);
    assertEquals(Double.doubleToRawLongBits(expected.intercept()),
        Double.doubleToRawLongBits(actual.intercept()));
    assertEquals(expected, actual);
  }

  // ---- round trip ----

  @Test
  void roundTripIsBitExact() throws IOException {
    for (long seed = 1; seed <= 5; seed++) {
      for (Loss loss : new Loss[] {Loss.LINEAR, Loss.LOGISTIC}) {
        BinaryLabels labels = loss == Loss.LOGISTIC ? new BinaryLabels("no", "yes") : null;
        LinearModel model = awkwardModel(loss, labels, seed);
        ModelFile file = new ModelFile(model, info(3.5e-7));
        Path path = dir.resolve("model-" + seed + "-" + loss.label() + ".json");
        file.write(path);
        ModelFile back = ModelFile.read(path);
        assertBitExact(model, back.model());
        assertEquals(file.training(), back.training());
        assertEquals(file, back);
      }
    }
  }

  @Test
  void referenceOptimaRoundTrip() throws IOException {
    LinearModel model = TestData.referenceModel("spambase", "full", "logistic_l2_lambda_1e-2",
        Loss.LOGISTIC);
    Path path = dir.resolve("spambase.json");
    new ModelFile(model, null).write(path);
    ModelFile back = ModelFile.read(path);
    assertBitExact(model, back.model());
    assertNull(back.training());
    JsonNode f = TestData.reference().get("spambase").get("full").get("logistic_l2_lambda_1e-2");
    assertArrayEquals(TestData.doubles(f.get("coef")), back.model().standardizedCoef(), 0);
  }

  @Test
  void nonFiniteTrainingFiguresAreWrittenAsNullAndReadAsNaN() throws IOException {
    TrainingInfo diverged = new TrainingInfo(Double.POSITIVE_INFINITY, "DIVERGED", 17, 2,
        "reference", "Java (host CPU)", "float64", "GradientDescent[learningRate=10.0]", 0, false,
        -9L, Double.NaN, Double.NaN, 100, Map.of());
    ModelFile file = new ModelFile(awkwardModel(Loss.LINEAR, null, 9), diverged);
    JsonNode training = JSON.readTree(file.toJson()).get("training");
    assertTrue(training.get("objective").isNull());
    assertTrue(training.get("elapsedSeconds").isNull());
    assertTrue(training.get("verification").isNull());
    TrainingInfo back = ModelFile.parse(file.toJson(), "m.json").training();
    assertTrue(Double.isNaN(back.objective()));
    assertTrue(Double.isNaN(back.verification()));
    assertFalse(back.verified());
    assertEquals(-9L, back.seed());
    assertEquals("DIVERGED", back.stopReason());
  }

  @Test
  void jsonHasTheDocumentedLayout() throws IOException {
    LinearModel model = TestData.referenceModel("diabetes", "full", "ols", Loss.LINEAR);
    ModelFile file = new ModelFile(model, info(Double.NaN));
    String text = file.toJson();
    assertTrue(text.endsWith("}\n"));
    assertTrue(text.contains("\"format\": \"descent-model\""), text);
    JsonNode root = JSON.readTree(text);
    List<String> keys = new ArrayList<>();
    root.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("format", "formatVersion", "loss", "target", "labels", "features",
        "standardization", "intercept", "coef", "standardizedIntercept", "standardizedCoef",
        "training", "checksum"), keys);
    assertEquals(2, root.get("formatVersion").intValue());
    assertTrue(root.get("checksum").textValue().matches("sha256:[0-9a-f]{64}"), text);
    assertEquals("linear", root.get("loss").textValue());
    assertEquals("progression", root.get("target").textValue());
    assertTrue(root.get("labels").isNull());
    assertEquals("bmi", root.get("features").get(2).textValue());
    assertEquals(model.intercept(), root.get("intercept").doubleValue(), 0);
    assertArrayEquals(model.coef(), TestData.doubles(root.get("coef")), 0);
    assertEquals(152.13348416289594, root.get("standardizedIntercept").doubleValue(), 0);
    assertArrayEquals(model.standardization().scale(),
        TestData.doubles(root.get("standardization").get("scale")), 0);
    JsonNode t = root.get("training");
    assertTrue(t.get("verification").isNull());
    assertEquals(42, t.get("seed").longValue());
    assertEquals(0.1, t.get("hyperparameters").get("learningRate").doubleValue());
    assertEquals(256, t.get("hyperparameters").get("batchSize").longValue());
    assertEquals("opencl", t.get("backend").textValue());

    // The original-space parameters give the same predictions with no standardization at all.
    TestData.Table table = TestData.csv("diabetes");
    double m = root.get("intercept").doubleValue();
    for (int j = 0; j < model.features(); j++) {
      m += root.get("coef").get(j).doubleValue() * table.x()[0][j];
    }
    assertEquals(model.margin(table.x()[0]), m, 1e-12 * Math.abs(m));
  }

  @Test
  void logisticLabelsAreWritten() throws IOException {
    LinearModel model = LinearModel.of(Loss.LOGISTIC, List.of("a"), "y",
        new BinaryLabels("ham", "spam"), Standardization.identity(1), new double[] {0, 1});
    JsonNode labels = JSON.readTree(new ModelFile(model, null).toJson()).get("labels");
    assertEquals("ham", labels.get("negative").textValue());
    assertEquals("spam", labels.get("positive").textValue());
  }

  @Test
  void aLogisticModelWithoutLabelsIsWrittenWithTheClassesItPredicts() throws IOException {
    LinearModel model = LinearModel.of(Loss.LOGISTIC, List.of("a"), "y", null,
        Standardization.identity(1), new double[] {0, 1});
    assertEquals("1", model.label(1));
    ModelFile back = ModelFile.parse(new ModelFile(model, null).toJson(), "m.json");
    assertEquals(BinaryLabels.zeroOne(), back.model().labels().orElseThrow());
    assertEquals("1", back.model().label(1));
    assertArrayEquals(model.theta(), back.model().theta(), 0);
  }

  // ---- atomic writing ----

  private List<String> listing(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writingLeavesNoTemporaryFileAndReplacesAnExistingOne() throws IOException {
    Path path = dir.resolve("model.json");
    Files.writeString(path, "old");
    ModelFile file = new ModelFile(awkwardModel(Loss.LINEAR, null, 3), info(1e-7));
    file.write(path);
    assertEquals(List.of("model.json"), listing(dir));
    assertEquals(file.toJson(), Files.readString(path));
    file.write(path);
    assertEquals(List.of("model.json"), listing(dir));
  }

  @Test
  void aFailedMoveLeavesTheDestinationAndNoTemporaryFile() throws IOException {
    // The destination is a non-empty directory: the rename fails after the content was written.
    Path path = dir.resolve("model.json");
    Files.createDirectory(path);
    Files.writeString(path.resolve("keep.txt"), "keep");
    ModelFile file = new ModelFile(awkwardModel(Loss.LINEAR, null, 3), null);
    assertThrows(IOException.class, () -> file.write(path));
    assertEquals(List.of("model.json"), listing(dir));
    assertEquals("keep", Files.readString(path.resolve("keep.txt")));
  }

  @Test
  void writingIntoAMissingDirectoryFailsCleanly() {
    Path path = dir.resolve("no-such-dir").resolve("model.json");
    ModelFile file = new ModelFile(awkwardModel(Loss.LINEAR, null, 3), null);
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> file.write(path));
    assertEquals(path.toString(), e.getFile());
  }

  @Test
  void writingIntoAReadOnlyDirectoryFailsAndLeavesItUntouched() throws IOException {
    Path ro = dir.resolve("ro");
    Files.createDirectory(ro);
    Path path = ro.resolve("model.json");
    Files.writeString(path, "old");
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      // root ignores permissions, so only a non-root user can see this failure.
      assumeTrue(!Files.isWritable(ro), "the directory is writable anyway (running as root?)");
      ModelFile file = new ModelFile(awkwardModel(Loss.LINEAR, null, 3), null);
      assertThrows(AccessDeniedException.class, () -> file.write(path));
      assertEquals(List.of("model.json"), listing(ro));
      assertEquals("old", Files.readString(path));
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  // ---- reading bad files ----

  private static String validJson() {
    return new ModelFile(LinearModel.of(Loss.LOGISTIC, List.of("a", "b"), "y",
        BinaryLabels.zeroOne(), new Standardization(new double[] {1, 10}, new double[] {2, 5}),
        new double[] {0.5, 2, -1}), info(1e-7)).toJson();
  }

  /**
   * The valid file with one edit applied to its tree and the checksum recomputed, as a tool that
   * knows the format could write it: what the checks after the checksum see.
   */
  private static String edited(Consumer<ObjectNode> edit) {
    return sealed(tampered(edit));
  }

  /** The valid file with one edit applied to its tree, the checksum left as it was. */
  private static String tampered(Consumer<ObjectNode> edit) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(validJson());
      edit.accept(root);
      return JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The text with its checksum replaced by the one of its content, the rest of the text kept as
   * it is (it may hold numbers that a tree cannot write back, such as 1e999).
   */
  static String sealed(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      String sum = ModelChecksum.of(root, ModelFile.CHECKSUM);
      String resealed = json.replaceFirst("\"checksum\": ?\"sha256:[0-9a-f]{64}\"",
          "\"checksum\": \"" + sum + "\"");
      assertTrue(!resealed.equals(json) || json.contains(sum), "no checksum to replace: " + json);
      return resealed;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final String CHANGED = "m.json: the file was changed after Descent wrote it (its"
      + " checksum does not match its content), so its predictions cannot be trusted; use the"
      + " file as written or train the model again";

  private static void assertRejected(String json, String message) {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelFile.parse(json, "m.json"));
    assertEquals(message, e.getMessage());
  }

  @Test
  void anOptimizerWithoutANameIsOneCleanLine() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.parse(
        edited(r -> ((ObjectNode) r.get("training")).putObject("optimizer").put("memory", 10)),
        "m.json"));
    assertTrue(e.getMessage().contains("\"training.optimizer.name\" must be a string, got"
        + " nothing"), e.getMessage());
  }

  @Test
  void theValidFileParses() {
    assertEquals(2, ModelFile.parse(validJson(), "m.json").model().features());
  }

  @Test
  void truncatedJsonIsOneCleanLineWithTheParsersPosition() throws IOException {
    Path path = dir.resolve("cut.json");
    String json = validJson();
    // Cut inside the standardization's arrays, as in the audit (line 19 of a written file).
    int cut = json.indexOf("\"scale\"") + 14;
    Files.writeString(path, json.substring(0, cut));
    int lines = (int) json.substring(0, cut).lines().count();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(path));
    String m = e.getMessage();
    assertTrue(m.startsWith(path + ":" + lines + ":"), m);
    assertTrue(m.matches(java.util.regex.Pattern.quote(path.toString()) + ":\\d+:\\d+: the model"
        + " file is truncated or not valid JSON \\(Unexpected end-of-input: expected close marker"
        + " for Array \\(start marker at line \\d+, column \\d+\\)\\)"), m);
    assertNoParserInternals(m);

    // Every prefix: the same form, never the parser's internals.
    for (int n = 1; n < json.strip().length(); n++) {
      String prefix = json.substring(0, n);
      if (prefix.isBlank()) {
        continue;
      }
      ModelFormatException p = assertThrows(ModelFormatException.class,
          () -> ModelFile.parse(prefix, "m.json"));
      assertTrue(p.getMessage().matches("m\\.json:\\d+:\\d+: the model file is truncated or not"
          + " valid JSON \\(.+\\)"), p.getMessage());
      assertNoParserInternals(p.getMessage());
    }
  }

  @Test
  void otherSyntaxErrorsLoseTheParsersAdviceToo() {
    assertRejected(validJson().replaceFirst("\"standardizedIntercept\": 0.5",
        "\"standardizedIntercept\": NaN"), "m.json:" + lineOf("standardizedIntercept")
        + ":31: the model file is truncated or not valid JSON (Non-standard token 'NaN')");
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelFile.parse(validJson().replaceFirst("\"seed\": 42",
            "\"seed\": " + "9".repeat(1200)), "m.json"));
    assertTrue(e.getMessage().matches("m\\.json:\\d+:\\d+: the model file is truncated or not"
        + " valid JSON \\(Number value length \\(1200\\) exceeds the maximum allowed \\(1000\\)\\)"),
        e.getMessage());
    assertRejected("{\"a\": 1, // hand-written\n}", "m.json:1:10: the model file is truncated"
        + " or not valid JSON (Unexpected character ('/' (code 47)): maybe a (non-standard)"
        + " comment?)");
    assertRejected("{\"a\": +1}", "m.json:1:8: the model file is truncated or not valid JSON"
        + " (Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow"
        + " numbers to have plus signs)");
    assertRejected("{\"a\": 1}\u001e", "m.json:1:10: the model file is truncated or not valid"
        + " JSON (Illegal character ((CTRL-CHAR, code 30)): only regular white space (\\r, \\n,"
        + " \\t) is allowed between tokens)");
    e = assertThrows(ModelFormatException.class,
        () -> ModelFile.parse("[".repeat(1500) + "]".repeat(1500), "m.json"));
    assertTrue(e.getMessage().startsWith("m.json:1:1002: the model file is truncated or not valid"
        + " JSON (Document nesting depth (1001) exceeds the maximum allowed (1000)"),
        e.getMessage());
    assertNoParserInternals(e.getMessage());
  }

  private static int lineOf(String field) {
    List<String> lines = validJson().lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"" + field + "\"")) {
        return i + 1;
      }
    }
    throw new AssertionError(field);
  }

  static void assertNoParserInternals(String message) {
    // Not a backtick as such: the parser quotes the file's own characters.
    for (String internal : List.of("Source:", "REDACTED", "Feature", "StreamReadConstraints",
        "\n")) {
      assertFalse(message.contains(internal), "\"" + internal + "\" in " + message);
    }
  }

  @Test
  void notAModelFileIsRejected() {
    assertRejected("", "m.json: expected a JSON object, found nothing");
    assertRejected("[1, 2]", "m.json: expected a JSON object, found an array");
    assertRejected("{\"a\": 1}", "m.json: missing field \"format\" (not a Descent model file?)");
    assertRejected(edited(r -> r.put("format", "onnx")),
        "m.json: field \"format\" is \"onnx\", expected \"descent-model\"");
    String json = validJson();
    int lines = json.split("\n").length;
    assertRejected(json + "{}", "m.json:" + (lines + 1)
        + ":1: the model file is not valid JSON (more content after the end of the object)");
  }

  @Test
  void aFutureVersionIsRejectedClearly() throws IOException {
    Path path = dir.resolve("future.json");
    Files.writeString(path, edited(r -> r.put("formatVersion", 4)));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(path));
    assertEquals("model file " + path + " has format version 4; this Descent reads versions 2 and 3",
        e.getMessage());
    // Whatever else it holds: a later version is refused by its number, before its checksum.
    Files.writeString(path, "{\"format\": \"descent-model\", \"formatVersion\": 4}");
    e = assertThrows(ModelFormatException.class, () -> ModelFile.read(path));
    assertEquals("model file " + path + " has format version 4; this Descent reads versions 2 and 3",
        e.getMessage());
    // Beyond a long it is still a version number, and still from the future.
    Files.writeString(path, validJson().replaceFirst("\"formatVersion\": 2",
        "\"formatVersion\": 99999999999999999999"));
    e = assertThrows(ModelFormatException.class, () -> ModelFile.read(path));
    assertEquals("model file " + path + " has format version 99999999999999999999; this Descent"
        + " reads versions 2 and 3", e.getMessage());
    assertRejected(validJson().replaceFirst("\"formatVersion\": 2",
        "\"formatVersion\": -99999999999999999999"),
        "m.json: field \"formatVersion\" is -99999999999999999999, expected 2 or 3");
    assertRejected(edited(r -> r.put("formatVersion", 2.5)),
        "m.json: field \"formatVersion\" must be an integer, got 2.5");
    assertRejected(edited(r -> r.put("formatVersion", 0)),
        "m.json: field \"formatVersion\" is 0, expected 2 or 3");
    assertRejected(edited(r -> r.put("formatVersion", "1")),
        "m.json: field \"formatVersion\" must be an integer, got \"1\"");
    assertRejected(edited(r -> r.remove("formatVersion")),
        "m.json: missing field \"formatVersion\"");
  }

  @Test
  void aVersionOneFileIsRefusedSinceItHasNoChecksum() {
    // A file as Descent wrote version 1: the same fields, no checksum.
    String v1 = tampered(r -> {
      r.put("formatVersion", 1);
      r.remove("checksum");
    });
    assertRejected(v1, "model file m.json has format version 1, which has no checksum, so an"
        + " edit to it cannot be detected; this Descent reads versions 2 and 3: train the model again");
  }

  @Test
  void missingFieldsAreNamed() {
    assertRejected(edited(r -> r.remove("labels")), "m.json: missing field \"labels\": a logistic"
        + " model names its negative and positive labels");
    for (String field : List.of("loss", "target", "features", "standardization", "intercept",
        "coef", "standardizedIntercept", "standardizedCoef")) {
      assertRejected(edited(r -> r.remove(field)), "m.json: missing field \"" + field + "\"");
    }
    assertRejected(edited(r -> ((ObjectNode) r.get("standardization")).remove("scale")),
        "m.json: missing field \"standardization.scale\"");
    assertRejected(edited(r -> ((ObjectNode) r.get("training")).remove("seed")),
        "m.json: missing field \"training.seed\"");
    assertRejected(edited(r -> ((ObjectNode) r.get("labels")).remove("positive")),
        "m.json: missing field \"labels.positive\"");
    // Optional: training, hyperparameters, and labels of a linear model.
    ModelFile.parse(edited(r -> r.remove("training")), "m.json");
    ModelFile.parse(edited(r -> ((ObjectNode) r.get("training")).remove("hyperparameters")),
        "m.json");
    ModelFile.parse(edited(r -> {
      r.put("loss", "linear");
      r.remove("labels");
    }), "m.json");
  }

  @Test
  void nonFiniteNumbersAreRejected() {
    String json = validJson();
    String coef = JSON.valueToTree(List.of(1.0, -0.2)).toString();
    assertTrue(json.replace(" ", "").contains("\"coef\":" + coef), json);
    String huge = sealed(json.replaceFirst("\"coef\": \\[ 1.0, ", "\"coef\": [ 1e999, "));
    assertRejected(huge, "m.json: field \"coef[0]\" must be a finite number, got Infinity");
    assertRejected(edited(r -> ((ArrayNode) r.get("standardizedCoef")).set(1, (JsonNode) null)),
        "m.json: field \"standardizedCoef[1]\" must be a finite number, got null");
    assertRejected(edited(r -> ((ArrayNode) r.get("standardization").get("mean")).set(0, "NaN")),
        "m.json: field \"standardization.mean[0]\" must be a finite number, got \"NaN\"");
    assertRejected(edited(r -> r.putNull("standardizedIntercept")),
        "m.json: field \"standardizedIntercept\" must be a finite number, got null");
    assertRejected(sealed(json.replaceFirst("\"l2\": 0.01", "\"l2\": -1e400")),
        "m.json: field \"training.l2\" must be a finite number, got -Infinity");
    // NaN is not JSON at all.
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.parse(
        json.replaceFirst("\"standardizedIntercept\": 0.5", "\"standardizedIntercept\": NaN"),
        "m.json"));
    assertTrue(e.getMessage().startsWith("m.json:" + lineOf("standardizedIntercept") + ":31: the"
        + " model file is truncated or not valid JSON (Non-standard token 'NaN')"), e.getMessage());
  }

  @Test
  void mismatchedLengthsAreRejected() {
    assertRejected(edited(r -> ((ArrayNode) r.get("standardization").get("scale")).remove(1)),
        "m.json: field \"standardization.scale\" has 1 number but there are 2 features");
    assertRejected(edited(r -> ((ArrayNode) r.get("standardizedCoef")).add(3.0)),
        "m.json: field \"standardizedCoef\" has 3 numbers but there are 2 features");
    assertRejected(edited(r -> ((ArrayNode) r.get("features")).remove(1)),
        "m.json: field \"standardization.mean\" has 2 numbers but there is 1 feature");
    assertRejected(edited(r -> ((ArrayNode) r.get("coef")).removeAll()),
        "m.json: field \"coef\" has 0 numbers but there are 2 features");
  }

  @Test
  void wrongValuesAreRejected() {
    assertRejected(edited(r -> r.put("loss", "poisson")),
        "m.json: field \"loss\" must be \"linear\", \"logistic\" or \"multinomial\","
            + " got \"poisson\"");
    assertRejected(edited(r -> r.put("loss", "linear")),
        "m.json: field \"labels\" must be null for a linear model");
    // A logistic model names its classes: without them it would print 0/1 for yes/no.
    assertRejected(edited(r -> r.putNull("labels")),
        "m.json: field \"labels\" must be an object, got null");
    assertRejected(edited(r -> ((ObjectNode) r.get("labels")).put("positive", "0")),
        "m.json: field \"labels\": negative and positive are both \"0\"");
    assertRejected(edited(r -> ((ArrayNode) r.get("standardization").get("scale")).set(0, 0.0)),
        "m.json: field \"standardization.scale[0]\" must be > 0, got 0.0");
    assertRejected(edited(r -> ((ArrayNode) r.get("features")).set(1, "a")),
        "m.json: feature name \"a\" appears twice");
    // Columns are matched by name: a blank one would only fail at prediction, without the file.
    assertRejected(edited(r -> ((ArrayNode) r.get("features")).set(1, "")),
        "m.json: field \"features[1]\" must be a column name, got \"\"");
    assertRejected(edited(r -> r.put("target", " \t")),
        "m.json: field \"target\" must be a column name, got \" \\t\"");
    assertRejected(edited(r -> ((ArrayNode) r.get("features")).set(1, 7)),
        "m.json: field \"features[1]\" must be a string, got 7");
    assertRejected(edited(r -> r.put("target", 3)),
        "m.json: field \"target\" must be a string, got 3");
    assertRejected(edited(r -> ((ObjectNode) r.get("training")).put("iterations", 2.5)),
        "m.json: field \"training.iterations\" must be an integer, got 2.5");
    // A whole number written as a floating-point one (as a JSON tool may write integers) is
    // the integer: the checksum takes them as one value, so the file stays valid.
    String floats = validJson().replaceFirst("\"seed\": 42", "\"seed\": 4.2E1")
        .replaceFirst("\"formatVersion\": 2", "\"formatVersion\": 2.0");
    ModelFile reread = ModelFile.parse(floats, "m.json");
    assertEquals(42, reread.training().seed());
    assertEquals(ModelFile.parse(validJson(), "m.json").model().theta()[1],
        reread.model().theta()[1]);
    assertRejected(sealed(validJson().replaceFirst("\"seed\": 42", "\"seed\": 1e30")),
        "m.json: field \"training.seed\" must be an integer from -9223372036854775808 to"
            + " 9223372036854775807, got 1.0E30");
    assertRejected(sealed(validJson().replaceFirst("\"seed\": 42",
        "\"seed\": 9223372036854775808")),
        "m.json: field \"training.seed\" must be an integer from -9223372036854775808 to"
            + " 9223372036854775807, got 9223372036854775808");
    assertRejected(edited(r -> ((ObjectNode) r.get("training")).put("iterations", -1)),
        "m.json: field \"training\": iterations must be >= 0, got -1");
    assertRejected(edited(r -> ((ObjectNode) r.get("training")).put("standardized", "yes")),
        "m.json: field \"training.standardized\" must be true or false, got \"yes\"");
    assertRejected(edited(r -> ((ObjectNode) r.get("training").get("hyperparameters"))
        .putArray("momentum")),
        "m.json: field \"training.hyperparameters.momentum\" must be a string, boolean or number,"
            + " got an array");
    assertRejected(validJson().replaceFirst("\"loss\"", "\"target\": \"z\", \"loss\""),
        "m.json:5:11: the model file is truncated or not valid JSON (Duplicate field 'target')");
  }

  @Test
  void originalSpaceParametersMustAgreeWithTheStandardizedOnes() {
    assertRejected(edited(r -> ((ArrayNode) r.get("coef")).set(1, 0.5)),
        "m.json: field \"coef[1]\" is 0.5 but standardizedCoef and standardization give -0.2");
    assertRejected(edited(r -> r.put("intercept", 1.6)),
        "m.json: field \"intercept\" is 1.6 but standardizedIntercept, standardizedCoef and"
            + " standardization give 1.5");
    // Within 1e-9 relative is fine (another writer may round differently).
    ModelFile.parse(edited(r -> ((ArrayNode) r.get("coef")).set(1, -0.2 * (1 + 1e-12))),
        "m.json");
  }

  // ---- the checksum ----

  /** The audit's edits: each changes predictions, and each is refused as a changed file. */
  @Test
  void editsThatWouldChangePredictionsAreRefused() {
    // Negative "yes", positive "no": every class and accuracy inverted.
    assertRejected(tampered(r -> {
      ObjectNode labels = (ObjectNode) r.get("labels");
      labels.put("negative", "1");
      labels.put("positive", "0");
    }), CHANGED);
    // No labels: classes printed as 0/1 instead of the model's labels.
    assertRejected(tampered(r -> r.putNull("labels")), CHANGED);
    // A weight edited with its standardized twin and the intercept: consistent, but not trained.
    String weight = tampered(r -> {
      // standardizedCoef[0] 2 -> 4 on mean 1, scale 2: coef[0] 1 -> 2, intercept 1.5 -> 0.5.
      ((ArrayNode) r.get("standardizedCoef")).set(0, 4.0);
      ((ArrayNode) r.get("coef")).set(0, 2.0);
      r.put("intercept", 0.5);
    });
    assertRejected(weight, CHANGED);
    // It is refused only for the checksum: sealed again, the same edit reads.
    assertEquals(4.0, ModelFile.parse(sealed(weight), "m.json").model().standardizedCoef()[0]);
  }

  /** Every value in the file, changed alone, is detected: no field is outside the checksum. */
  @Test
  void changingAnyOneValueIsDetected() throws IOException {
    JsonNode valid = JSON.readTree(validJson());
    List<String> paths = new ArrayList<>();
    leaves(valid, "", paths);
    int changed = 0;
    for (String path : paths) {
      if (path.equals("/checksum")) {
        continue;
      }
      ObjectNode root = (ObjectNode) valid.deepCopy();
      JsonNode leaf = root.at(path);
      JsonNode replacement;
      if (leaf.isTextual()) {
        replacement = JSON.getNodeFactory().textNode(leaf.textValue() + "x");
      } else if (leaf.isBoolean()) {
        replacement = JSON.getNodeFactory().booleanNode(!leaf.booleanValue());
      } else if (leaf.isIntegralNumber()) {
        replacement = JSON.getNodeFactory().numberNode(leaf.longValue() + 1);
      } else if (leaf.isNumber()) {
        // The smallest change a double can make.
        replacement = JSON.getNodeFactory().numberNode(Math.nextUp(leaf.doubleValue()));
      } else {
        replacement = JSON.getNodeFactory().numberNode(0);
      }
      int cut = path.lastIndexOf('/');
      JsonNode parent = root.at(path.substring(0, cut));
      String key = path.substring(cut + 1);
      if (parent instanceof ArrayNode a) {
        a.set(Integer.parseInt(key), replacement);
      } else {
        ((ObjectNode) parent).set(key, replacement);
      }
      ModelFormatException e = assertThrows(ModelFormatException.class,
          () -> ModelFile.parse(JSON.writeValueAsString(root), "m.json"), path);
      if (!path.startsWith("/format")) {
        // format and formatVersion are checked first: a later version may checksum otherwise.
        assertEquals(CHANGED, e.getMessage(), path);
      }
      changed++;
    }
    assertTrue(changed >= 36, "values changed: " + changed);
  }

  private static void leaves(JsonNode node, String path, List<String> out) {
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(k -> leaves(node.get(k), path + "/" + k, out));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        leaves(node.get(i), path + "/" + i, out);
      }
    } else {
      out.add(path);
    }
  }

  /** A JSON tool may re-indent, reorder and re-spell the file: it still reads, unchanged. */
  @Test
  void reformattingKeepsTheChecksumValid() throws IOException {
    ModelFile original = ModelFile.parse(validJson(), "m.json");
    // Compact, one line.
    String compact = JSON.writeValueAsString(JSON.readTree(validJson()));
    assertEquals(original, ModelFile.parse(compact, "m.json"));
    // Fields in reverse order, at every level.
    String reversed = JSON.writeValueAsString(reversed(JSON.readTree(validJson())));
    assertTrue(reversed.startsWith("{\"checksum\""), reversed);
    assertEquals(original, ModelFile.parse(reversed, "m.json"));
    // Numbers spelled otherwise with the same value; a string with escapes.
    String respelled = validJson().replaceFirst("\"standardizedIntercept\": 0.5",
        "\"standardizedIntercept\": 5.0E-1").replaceFirst("\"seed\": 42", "\"seed\": 42")
        .replaceFirst("\"l2\": 0.01", "\"l2\": 0.010000000000000000208")
        .replace("\"target\": \"y\"", "\"target\": \"\\u0079\"");
    assertTrue(respelled.contains("5.0E-1") && respelled.contains("\\u0079"), respelled);
    assertEquals(original, ModelFile.parse(respelled, "m.json"));
    // A different value is not a different spelling.
    assertRejected(validJson().replaceFirst("\"l2\": 0.01", "\"l2\": 0.0100000000000001"),
        CHANGED);
  }

  private static JsonNode reversed(JsonNode node) {
    if (node.isObject()) {
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      ObjectNode out = JSON.createObjectNode();
      for (int i = keys.size() - 1; i >= 0; i--) {
        out.set(keys.get(i), reversed(node.get(keys.get(i))));
      }
      return out;
    }
    return node;
  }

  @Test
  void aMissingOrMalformedChecksumIsRefused() {
    assertRejected(tampered(r -> r.remove("checksum")), "m.json: missing field \"checksum\": the"
        + " file was not written by Descent, so its predictions cannot be trusted");
    assertRejected(tampered(r -> r.putNull("checksum")), "m.json: missing field \"checksum\": the"
        + " file was not written by Descent, so its predictions cannot be trusted");
    assertRejected(tampered(r -> r.put("checksum", "md5:abc")), "m.json: field \"checksum\" must"
        + " be \"sha256:\" and 64 hex digits, got \"md5:abc\"");
    String upper = tampered(r -> r.put("checksum", r.get("checksum").textValue().toUpperCase()
        .replace("SHA256", "sha256")));
    assertRejected(upper, "m.json: field \"checksum\" must be \"sha256:\" and 64 hex digits, got "
        + "\"sha256:" + JSON_CHECKSUM_HEAD.apply(upper) + "...\"");
    // A checksum of another valid file.
    String other = new ModelFile(awkwardModel(Loss.LINEAR, null, 1), null).toJson();
    String foreign = tampered(r -> {
      try {
        r.put("checksum", JSON.readTree(other).get("checksum").textValue());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    assertRejected(foreign, CHANGED);
  }

  private static final java.util.function.Function<String, String> JSON_CHECKSUM_HEAD = json -> {
    try {
      return JSON.readTree(json).get("checksum").textValue().substring(7, 40);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  };

  /**
   * The canonical text is the documented one, checked against a SHA-256 computed elsewhere
   * (Python's hashlib) of the text written out by hand: files written by this build stay
   * readable by later ones only while this holds.
   */
  @Test
  void theCanonicalTextIsTheDocumentedOne() throws IOException {
    JsonNode tree = JSON.readTree("{\"checksum\": \"x\", \"b\": [1.0, -0.0, 0.1, 2, 1e2, null,"
        + " true], \"a\": \"\\u00e9\\n\\\"\", \"c\": {\"z\": false, \"checksum\": 1}}");
    // {"a":"\u00e9\n\"","b":[1,-0,0.1000000000000000055511151231257827021181583404541015625,2,
    // 1E+2,null,true],"c":{"checksum":1,"z":false}} in UTF-8 (the e-acute as two bytes).
    assertEquals("sha256:" + CANONICAL_SHA256, ModelChecksum.of(tree, "checksum"));
  }

  private static final String CANONICAL_SHA256 = "841d0cc5e5eb57f5a3ea2428ac4d60693b559bc5a78b7eaa42b4b13593a1705e";

  @Test
  void controlCharactersInTheFileAreEscapedToKeepTheMessageOneLine() {
    assertRejected(edited(r -> r.put("format", "a\u0000b\nc\u2028d")),
        "m.json: field \"format\" is \"a\\u0000b\\nc\\u2028d\", expected \"descent-model\"");
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelFile.parse("y\b", "m.json"));
    assertTrue(e.getMessage().startsWith("m.json:1:1: the model file is truncated or not valid"
        + " JSON (Unrecognized token 'y\\u0008'"), e.getMessage());
    assertRejected(edited(r -> r.put("loss", "\uFEFFlinear\u00a0")),
        "m.json: field \"loss\" must be \"linear\", \"logistic\" or \"multinomial\","
            + " got \"\\ufefflinear\\u00a0\"");
    // A long string is cut between characters, not inside a surrogate pair.
    assertRejected(edited(r -> r.put("formatVersion", "x".repeat(39) + "\uD83D\uDE00")),
        "m.json: field \"formatVersion\" must be an integer, got \"" + "x".repeat(39) + "...\"");
  }

  @Test
  void unknownFieldsAreIgnoredButCoveredByTheChecksum() {
    ModelFile.parse(edited(r -> r.put("comment", "tuned by hand")), "m.json");
    assertRejected(tampered(r -> r.put("comment", "tuned by hand")), CHANGED);
  }
}
