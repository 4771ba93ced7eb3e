package io.descent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.BinaryLabels;
import io.descent.data.Dataset;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.model.LinearModel;
import io.descent.train.FitResult;
import io.descent.train.MissingClassException;
import io.descent.train.Trainer;
import io.descent.train.TrainingListener;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The library's entry points for data already in memory: arrays in, predictions out. */
class LibraryApiTest {
  /** Rows of two features and 0/1 labels from a logistic model (not separable). */
  private static double[][] features(int n, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][2];
    for (double[] row : x) {
      row[0] = r.nextGaussian();
      row[1] = 10 + 5 * r.nextGaussian();
    }
    return x;
  }

  private static int[] labels(double[][] x, long seed) {
    Random r = new Random(seed);
    int[] y = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      double m = 1.5 * x[i][0] - 0.2 * (x[i][1] - 10);
      y[i] = r.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
    }
    return y;
  }

  @Test
  void datasetsFromArraysHaveDefaultNamesAndTheRowMajorLayout() {
    Dataset d = Dataset.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}, new double[] {7, 8, 9});
    assertEquals(List.of("x0", "x1"), d.featureNames());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.x());
    assertArrayEquals(new double[] {7, 8, 9}, d.y());
    assertTrue(d.labels().isEmpty());
    Dataset f = Dataset.of(new float[][] {{1, 2}, {3, 4}}, new int[] {0, 1});
    assertEquals(BinaryLabels.zeroOne(), f.labels().orElseThrow());
    Dataset b = Dataset.of(new double[][] {{1}, {2}}, new boolean[] {true, false});
    assertArrayEquals(new double[] {1, 0}, b.y());
    assertEquals("true", b.labels().orElseThrow().label(1));
    float[] flat = {1, 2, 3, 4, 5, 6};
    Dataset wrapped = Dataset.of(flat, 3, new double[] {0, 1, 0});
    assertSame(flat, wrapped.x(), "a row-major array is wrapped, not copied");
    assertEquals(2, wrapped.features());
    Dataset named = d.withFeatureNames(List.of("dose", "age"));
    assertEquals(List.of("dose", "age"), named.featureNames());
    assertSame(d.x(), named.x());
  }

  @Test
  void badValuesAreNamedByRowAndColumn() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of(new double[][] {{1, 2}, {3, Double.NaN}}, new double[] {0, 1}));
    assertTrue(e.getMessage().contains("x[1][1] is NaN (row 1, column 1)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(
        new double[][] {{1e39, 2}}, new double[] {0}));
    assertTrue(e.getMessage().contains("row 0, column 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(
        new float[][] {{1, Float.NEGATIVE_INFINITY}}, new double[] {0}));
    assertTrue(e.getMessage().contains("row 0, column 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(
        new float[] {1, 2, Float.NaN, 4}, 2, new double[] {0, 1}));
    assertTrue(e.getMessage().contains("row 1, column 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(
        new double[][] {{1, 2}, {3}}, new double[] {0, 1}));
    assertTrue(e.getMessage().contains("row 1 of x has 1 values"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(
        new double[][] {{1}, {2}}, new int[] {0, 2}));
    assertTrue(e.getMessage().contains("label 2 at row 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(
        new double[][] {{1}, {2}}, new double[] {0, Double.POSITIVE_INFINITY}));
    assertTrue(e.getMessage().contains("y[1]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Dataset.of(new double[][] {{1}},
        new double[] {0, 1}));
  }

  @Test
  void aLogisticModelPredictsClassesAndProbabilitiesForRowsAndBatches() {
    double[][] x = features(600, 1);
    int[] y = labels(x, 2);
    LinearModel m = Descent.logistic().l2(0.01).backend("reference").fit(x, y);
    double[] p = m.predictProbability(x);
    double[] cls = m.predict(x);
    for (int i = 0; i < x.length; i++) {
      assertEquals(p[i], m.predictProbability(x[i]), 0);
      assertEquals(p[i] > 0.5 ? 1.0 : 0.0, m.predict(x[i]), 0, "row " + i);
      assertEquals(cls[i], m.predict(x[i]), 0);
    }
    // A Dataset holds float32 features: the same probabilities to float32's resolution.
    assertArrayEquals(p, m.predictProbability(Dataset.of(x, y)), 1e-6);
    // The same fit from float32 rows and boolean labels.
    float[][] xf = new float[x.length][2];
    boolean[] yb = new boolean[x.length];
    for (int i = 0; i < x.length; i++) {
      xf[i][0] = (float) x[i][0];
      xf[i][1] = (float) x[i][1];
      yb[i] = y[i] == 1;
    }
    LinearModel fromFloats = Descent.logistic().l2(0.01).backend("reference").fit(xf, yb);
    assertArrayEquals(m.coef(), fromFloats.coef(), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> m.predict(new double[] {1}));
  }

  @Test
  void aLinearModelPredictsValuesInOriginalUnits() {
    double[][] x = features(300, 3);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 3 + 2 * x[i][0] - x[i][1] / 10;
    }
    LinearModel m = Descent.linear().backend("reference").fit(x, y);
    assertEquals(4.0, m.predict(new double[] {1, 10}), 1e-6);
    assertArrayEquals(y, m.predict(x), 1e-6);
    assertThrows(IllegalStateException.class, () -> m.predictProbability(x[0]));
  }

  @Test
  void aValidationFractionShowsWhichRowsItHeldOut() {
    double[][] x = features(500, 4);
    Dataset data = Dataset.of(x, labels(x, 5));
    FitResult r = Descent.logistic().l2(0.01).backend("reference").validationFraction(0.2)
        .train(data, null);
    int[] held = r.validationRows();
    assertEquals(100, held.length);
    assertEquals(400, r.trainingRows());
    for (int k = 1; k < held.length; k++) {
      assertTrue(held[k - 1] < held[k], "sorted and distinct");
    }
    assertTrue(held[0] >= 0 && held[held.length - 1] < 500);
    assertFalse(r.history().stream().allMatch(h -> Double.isNaN(h.validationLoss())));
    assertEquals(0, Descent.logistic().l2(0.01).backend("reference").train(data, null)
        .validationRows().length);
  }

  @Test
  void anExplicitValidationSetStopsEarlyOnItsLoss() {
    double[][] x = features(500, 6);
    Dataset train = Dataset.of(Arrays.copyOf(x, 400), Arrays.copyOf(labels(x, 7), 400));
    double[][] vx = Arrays.copyOfRange(x, 400, 500);
    Dataset validation = Dataset.of(vx, Arrays.copyOfRange(labels(x, 7), 400, 500));
    FitResult r = Descent.logistic().l2(0.01).backend("reference")
        .train(train, validation, null);
    assertEquals(400, r.trainingRows());
    assertTrue(r.history().stream().noneMatch(h -> Double.isNaN(h.validationLoss())));
    assertEquals(0, r.validationRows().length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().validationFraction(0.1).fit(train, validation));
    assertTrue(e.getMessage().contains("validationFraction must be 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Descent.logistic()
        .fit(train, validation.withFeatureNames(List.of("a", "b"))));
    assertTrue(e.getMessage().contains("features"), e.getMessage());
  }

  /** Both classes in the data, one left after the random hold-out: the message says why. */
  @Test
  void aClassLostToTheValidationRowsIsSaidSo() {
    Dataset data = Dataset.of(new double[][] {{1}, {2}, {3}, {4}}, new int[] {0, 1, 0, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().l2(0.1).validationFraction(0.5).train(data, null));
    assertTrue(e.getMessage().contains("logistic regression needs rows of both classes (of the"
        + " rows left to train on after validationFraction(0.5) held out 2)"), e.getMessage());
  }

  /**
   * A one-vs-rest fit says so too; and an error that is not about a class missing from the rows
   * left (a target of three classes for a binary fit) is not said to be the hold-out's.
   */
  @Test
  void onlyAClassLostToTheValidationRowsIsSaidSo() {
    Dataset three = Dataset.ofClasses(new double[][] {{1}, {2}, {3}, {4}, {5}, {6}},
        new String[] {"a", "a", "a", "a", "b", "c"});
    MissingClassException lost = null;
    for (long seed = 0; seed < 50 && lost == null; seed++) {
      try {
        Descent.logistic().oneVsRest().l2(0.1).seed(seed).validationFraction(0.5)
            .backend("reference").fit(three);
      } catch (MissingClassException e) {
        lost = e;
      }
    }
    assertTrue(lost != null, "no seed of 50 held out class b or c");
    assertTrue(lost.getMessage().contains("needs rows of its class and of the others (of the rows"
        + " left to train on after validationFraction(0.5) held out 3)"), lost.getMessage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().l2(0.1).validationFraction(0.5).train(three, null));
    assertTrue(e.getMessage().contains("logistic regression fits two classes"), e.getMessage());
    assertFalse(e.getMessage().contains("rows left to train on"), e.getMessage());
  }

  /** A validation set coded the other way round would be scored with every label swapped. */
  @Test
  void aValidationSetCodedOtherwiseIsRefused() throws java.io.IOException {
    String rows = "a,y\n1,no\n2,no\n3,yes\n4,yes\n2.5,yes\n2.6,no\n1.5,yes\n3.5,no\n";
    Dataset train = new io.descent.data.CsvReader(io.descent.data.CsvReader.Options
        .binaryTarget("y", "yes")).read(new java.io.StringReader(rows), "train.csv");
    Dataset other = new io.descent.data.CsvReader(io.descent.data.CsvReader.Options
        .binaryTarget("y", "no")).read(new java.io.StringReader(rows), "validation.csv");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().l2(0.01).train(train, other, null));
    assertEquals("validation.csv codes its target as yes = 0, no = 1 but the training set uses"
        + " no = 0, yes = 1: read both with the same positive label", e.getMessage());
    Dataset same = new io.descent.data.CsvReader(io.descent.data.CsvReader.Options
        .binaryTarget("y", "yes")).read(new java.io.StringReader(rows), "validation.csv");
    assertTrue(Descent.logistic().l2(0.01).backend("reference").train(train, same, null)
        .history().stream().noneMatch(h -> Double.isNaN(h.validationLoss())));
  }

  @Test
  void messagesNameTheLibrarysMethodsNotFlags() {
    double[][] x = {{1}, {2}, {3}};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.linear().l2(-1).fit(x, new double[] {1, 2, 3}));
    assertEquals("l2 must be finite and >= 0, got -1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Descent.linear().optimizer("sgd").batchSize(0).fit(x, new double[] {1, 2, 3}));
    assertEquals("batchSize must be > 0, got 0", e.getMessage());
    // Separable classes: the advice names l2(...).
    Descent.TrainingFailedException f = assertThrows(Descent.TrainingFailedException.class,
        () -> Descent.logistic().backend("reference").fit(new double[][] {{0}, {1}, {2}, {3}},
            new int[] {0, 0, 1, 1}));
    assertTrue(f.getMessage().contains("l2("), f.getMessage());
    assertFalse(f.getMessage().contains("--"), f.getMessage());
  }

  @Test
  void aSkippedBackendIsANoticeInTheResult() {
    double[][] x = features(200, 8);
    Dataset data = Dataset.of(x, labels(x, 9));
    Trainer trainer = new Trainer((kind, d, s, loss, openCl) -> {
      if (kind != BackendKind.REFERENCE) {
        throw new BackendUnavailableException(kind.label() + " is switched off for this test");
      }
      return Backends.open(kind, d, s, loss, openCl);
    });
    FitResult r = trainer.fit(data, Descent.logistic().l2(0.01).config(data),
        TrainingListener.NONE);
    assertEquals(BackendKind.REFERENCE, r.backend().kind());
    assertTrue(r.notices().stream().anyMatch(n -> n.contains("skipped opencl")
        && n.contains("switched off")), r.notices().toString());
  }
}
