package io.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.data.ClassLabels;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import io.descent.model.Metrics;
import io.descent.model.ModelFile;
import io.descent.model.ModelFormatException;
import io.descent.model.MulticlassMetrics;
import io.descent.model.PredictionWriter;
import io.descent.train.FitResult;
import io.descent.train.OneVsRest;
import io.descent.train.TrainingListener;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * One-vs-rest through the library: {@link Descent#oneVsRest()}, each class's column against a
 * binary fit of {@code y == c}, the normalized probabilities, the metrics, and the model file
 * (round trip and refusals).
 */
class OneVsRestLibraryTest {
  private static final Path DATASETS = Path.of(System.getProperty("descent.datasets",
      "datasets"));
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Dataset iris() throws Exception {
    return new CsvReader(CsvReader.Options.classTarget("species"))
        .read(DATASETS.resolve("iris.csv"));
  }

  private static OneVsRest irisFit() throws Exception {
    return Descent.logistic().oneVsRest().l2(0.01).backend("reference")
        .trainOneVsRest(iris(), null);
  }

  @Test
  void eachClassIsTheBinaryModelOfThatClassAgainstTheRest() throws Exception {
    Dataset iris = iris();
    OneVsRest fit = irisFit();
    LinearModel model = fit.model();
    assertTrue(model.isOneVsRest());
    assertTrue(model.isMulticlass());
    assertEquals(Loss.LOGISTIC, model.loss());
    assertEquals(List.of("0", "1", "2"), model.classes().orElseThrow().labels());
    assertTrue(fit.converged());
    double[][] b = model.standardizedCoefficients();
    double[] b0 = model.standardizedIntercepts();
    double[] intercepts = model.intercepts();
    double[][] coef = model.coefficients();
    for (int c = 0; c < 3; c++) {
      double[] y = new double[iris.rows()];
      for (int i = 0; i < y.length; i++) {
        y[i] = iris.y()[i] == c ? 1 : 0;
      }
      Dataset binary = new Dataset(iris.source(), iris.featureNames(), "is" + c, iris.x(), y,
          null);
      FitResult alone = Descent.logistic().l2(0.01).backend("reference").train(binary,
          TrainingListener.NONE);
      double[] expected = alone.model().theta();
      double scale = 0;
      for (double v : expected) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertEquals(expected[0], b0[c], 1e-6 * scale, "class " + c + " intercept");
      assertArrayEquals(java.util.Arrays.copyOfRange(expected, 1, expected.length), b[c],
          1e-6 * scale, "class " + c);
      assertEquals(alone.model().intercept(), intercepts[c], 1e-5 * scale);
      assertArrayEquals(alone.model().coef(), coef[c], 1e-5 * scale);
      assertEquals(alone.objective(), fit.fit().models().get(c).objective(), 1e-10);
    }
    // Not centered: each column is a model of its own.
    assertTrue(Math.abs(b0[0] + b0[1] + b0[2]) > 1);
  }

  @Test
  void probabilitiesAreTheSigmoidsNormalizedAndTheClassTheLargestMargin() throws Exception {
    Dataset iris = iris();
    LinearModel model = irisFit().model();
    double[][] p = model.predictProbabilities(iris);
    double[] m = model.classMargins(iris);
    int[] cls = model.classify(iris);
    double[] predicted = model.predict(iris);
    for (int i = 0; i < iris.rows(); i++) {
      double total = 0;
      double sigmoids = 0;
      for (int k = 0; k < 3; k++) {
        sigmoids += Loss.sigmoid(m[i * 3 + k]);
      }
      int best = 0;
      for (int k = 0; k < 3; k++) {
        total += p[i][k];
        assertEquals(Loss.sigmoid(m[i * 3 + k]) / sigmoids, p[i][k], 1e-15);
        if (m[i * 3 + k] > m[i * 3 + best]) {
          best = k;
        }
      }
      assertEquals(1, total, 1e-15);
      assertEquals(best, cls[i]);
      assertEquals(best, predicted[i]);
      double[] row = new double[iris.features()];
      for (int j = 0; j < row.length; j++) {
        row[j] = iris.x()[i * row.length + j];
      }
      assertArrayEquals(p[i], model.predictProbabilities(row), 1e-15);
      assertEquals(best, model.predict(row));
    }
    MulticlassMetrics metrics = Metrics.multiclass(model, iris);
    double loss = 0;
    int right = 0;
    for (int i = 0; i < iris.rows(); i++) {
      loss -= Math.log(p[i][(int) iris.y()[i]]);
      right += cls[i] == iris.y()[i] ? 1 : 0;
    }
    assertEquals(loss / iris.rows(), metrics.meanLogLoss(), 1e-12);
    assertEquals((double) right / iris.rows(), metrics.accuracy(), 0);
    assertTrue(metrics.accuracy() >= 0.9, "" + metrics.accuracy());
    // The writer's columns are the same probabilities.
    StringWriter out = new StringWriter();
    PredictionWriter.write(out, model, iris);
    List<String> lines = out.toString().lines().toList();
    assertEquals("probability_0,probability_1,probability_2,class", lines.get(0));
    String[] first = lines.get(1).split(",");
    assertEquals(p[0][0], Double.parseDouble(first[0]), 0);
    assertEquals(String.valueOf(cls[0]), first[3]);
  }

  @Test
  void sigmoidsThatAllUnderflowStillNormalize() {
    // Margins of -800, -801 and -1000: every sigmoid is 0 in float64, their ratios are not.
    double[] theta = {-800, 0, -801, 0, -1000, 0};
    LinearModel model = LinearModel.oneVsRest(List.of("x"), "t",
        new ClassLabels(List.of("a", "b", "c")), Standardization.identity(1), theta);
    double[] p = model.predictProbabilities(new double[] {0});
    double e = Math.exp(-1);
    assertEquals(1 / (1 + e), p[0], 1e-15);
    assertEquals(e / (1 + e), p[1], 1e-15);
    assertEquals(0, p[2], 1e-80);
    assertEquals(0, model.predict(new double[] {0}));
  }

  @Test
  void twoClassesAreTwoMirroredModelsThatPredictAsTheBinaryModel() throws Exception {
    Dataset iris = iris();
    double[] y = iris.y().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.min(y[i], 1);
    }
    Dataset two = new Dataset("two", iris.featureNames(), "t", iris.x(), y, null);
    LinearModel model = Descent.logistic().oneVsRest().l2(0.01).backend("reference").fit(two);
    assertEquals(2, model.classCount());
    double[] b0 = model.standardizedIntercepts();
    assertEquals(-b0[0], b0[1], 1e-6 * Math.abs(b0[0]));
    LinearModel binary = Descent.logistic().l2(0.01).backend("reference").fit(two);
    double[] p1 = binary.predictProbability(two);
    double[][] p = model.predictProbabilities(two);
    for (int i = 0; i < p1.length; i++) {
      assertEquals(p1[i], p[i][1], 1e-6);
    }
  }

  @Test
  void textLabelsThroughTheArraysFit() {
    double[][] x = {{0}, {0.2}, {1}, {1.3}, {2}, {2.1}, {0.1}, {1.1}, {2.2}};
    String[] labels = {"lo", "lo", "mid", "mid", "hi", "hi", "lo", "mid", "hi"};
    LinearModel model = Descent.logistic().oneVsRest().l2(0.1).backend("reference")
        .fit(x, labels);
    assertEquals(List.of("hi", "lo", "mid"), model.classes().orElseThrow().labels());
    assertEquals("lo", model.label((int) model.predict(new double[] {0})));
    assertEquals("hi", model.label((int) model.predict(new double[] {2.2})));
  }

  @Test
  void settingsThatDoNotApplyAreRefused() throws Exception {
    Dataset iris = iris();
    assertThrows(IllegalStateException.class, () -> Descent.linear().oneVsRest());
    IllegalStateException multinomial = assertThrows(IllegalStateException.class,
        () -> Descent.multinomial().oneVsRest());
    assertTrue(multinomial.getMessage().contains("multinomial() already fits every class"));
    IllegalArgumentException sgd = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().oneVsRest().optimizer("sgd").verifyEvery(3).fit(iris));
    assertTrue(sgd.getMessage().contains("mini-batch"), sgd.getMessage());
    IllegalArgumentException validation = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().oneVsRest().validationFraction(1.5).fit(iris));
    assertTrue(validation.getMessage().contains("1.5"), validation.getMessage());
    assertThrows(IllegalStateException.class, () -> Descent.logistic().oneVsRest()
        .train(iris, TrainingListener.NONE));
  }

  @Test
  void theModelFileKeepsEveryColumnAndTheClasses() throws Exception {
    OneVsRest fit = irisFit();
    LinearModel model = fit.model();
    ModelFile file = new ModelFile(model, fit.trainingInfo(Descent.logistic().l2(0.01)
        .config()));
    String json = file.toJson();
    JsonNode root = JSON.readTree(json);
    assertEquals(3, root.get("formatVersion").asInt());
    assertEquals("logistic", root.get("loss").asText());
    assertTrue(root.get("oneVsRest").asBoolean());
    assertTrue(root.get("labels").isNull());
    assertEquals(3, root.get("intercept").size());
    assertEquals(3, root.get("standardizedCoef").size());
    assertEquals("gradient_tolerance",
        root.get("training").get("hyperparameters").get("stopReason[1]").asText());
    ModelFile back = ModelFile.parse(json, "ovr.json");
    assertEquals(model, back.model());
    assertTrue(back.model().isOneVsRest());
    assertEquals(file.training(), back.training());
    assertEquals(json, back.toJson());
    // A multinomial or binary file has no oneVsRest field.
    LinearModel binary = LinearModel.of(Loss.LOGISTIC, model.featureNames(), "t", null,
        model.standardization(), new double[model.features() + 1]);
    assertFalse(JSON.readTree(new ModelFile(binary, null).toJson()).has("oneVsRest"));
  }

  private static String edited(String json, Consumer<ObjectNode> edit) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(json);
    edit.accept(root);
    root.remove("checksum");
    root.put("checksum", io.descent.model.ModelFileTestAccess.checksum(root));
    return JSON.writeValueAsString(root);
  }

  private static String refusal(String json, Consumer<ObjectNode> edit) throws Exception {
    String text = edited(json, edit);
    return assertThrows(ModelFormatException.class, () -> ModelFile.parse(text, "m.json"))
        .getMessage();
  }

  @Test
  void aFileClaimingOneVsRestWithWrongShapesOrLossIsRefused() throws Exception {
    OneVsRest fit = irisFit();
    String json = new ModelFile(fit.model(), null).toJson();
    assertEquals("m.json: field \"intercept\" has 2 entries but there are 3 classes",
        refusal(json, r -> ((ArrayNode) r.get("intercept")).remove(2)));
    assertEquals("m.json: field \"standardizedCoef[1]\" has 3 numbers but there are 4"
        + " features", refusal(json, r -> ((ArrayNode) r.get("standardizedCoef").get(1))
        .remove(0)));
    assertEquals("m.json: field \"oneVsRest\" is true but the loss is \"multinomial\": a"
        + " one-vs-rest model is C logistic models",
        refusal(json, r -> r.put("loss", "multinomial")));
    assertEquals("m.json: a one-vs-rest model needs format version 3, got 2",
        refusal(json, r -> r.put("formatVersion", 2)));
    assertEquals("m.json: field \"oneVsRest\" must be true or false, got \"yes\"",
        refusal(json, r -> r.put("oneVsRest", "yes")));
    assertTrue(refusal(json, r -> r.put("oneVsRest", false))
        .startsWith("m.json: field \"formatVersion\" is 3 but a logistic model is version 2"));
    assertEquals("m.json: field \"labels\" must be null for a one-vs-rest model (its labels are"
        + " \"classes\")", refusal(json, r -> r.putObject("labels").put("negative", "a")
        .put("positive", "b")));
    // The original-space twins must agree with the standardized parameters.
    assertTrue(refusal(json, r -> ((ArrayNode) r.get("coef").get(2)).set(0, 9.0))
        .startsWith("m.json: field \"coef[2][0]\" is 9.0 but"));
  }
}
