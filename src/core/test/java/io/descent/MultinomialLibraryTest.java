package io.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.data.ClassLabels;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.Columns;
import io.descent.gradient.Evaluation;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Softmax;
import io.descent.model.LinearModel;
import io.descent.model.Metrics;
import io.descent.model.ModelFile;
import io.descent.model.ModelFormatException;
import io.descent.model.MulticlassMetrics;
import io.descent.model.PredictionWriter;
import io.descent.train.FitResult;
import io.descent.train.StopReason;
import io.descent.train.VerificationException;
import io.descent.train.Verifier;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Multinomial regression through the library: {@link Descent#multinomial()}, the model's
 * predictions and metrics against reference.json, its model file, mini-batch optimizers, early
 * stopping and the verifier on C columns.
 */
class MultinomialLibraryTest {
  private static final Path DATASETS = Path.of(System.getProperty("descent.datasets",
      "datasets"));

  private static Dataset iris() throws Exception {
    return new CsvReader(CsvReader.Options.classTarget("species"))
        .read(DATASETS.resolve("iris.csv"));
  }

  private static JsonNode irisOptimum() throws Exception {
    return new ObjectMapper().readTree(DATASETS.resolve("reference.json").toFile())
        .get("iris").get("full").get("multinomial_l2_lambda_1e-2");
  }

  @Test
  void theModelPredictsAsTheExactOptimumDoes() throws Exception {
    Dataset iris = iris();
    JsonNode ref = irisOptimum();
    LinearModel model = Descent.multinomial().l2(0.01).backend("reference").fit(iris);
    assertEquals(3, model.classCount());
    assertEquals(List.of("0", "1", "2"), model.classes().orElseThrow().labels());
    // Original-space parameters: the reference's raw_space_intercept_coef, centered.
    JsonNode raw = ref.get("raw_space_intercept_coef");
    double[] b = model.intercepts();
    double[][] w = model.coefficients();
    for (int k = 0; k < 3; k++) {
      assertEquals(raw.get(0).get(k).asDouble(), b[k], 1e-5);
      for (int j = 0; j < 4; j++) {
        assertEquals(raw.get(1).get(k).get(j).asDouble(), w[k][j], 1e-5);
      }
    }
    double[][] p = model.predictProbabilities(iris);
    int[] cls = model.classify(iris);
    double[] m = model.classMargins(iris);
    for (int i = 0; i < iris.rows(); i++) {
      assertEquals(1, p[i][0] + p[i][1] + p[i][2], 1e-15);
      assertEquals(Softmax.argmax(m, 3 * i, 3), cls[i]);
      assertEquals(cls[i], model.predict(iris)[i]);
      double[] row = new double[4];
      for (int j = 0; j < 4; j++) {
        row[j] = iris.get(i, j);
      }
      assertArrayEquals(p[i], model.predictProbabilities(row), 1e-15);
    }
    MulticlassMetrics metrics = (MulticlassMetrics) Metrics.evaluate(model, iris);
    assertEquals(ref.get("train").get("accuracy").asDouble(), metrics.accuracy(), 1e-15);
    assertEquals(ref.get("train").get("mean_log_loss").asDouble(), metrics.meanLogLoss(),
        1e-6 * metrics.meanLogLoss());
    assertEquals(150, metrics.confusion().total());
    assertEquals(50, metrics.confusion().count(0, 0));
    // The single-column accessors say what to use instead.
    IllegalStateException e = assertThrows(IllegalStateException.class, model::intercept);
    assertTrue(e.getMessage().contains("intercepts()"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> model.predictProbability(iris));
  }

  @Test
  void theModelFileKeepsItBitForBit() throws Exception {
    Dataset iris = iris();
    FitResult r = Descent.multinomial().l2(0.01).backend("reference").train(iris, null);
    ModelFile file = new ModelFile(r.model(), r.trainingInfo());
    String json = file.toJson();
    assertTrue(json.contains("\"formatVersion\": 3"), json);
    ModelFile back = ModelFile.parse(json, "m.json");
    assertEquals(r.model(), back.model());
    assertEquals(r.model().classes(), back.model().classes());
    // A logistic or linear model is still written as version 2.
    LinearModel linear = Descent.linear().backend("reference").fit(
        new double[][] {{1}, {2}, {3}}, new double[] {1, 2, 4});
    assertTrue(new ModelFile(linear, null).toJson().contains("\"formatVersion\": 2"));
    // A multinomial model claimed as version 2 is refused (the checksum is recomputed, so the
    // version is what is wrong).
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelFile.parse(rechecksummed(json.replace("\"formatVersion\": 3",
            "\"formatVersion\": 2")), "m.json"));
    assertEquals("m.json: a multinomial model needs format version 3, got 2", e.getMessage());
    // Parameters that are not centered are refused.
    JsonNode root = new ObjectMapper().readTree(json);
    double b0 = root.get("standardizedIntercept").get(0).asDouble();
    String shifted = json.replaceFirst("\"standardizedIntercept\": \\[ [^,]*,",
        "\"standardizedIntercept\": [ " + (b0 + 1) + ",");
    e = assertThrows(ModelFormatException.class,
        () -> ModelFile.parse(rechecksummed(shifted), "m.json"));
    assertTrue(e.getMessage().startsWith("m.json: fields \"standardizedIntercept\" and"
        + " \"standardizedCoef\" must be centered over the classes: the intercepts sum to"),
        e.getMessage());
  }

  /** The text with its checksum replaced by the one of its content. */
  private static String rechecksummed(String json) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode root =
        (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(json);
    root.remove("checksum");
    java.lang.reflect.Method of = Class.forName("io.descent.model.ModelChecksum")
        .getDeclaredMethod("of", JsonNode.class, String.class);
    of.setAccessible(true);
    root.put("checksum", (String) of.invoke(null, root, "checksum"));
    return mapper.writeValueAsString(root);
  }

  @Test
  void predictionsFromTheDatasetAndFromStreamedRowsAgree() throws Exception {
    Dataset iris = iris();
    LinearModel model = Descent.multinomial().l2(0.01).backend("reference").fit(iris);
    StringWriter fromData = new StringWriter();
    PredictionWriter.write(fromData, model, iris);
    StringWriter streamed = new StringWriter();
    try (var rows = io.descent.data.CsvRows.open(DATASETS.resolve("iris.csv"), ',')) {
      PredictionWriter.write(streamed, model, rows, List.of());
    }
    assertEquals(fromData.toString(), streamed.toString());
    List<String> lines = fromData.toString().lines().toList();
    assertEquals("probability_0,probability_1,probability_2,class", lines.get(0));
    assertEquals(151, lines.size());
  }

  @Test
  void miniBatchAndEarlyStoppingWorkOnTheFlatVector() throws Exception {
    Dataset iris = iris();
    double optimum = irisOptimum().get("objective_value").asDouble();
    FitResult adam = Descent.multinomial().l2(0.01).backend("reference").optimizer("adam")
        .learningRate(0.05).maxEpochs(300).verifyEvery(7).train(iris, null);
    assertTrue(adam.objective() < optimum * 1.01, adam.objective() + " vs " + optimum);
    assertEquals(0, adam.verification());
    FitResult early = Descent.multinomial().l2(0.01).backend("reference")
        .validationFraction(0.2).patience(3).train(iris, null);
    assertEquals(30, early.validationRows().length);
    assertEquals(120, early.trainingRows());
    assertTrue(early.history().stream().allMatch(h -> Double.isFinite(h.validationLoss())));
  }

  @Test
  void anInterruptedFitKeepsAModelForItsCheckpoint() throws Exception {
    Descent descent = Descent.multinomial().l2(0.01).backend("reference");
    FitResult r = descent.train(iris(), new io.descent.train.TrainingListener() {
      @Override
      public void progress(io.descent.train.Progress p) {
        if (p.iteration() >= 3) {
          descent.requestStop();
        }
      }
    });
    assertEquals(StopReason.INTERRUPTED, r.stopReason(), r.message());
    ModelFile checkpoint = new ModelFile(r.model(), r.trainingInfo());
    assertEquals(r.model(), ModelFile.parse(checkpoint.toJson(), "checkpoint.json").model());
  }

  @Test
  void aRateFarTooLargeDiverges() throws Exception {
    FitResult r = Descent.multinomial().l2(0.01).backend("reference").optimizer("sgd")
        .learningRate(1e4).train(iris(), null);
    assertEquals(StopReason.DIVERGED, r.stopReason(), r.message());
  }

  @Test
  void aClassWithoutTrainingRowsIsRefused() {
    Dataset d = Dataset.ofClasses(new double[][] {{1}, {2}, {3}, {4}},
        new String[] {"a", "b", "a", "b"});
    // Recoded by three classes, "c" has no row.
    Dataset missing = d.withClassLabels(ClassLabels.of(List.of("a", "b", "c")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.multinomial().l2(0.01).backend("reference").fit(missing));
    assertEquals("arrays: no training row of target \"y\" is of class \"c\": multinomial"
        + " regression needs rows of every class", e.getMessage());
  }

  @Test
  void textLabelsFromArrays() {
    double[][] x = {{0}, {0.5}, {1}, {2}, {2.5}, {3}, {0.8}, {2.2}};
    String[] y = {"lo", "lo", "lo", "hi", "hi", "hi", "hi", "lo"};
    LinearModel model = Descent.multinomial().l2(0.1).backend("reference").fit(x, y);
    assertEquals(List.of("hi", "lo"), model.classes().orElseThrow().labels());
    assertEquals("lo", model.label((int) model.predict(new double[] {0})));
    assertEquals("hi", model.label((int) model.predict(new double[] {3})));
    // Logistic regression keeps two text labels too (the first in their order is class 0).
    LinearModel binary = Descent.logistic().l2(0.1).backend("reference").fit(x, y);
    assertEquals("hi", binary.label(0));
    assertEquals("lo", binary.label(1));
    assertThrows(IllegalStateException.class, () -> Descent.linear().fit(x, y));
  }

  @Test
  void logisticOnMoreThanTwoClassesSuggestsTheFitsThatTakeThem() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().backend("reference").fit(iris()));
    assertTrue(e.getMessage().endsWith("iris.csv: target \"species\" has 3 classes [0, 1, 2]:"
        + " logistic regression fits two classes; fit every class with multinomial(), or one"
        + " logistic model per class with oneVsRest()"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Descent.logistic()
        .backend("reference").fit(new double[][] {{1}, {2}, {3}}, new double[] {0, 1, 2}));
    assertEquals("arrays: target \"y\" has more than two values: logistic regression fits two"
        + " classes; fit every class with multinomial(), or one logistic model per class with"
        + " oneVsRest()", e.getMessage());
  }

  @Test
  void theVerifierChecksEveryColumn() throws Exception {
    Dataset iris = iris();
    Standardization s = Standardization.fit(iris);
    Columns columns = Columns.multinomial(3);
    ReferenceBackend reference = new ReferenceBackend(iris, s, columns);
    double[] w = new double[15];
    for (int j = 0; j < w.length; j++) {
      w[j] = 0.1 * (j % 7) - 0.3;
    }
    var exact = reference.evaluateColumns(w, Batch.all(150));
    Verifier verifier = new Verifier(iris, s, columns, 1e-6);
    Evaluation same = new Evaluation(exact.loss()[0], exact.gradient());
    assertEquals(0, verifier.verify(0, w, Batch.all(150), same).error());
    // A wrong entry of the last class's gradient is caught.
    double[] g = exact.gradient().clone();
    g[14] += 1e-3;
    assertThrows(VerificationException.class,
        () -> verifier.verify(1, w, Batch.all(150), new Evaluation(exact.loss()[0], g)));
  }

  @Test
  void unpenalizedSeparableDataIsRefusedThroughFit() throws Exception {
    Descent.TrainingFailedException e = assertThrows(Descent.TrainingFailedException.class,
        () -> Descent.multinomial().backend("reference").fit(iris()));
    assertEquals(StopReason.SEPARABLE, e.result().stopReason());
  }

  @Test
  void float32RowsWithIntegerClassesAndRowArraysOfClasses() throws Exception {
    float[][] x = {{1}, {2}, {3}, {4}, {5}, {6}, {1.5f}, {2.5f}, {3.5f}};
    int[] y = {0, 1, 2, 0, 1, 2, 1, 2, 0};
    double[][] xd = new double[x.length][1];
    for (int i = 0; i < x.length; i++) {
      xd[i][0] = x[i][0];
    }
    // float32 rows fit as the float64 ones do (the classes 0, 1 and 2, not binary labels).
    LinearModel fromFloats = Descent.multinomial().l2(0.1).backend("reference").fit(x, y);
    LinearModel fromDoubles = Descent.multinomial().l2(0.1).backend("reference").fit(xd, y);
    assertArrayEquals(fromDoubles.theta(), fromFloats.theta(), 0);
    LinearModel ovr = Descent.logistic().oneVsRest().l2(0.1).backend("reference").fit(x, y);
    assertEquals(3, ovr.classCount());
    // predict over rows gives each row's class, as predict(row) and predict(Dataset) do.
    for (LinearModel m : List.of(fromFloats, ovr)) {
      double[] classes = m.predict(xd);
      for (int i = 0; i < xd.length; i++) {
        assertEquals(m.predict(xd[i]), classes[i], 0, "row " + i);
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fromFloats.predict(new double[][] {{1}, {1, 2}}));
    assertTrue(e.getMessage().startsWith("row 1: "), e.getMessage());
  }

  @Test
  void aCopiedColumnMayNotTakeAPredictedColumnsName() throws Exception {
    LinearModel model = Descent.multinomial().l2(0.01).backend("reference").fit(iris());
    try (io.descent.data.CsvRows rows = io.descent.data.CsvRows.open(
        DATASETS.resolve("iris.csv"), ',')) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PredictionWriter.write(new StringWriter(), model, rows, List.of("class")));
      assertEquals("copied column \"class\" has the name of a predicted column (probability_0,"
          + " probability_1, probability_2, class)", e.getMessage());
    }
    IllegalArgumentException named = assertThrows(IllegalArgumentException.class,
        () -> iris().withFeatureNames(java.util.Arrays.asList("a", "b", null, "d")));
    assertEquals("the name of feature 2 is null", named.getMessage());
  }
}
