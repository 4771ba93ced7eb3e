package io.descent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.ClassLabels;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import io.descent.train.CrossValidation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mistakes a library user makes, each met by one clear exception: features that are not finite
 * in a dataset built from arrays, a fit of data read without a target, rows counted from 0 in
 * every message, an optional setting of null, a one-vs-rest class without a finite optimum.
 */
class LibraryMistakesTest {
  private static final Path DATASETS = Path.of(System.getProperty("descent.datasets",
      "datasets"));

  @Test
  void featuresThatAreNotFiniteAreRefusedByEveryConstructor() {
    float[] x = {1, 2, 3, 4, Float.NaN, 6};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Dataset("mem", List.of("a", "b"), "y", x, new double[] {0, 1, 0}, null));
    assertEquals("x[2][0] is NaN (row 2, column 0): every feature must be a finite number",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.ofClasses("mem",
        List.of("a", "b"), "y", x, new double[] {0, 1, 0}, ClassLabels.of(List.of("p", "q"))));
    assertTrue(e.getMessage().startsWith("x[2][0] is NaN (row 2, column 0)"), e.getMessage());
    // A target, where there is one, too; read without one, y is all NaN.
    e = assertThrows(IllegalArgumentException.class, () -> new Dataset("mem", List.of("a"), "y",
        new float[] {1, 2}, new double[] {0, Double.POSITIVE_INFINITY}, null));
    assertTrue(e.getMessage().startsWith("y[1] is Infinity (row 1)"), e.getMessage());
    new Dataset("mem", List.of("a"), null, new float[] {1, 2}, new double[] {Double.NaN,
        Double.NaN}, null);
  }

  @Test
  void aFitOfDataReadWithoutATargetSaysSo() throws Exception {
    Dataset none = new CsvReader(CsvReader.Options.noTarget())
        .read(DATASETS.resolve("mtcars.csv"));
    String expected = DATASETS.resolve("mtcars.csv") + " has no target column (it was read"
        + " without one, as for prediction): a fit needs its target";
    for (Descent d : List.of(Descent.linear(), Descent.logistic(), Descent.multinomial(),
        Descent.logistic().oneVsRest())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> d.backend("reference").fit(none));
      assertEquals(expected, e.getMessage());
    }
    IllegalArgumentException cv = assertThrows(IllegalArgumentException.class,
        () -> new CrossValidation(new CrossValidation.Options(Loss.LINEAR, List.of(0.1), 3, 1,
            "reference", null, CrossValidation.Options.defaultSettings())).run(none, m -> { }));
    assertEquals(expected, cv.getMessage());
    assertThrows(NullPointerException.class, () -> Descent.linear().fit(
        new CsvReader(CsvReader.Options.numericTarget("mpg")).read(DATASETS.resolve(
            "mtcars.csv")), (Dataset) null));
  }

  @Test
  void rowsAreCountedFromZeroInEveryMessage() {
    Dataset d = Dataset.of(new double[][] {{1}, {2}, {3}, {4}}, new double[] {1, 2, 3, 4});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.withWeights(new double[] {1, 1, 1, -1}));
    assertEquals("weights[3] is -1.0 (row 3): weights must be finite and >= 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(
        new double[][] {{1}, {2}, {3}}, new int[] {0, 1, 2}));
    assertTrue(e.getMessage().contains("at row 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.ofClasses("mem",
        List.of("a"), "y", new float[] {1, 2, 3}, new double[] {0, 1, 5},
        ClassLabels.of(List.of("p", "q"))));
    assertEquals("mem: y[2] is 5.0 (row 2), not a class index 0..1", e.getMessage());
  }

  /**
   * A feature whose float32 values step coarsely for its spread (near 1e7, spread over 10) is
   * named in a notice; one of ordinary magnitude is not.
   */
  @Test
  void aFeatureThatFloat32RoundsCoarselyIsNoticed() {
    java.util.Random r = new java.util.Random(4);
    double[][] x = new double[200][2];
    double[] y = new double[200];
    for (int i = 0; i < 200; i++) {
      x[i][0] = 1e7 + 10 * r.nextDouble();
      x[i][1] = r.nextGaussian();
      y[i] = 0.3 * x[i][0] + x[i][1] + r.nextGaussian();
    }
    java.util.List<String> notices = Descent.linear().backend("reference")
        .train(Dataset.of(x, y), null).notices();
    assertEquals(1, notices.stream().filter(n -> n.startsWith("feature \"x0\": its values, near"
        + " 1.000e+07, are float32 in steps of 1.00, 34% of")).count(), notices.toString());
    assertTrue(notices.stream().noneMatch(n -> n.contains("\"x1\"")), notices.toString());
  }

  @Test
  void aNullSolverIsTheDefault() {
    double[][] x = {{1}, {2}, {3}, {4}};
    LinearModel m = Descent.linear().solver(null).backend("reference").fit(x,
        new double[] {1, 3, 5, 7});
    assertEquals(2, m.coef()[0], 1e-6);
  }

  @Test
  void aOneVsRestClassWithoutAFiniteOptimumIsATrainingFailure() throws Exception {
    Dataset iris = new CsvReader(CsvReader.Options.classTarget("species"))
        .read(DATASETS.resolve("iris.csv"));
    Descent.TrainingFailedException e = assertThrows(Descent.TrainingFailedException.class,
        () -> Descent.logistic().oneVsRest().backend("reference").fit(iris));
    assertTrue(e.getMessage().startsWith("the model of class "), e.getMessage());
    assertTrue(e.getMessage().contains("l2(...)"), e.getMessage());
    assertNull(e.result());
  }

  @Test
  void mistakesAHelperSessionFoundEachMeetOneClearAnswer() throws Exception {
    Dataset mtcars = new CsvReader(CsvReader.Options.numericTarget("mpg"))
        .read(DATASETS.resolve("mtcars.csv"));
    // The hyperparameters of a result cannot be edited (an edit reached the model file).
    io.descent.train.FitResult r = Descent.linear().backend("reference").train(mtcars, null);
    assertThrows(UnsupportedOperationException.class,
        () -> r.hyperparameters().put("l2", 5.0));
    // Weights are copied when checked: a later edit of the caller's array changes nothing.
    double[] w = new double[mtcars.rows()];
    java.util.Arrays.fill(w, 1.0);
    Dataset weighted = mtcars.withWeights(w);
    w[0] = -5;
    w[1] = Double.NaN;
    assertEquals(1.0, weighted.weights()[0]);
    assertEquals(1.0, weighted.weights()[1]);
    // No features at all is refused, as Dataset.of refuses it.
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> CsvReader.Options.numericTarget("mpg").withFeatures(List.of()));
    assertTrue(none.getMessage().startsWith("features must name at least one column"),
        none.getMessage());
    // A patience with nothing to watch is refused, as the CLI refuses --patience alone.
    IllegalArgumentException patience = assertThrows(IllegalArgumentException.class,
        () -> Descent.linear().backend("reference").patience(3).train(mtcars, null));
    assertTrue(patience.getMessage().startsWith("patience(...) applies to early stopping"),
        patience.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Descent.logistic().oneVsRest()
        .backend("reference").l2(0.01).patience(3).fit(mtcars));
    // Two text labels fit a logistic model, as Dataset.ofClasses does.
    double[][] x = {{0}, {1}, {2}, {3}, {4}, {5}};
    String[] labels = {"no", "no", "yes", "no", "yes", "yes"};
    LinearModel m = Descent.logistic().l2(1).backend("reference").fit(x, labels);
    assertEquals("no", m.label(0));
    assertEquals("yes", m.label(1));
    assertEquals("yes", m.label((int) m.predict(new double[] {5})));
    assertThrows(IllegalStateException.class, () -> Descent.linear().fit(x, labels));
  }

  /** Mistakes a second helper session found in the library: each meets one clear answer. */
  @Test
  void secondRoundOfLibraryMistakesEachMeetOneClearAnswer() throws Exception {
    Dataset iris = new CsvReader(CsvReader.Options.classTarget("species"))
        .read(DATASETS.resolve("iris.csv"));
    // A blank feature name made a model file that no reader takes; the target's name made one
    // that evaluate refused.
    Dataset d = Dataset.of(new double[][] {{1, 2}, {2, 1}, {3, 5}}, new double[] {1, 2, 4});
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
        () -> d.withFeatureNames(List.of("a", " ")));
    assertTrue(blank.getMessage().startsWith("the name of feature 1 is blank"),
        blank.getMessage());
    IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
        () -> d.withFeatureNames(List.of("y", "b")));
    assertEquals("feature 0 is named \"y\", the target's name", target.getMessage());
    IndexOutOfBoundsException cell = assertThrows(IndexOutOfBoundsException.class,
        () -> d.get(3, 0));
    assertEquals("row 3, feature 0 of a dataset of 3 rows x 2 features", cell.getMessage());
    // Cross-validation refuses the targets fit and path refuse, with their messages.
    IllegalArgumentException linear = assertThrows(IllegalArgumentException.class,
        () -> new CrossValidation(new CrossValidation.Options(Loss.LINEAR, List.of(0.01), 3,
            1L, "reference", null, CrossValidation.Options.defaultSettings())).run(iris, null));
    assertTrue(linear.getMessage().contains("a linear model fits a number"),
        linear.getMessage());
    IllegalArgumentException three = assertThrows(IllegalArgumentException.class,
        () -> new CrossValidation(new CrossValidation.Options(Loss.LOGISTIC, List.of(0.01), 3,
            1L, "reference", null, CrossValidation.Options.defaultSettings())).run(iris, null));
    assertTrue(three.getMessage().contains("logistic regression fits two classes"),
        three.getMessage());
    // One-vs-rest holds out a fraction for early stopping; a set of one's own is refused so.
    IllegalStateException ovr = assertThrows(IllegalStateException.class,
        () -> Descent.logistic().oneVsRest().l2(0.01).fit(iris, iris));
    assertTrue(ovr.getMessage().contains("validationFraction(...)"), ovr.getMessage());
    // Schedules name the builder's methods.
    IllegalArgumentException decay = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().optimizer("sgd").decay(0.5).fit(iris));
    assertEquals("decay does not apply to schedule constant", decay.getMessage());
    // A mean that is not finite is said as such, not as the scale.
    IllegalArgumentException mean = assertThrows(IllegalArgumentException.class,
        () -> new io.descent.data.Standardization(new double[] {Double.NaN},
            new double[] {1}));
    assertTrue(mean.getMessage().startsWith("feature 0: mean must be finite, got NaN"),
        mean.getMessage());
    // The flat constructors and the model refuse such names too; a blank target's name also.
    ClassLabels two = iris.classLabels().orElseThrow();
    assertThrows(IllegalArgumentException.class, () -> Dataset.ofClasses("mem",
        List.of("a", " "), "y", new float[] {1, 2, 3, 4}, new double[] {0, 1}, two));
    assertThrows(IllegalArgumentException.class, () -> Dataset.ofClasses("mem",
        List.of("a", "y"), "y", new float[] {1, 2, 3, 4}, new double[] {0, 1}, two));
    IllegalArgumentException blankTarget = assertThrows(IllegalArgumentException.class,
        () -> new Dataset("mem", List.of("a"), " ", new float[] {1, 2}, new double[] {0, 1},
            null));
    assertTrue(blankTarget.getMessage().startsWith("the target's name is blank"),
        blankTarget.getMessage());
    io.descent.data.Standardization one = io.descent.data.Standardization.identity(1);
    assertThrows(IllegalArgumentException.class, () -> LinearModel.of(Loss.LINEAR,
        List.of(" "), "y", null, one, new double[] {0, 1}));
    assertThrows(IllegalArgumentException.class, () -> LinearModel.of(Loss.LINEAR,
        List.of("y"), "y", null, one, new double[] {0, 1}));
    // Cross-validation of a linear model takes 0 and 1 labels as numbers, as fit does, and
    // needs no message consumer.
    double[][] x01 = new double[40][1];
    int[] y01 = new int[40];
    for (int i = 0; i < 40; i++) {
      x01[i][0] = i;
      y01[i] = i % 3 == 0 ? 1 : 0;
    }
    CrossValidation.Result r01 = new CrossValidation(new CrossValidation.Options(Loss.LINEAR,
        List.of(0.01, 0.1), 4, 1L, "auto", null, CrossValidation.Options.defaultSettings()))
        .run(Dataset.of(x01, y01), null);
    assertTrue(Double.isFinite(r01.settings().get(0).meanLoss()));
    // Other accessors name the row; a prediction that is not finite is refused.
    IndexOutOfBoundsException w = assertThrows(IndexOutOfBoundsException.class,
        () -> d.weight(3));
    assertEquals("row 3 of a dataset of 3 rows", w.getMessage());
    IndexOutOfBoundsException copy = assertThrows(IndexOutOfBoundsException.class,
        () -> d.copyRows(2, 2, new float[4], 0));
    assertEquals("rows 2 to 3 of a dataset of 3 rows", copy.getMessage());
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> io.descent.model.Metrics.regression(new double[] {1, 2},
            new double[] {1, Double.NaN}));
    assertEquals("prediction of row 1 is not finite: NaN", nan.getMessage());
    // Every classification threshold is checked, as evaluate checks it.
    for (double t : new double[] {Double.NaN, 0, 1, 2, -1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> io.descent.model.Metrics.classification(new double[] {0, 1},
              new double[] {-1, 1}, t));
      assertEquals("threshold must be in (0, 1), got " + t, e.getMessage());
    }
  }
}
