package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.BinaryLabels;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearModelTest {
  private static final Standardization S = new Standardization(new double[] {1, 10},
      new double[] {2, 5});

  private static LinearModel small(Loss loss, BinaryLabels labels) {
    return LinearModel.of(loss, List.of("a", "b"), "y", labels, S, new double[] {0.5, 2, -1});
  }

  /** A NaN or infinite value would pick a class (or give NaN) without a word: refused. */
  @Test
  void aRowWithAValueThatIsNotFiniteIsRefused() {
    LinearModel logistic = small(Loss.LOGISTIC, BinaryLabels.zeroOne());
    LinearModel linear = small(Loss.LINEAR, null);
    LinearModel multinomial = LinearModel.multinomial(List.of("a", "b"), "y",
        io.descent.data.ClassLabels.of(List.of("0", "1", "2")), S,
        new double[] {0.5, 2, -1, 0, 1, 1, -0.5, 0, 2});
    String nan = "row value 1 (feature \"b\") is NaN: a model predicts from finite values only";
    String inf = "row value 0 (feature \"a\") is Infinity: a model predicts from finite values"
        + " only";
    double[] withNan = {1, Double.NaN};
    double[] withInf = {Double.POSITIVE_INFINITY, 1};
    List<org.junit.jupiter.api.function.Executable> calls = List.of(
        () -> logistic.predict(withNan), () -> logistic.predictProbability(withNan),
        () -> linear.predict(withNan), () -> linear.margin(withNan),
        () -> linear.margin(new float[] {1, Float.NaN}), () -> multinomial.predict(withNan),
        () -> multinomial.predictProbabilities(withNan),
        () -> multinomial.classMargins(new float[] {1, Float.NaN}));
    for (org.junit.jupiter.api.function.Executable call : calls) {
      assertEquals(nan, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
    assertEquals(inf, assertThrows(IllegalArgumentException.class,
        () -> multinomial.predict(withInf)).getMessage());
    assertEquals("row 1: " + nan, assertThrows(IllegalArgumentException.class,
        () -> logistic.predict(new double[][] {{1, 2}, withNan})).getMessage());
  }

  /**
   * A dataset wraps its float array without a copy, and its constructor checks the values; a
   * value set to NaN or infinity afterwards gave NaN predictions (or a class) without a word.
   * Every prediction over a dataset now refuses it, naming the dataset, the row and the feature.
   */
  @Test
  void aDatasetRowThatLaterHoldsAValueThatIsNotFiniteIsRefused() {
    float[] x = {1, 2, 3, 4, 5, 6};
    Dataset data = new Dataset("wrapped", List.of("a", "b"), "y", x, new double[3], null);
    LinearModel logistic = small(Loss.LOGISTIC, BinaryLabels.zeroOne());
    LinearModel linear = small(Loss.LINEAR, null);
    LinearModel multinomial = LinearModel.multinomial(List.of("a", "b"), "y",
        io.descent.data.ClassLabels.of(List.of("0", "1", "2")), S,
        new double[] {0.5, 2, -1, 0, 1, 1, -0.5, 0, 2});
    assertEquals(3, linear.predict(data).length);
    x[3] = Float.NaN;
    String nan = "wrapped: row 1, feature 2 (\"b\") is NaN: a model predicts from finite values"
        + " only";
    List<org.junit.jupiter.api.function.Executable> calls = List.of(
        () -> linear.predict(data), () -> linear.margins(data), () -> logistic.classify(data),
        () -> logistic.predictProbability(data), () -> logistic.predictProbabilities(data),
        () -> multinomial.predict(data), () -> multinomial.classify(data),
        () -> multinomial.predictProbabilities(data), () -> multinomial.classMargins(data));
    for (org.junit.jupiter.api.function.Executable call : calls) {
      assertEquals(nan, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
    x[3] = 4;
    x[4] = Float.NEGATIVE_INFINITY;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> multinomial.predict(data))
        .getMessage().startsWith("wrapped: row 2, feature 1 (\"a\") is -Infinity"));
  }

  @Test
  void originalSpaceParametersByHand() {
    LinearModel m = small(Loss.LINEAR, null);
    // w / scale = (1, -0.2); b - sum w mean / scale = 0.5 - 1 + 2.
    assertArrayEquals(new double[] {1, -0.2}, m.coef(), 1e-16);
    assertEquals(1.5, m.intercept(), 1e-15);
    assertEquals(0.5, m.standardizedIntercept());
    assertArrayEquals(new double[] {2, -1}, m.standardizedCoef());
    assertArrayEquals(new double[] {0.5, 2, -1}, m.theta());
    // x = (3, 20): z = (1, 2), m = 0.5 + 2 - 2.
    assertEquals(0.5, m.margin(new double[] {3, 20}), 1e-15);
    assertEquals(0.5, m.margin(new float[] {3, 20}), 1e-15);
    assertEquals(2, m.features());
    assertEquals("y", m.targetName());
    assertEquals(Optional.empty(), m.labels());
  }

  @Test
  void identityStandardizationKeepsTheParameters() {
    double[] theta = {-0.25, 3.5, 1e-7, -2};
    LinearModel m = LinearModel.of(Loss.LINEAR, List.of("a", "b", "c"), "y", null,
        Standardization.identity(3), theta);
    assertArrayEquals(m.standardizedCoef(), m.coef());
    assertEquals(theta[0], m.intercept());
  }

  @Test
  void originalAndStandardizedMarginsAgree() {
    Random rnd = new Random(7);
    int d = 12;
    double[] mean = new double[d];
    double[] scale = new double[d];
    List<String> names = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      scale[j] = Math.pow(10, j % 7 - 3);
      mean[j] = scale[j] * (j % 4) * 3 * rnd.nextGaussian();
      names.add("x" + j);
    }
    double[] theta = new double[d + 1];
    for (int j = 0; j <= d; j++) {
      theta[j] = rnd.nextGaussian();
    }
    LinearModel m = LinearModel.of(Loss.LOGISTIC, names, "y", null,
        new Standardization(mean, scale), theta);
    double[] coef = m.coef();
    double worst = 0;
    for (int i = 0; i < 2000; i++) {
      double[] x = new double[d];
      for (int j = 0; j < d; j++) {
        x[j] = mean[j] + scale[j] * rnd.nextGaussian();
      }
      double original = m.intercept();
      for (int j = 0; j < d; j++) {
        original += coef[j] * x[j];
      }
      double standardized = m.margin(x);
      worst = Math.max(worst, Math.abs(original - standardized)
          / Math.max(Math.abs(standardized), 1));
    }
    assertTrue(worst <= 1e-12, "original and standardized margins differ by " + worst);
  }

  @Test
  void marginsOfADatasetAreThoseOfItsRows() {
    LinearModel m = small(Loss.LINEAR, null);
    float[] x = {3, 20, -1.5f, 0.25f, 1e6f, -7};
    Dataset data = new Dataset("t", List.of("a", "b"), "y", x, new double[3], null);
    double[] margins = m.margins(data);
    for (int i = 0; i < 3; i++) {
      assertEquals(m.margin(new float[] {x[2 * i], x[2 * i + 1]}), margins[i], 0);
      assertEquals(m.margin(new double[] {x[2 * i], x[2 * i + 1]}), margins[i], 0);
    }
    assertArrayEquals(margins, m.predict(data), 0);
  }

  @Test
  void logisticPredictsProbabilitiesAndClasses() {
    LinearModel m = small(Loss.LOGISTIC, new BinaryLabels("ham", "spam"));
    // Margins: 0.5 (x = 3, 20), 0 (x = 1, 12.5 -> z = (0, 0.5)), about -800 and 800.
    float[] x = {3, 20, 1, 12.5f, -799, 10, 1, -3990};
    Dataset data = new Dataset("t", List.of("a", "b"), "y", x, new double[4], null);
    double[] m0 = m.margins(data);
    assertEquals(0.0, m0[1], 1e-15);
    double[] p = m.predictProbability(data);
    assertEquals(1 / (1 + Math.exp(-0.5)), p[0], 1e-15);
    assertEquals(0.5, p[1], 1e-15);
    assertEquals(0.0, p[2], 1e-300);
    assertEquals(1.0, p[3]);
    for (double v : p) {
      assertTrue(v >= 0 && v <= 1 && !Double.isNaN(v));
    }
    int[] cls = m.classify(data);
    assertArrayEquals(new int[] {1, 0, 0, 1}, cls);
    assertEquals("ham", m.label(0));
    assertEquals("spam", m.label(1));
    assertEquals(0, LinearModel.classOf(0.0));
    assertEquals(1, LinearModel.classOf(Double.MIN_VALUE));
    assertEquals("1", small(Loss.LOGISTIC, null).label(1));
    assertEquals(0.5, m.prediction(0));
    assertEquals(0.5, small(Loss.LINEAR, null).prediction(0.5));
  }

  @Test
  void classesNeedALogisticModel() {
    LinearModel m = small(Loss.LINEAR, null);
    Dataset data = new Dataset("t", List.of("a", "b"), "y", new float[] {1, 2}, new double[1],
        null);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.classify(data));
    assertEquals("classes need a logistic model, this one is linear", e.getMessage());
    assertThrows(IllegalStateException.class, () -> m.label(1));
  }

  @Test
  void datasetsWithOtherFeaturesAreRejected() {
    LinearModel m = small(Loss.LINEAR, null);
    Dataset three = new Dataset("new.csv", List.of("a", "b", "c"), "y", new float[3],
        new double[1], null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.margins(three));
    assertEquals("new.csv has 3 features but the model expects 2: [a, b]", e.getMessage());
    Dataset swapped = new Dataset("new.csv", List.of("b", "a"), "y", new float[2],
        new double[1], null);
    e = assertThrows(IllegalArgumentException.class, () -> m.predict(swapped));
    assertEquals("new.csv: feature 1 is \"b\" but the model expects \"a\"", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> m.margin(new double[3]));
    assertEquals("row has 3 values, the model expects 2", e.getMessage());
  }

  @Test
  void factoryChecksItsArguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LinearModel.of(Loss.LINEAR, List.of("a", "b"), "y", null, S, new double[] {1, 2}));
    assertEquals("theta must have features + 1 = 3 entries, got 2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LinearModel.of(Loss.LINEAR,
        List.of("a", "b"), "y", null, S, new double[] {1, Double.NaN, 2}));
    assertEquals("theta[1] must be finite, got NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LinearModel.of(Loss.LINEAR,
        List.of("a", "b"), "y", BinaryLabels.zeroOne(), S, new double[3]));
    assertEquals("labels are only for a logistic model, this one is linear", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LinearModel.of(Loss.LINEAR,
        List.of("a", "a"), "y", null, S, new double[3]));
    assertEquals("feature name \"a\" appears twice", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LinearModel.of(Loss.LINEAR,
        List.of("a"), "y", null, S, new double[2]));
    assertEquals("standardization has 2 features, the model has 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LinearModel.of(Loss.LINEAR,
        List.of("a"), "y", null, new Standardization(new double[] {0}, new double[] {1e-310}),
        new double[] {0, 1e10}));
    assertTrue(e.getMessage().startsWith("weight of feature \"a\" overflows on the original scale"),
        e.getMessage());
  }

  @Test
  void parametersAreCopied() {
    double[] theta = {0.5, 2, -1};
    LinearModel m = LinearModel.of(Loss.LINEAR, List.of("a", "b"), "y", null, S, theta);
    theta[1] = 99;
    m.theta()[1] = 99;
    m.coef()[0] = 99;
    m.standardizedCoef()[0] = 99;
    assertArrayEquals(new double[] {0.5, 2, -1}, m.theta());
    assertArrayEquals(new double[] {1, -0.2}, m.coef(), 1e-16);
  }

  @Test
  void equalityIsByValue() {
    assertEquals(small(Loss.LINEAR, null), small(Loss.LINEAR, null));
    assertEquals(small(Loss.LINEAR, null).hashCode(), small(Loss.LINEAR, null).hashCode());
    assertNotEquals(small(Loss.LINEAR, null), small(Loss.LOGISTIC, null));
    assertNotEquals(small(Loss.LOGISTIC, null), small(Loss.LOGISTIC, BinaryLabels.zeroOne()));
    assertEquals("LinearModel[logistic, 2 features, target y (ham/spam)]",
        small(Loss.LOGISTIC, new BinaryLabels("ham", "spam")).toString());
  }
}
