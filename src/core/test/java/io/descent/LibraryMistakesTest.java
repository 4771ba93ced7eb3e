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
}
