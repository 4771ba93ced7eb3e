package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import io.descent.train.ReferenceProblems;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The oracle's batched evaluation: K columns, softmax, positive classes, folds, row weights. */
class ReferenceColumnsTest {
  private static Dataset iris() throws IOException {
    return new CsvReader(CsvReader.Options.numericTarget("species"))
        .read(ReferenceProblems.datasets().resolve("iris.csv"));
  }

  private static double[] random(int n, long seed, double scale) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * r.nextGaussian();
    }
    return v;
  }

  private static double[] column(double[] w, int k, int p) {
    return java.util.Arrays.copyOfRange(w, k * p, (k + 1) * p);
  }

  @Test
  void everyColumnOfManyIsBitForBitItsOwnEvaluation() throws IOException {
    Dataset data = iris().withWeights(null);
    double[] binary = data.y().clone();
    for (int i = 0; i < binary.length; i++) {
      binary[i] = binary[i] == 2 ? 1 : 0;
    }
    Dataset two = new Dataset("iris", data.featureNames(), "virginica", data.x(), binary, null);
    Standardization s = Standardization.fit(two);
    int p = two.features() + 1;
    for (Loss loss : new Loss[] {Loss.LINEAR, Loss.LOGISTIC}) {
      double[] w = random(p * 5, 1, 0.7);
      ReferenceBackend many = new ReferenceBackend(two, s, Columns.of(loss, 5));
      ReferenceBackend one = new ReferenceBackend(two, s, loss);
      Batch batch = new Batch(null, 10, 140);
      BatchedEvaluation all = many.evaluateColumns(w, batch);
      for (int k = 0; k < 5; k++) {
        Evaluation e = one.evaluate(column(w, k, p), batch);
        assertEquals(e.loss(), all.loss()[k], 0.0, loss + " column " + k);
        assertArrayEquals(e.gradient(), all.column(k), 0.0, loss + " column " + k);
        assertEquals(130, all.weight()[k], 0.0);
      }
    }
  }

  @Test
  void twoClassSoftmaxIsLogisticRegression() throws IOException {
    Dataset data = iris();
    double[] y = data.y().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = y[i] == 0 ? 0 : 1;
    }
    Dataset two = new Dataset("iris", data.featureNames(), "t", data.x(), y, null);
    Standardization s = Standardization.fit(two);
    int p = two.features() + 1;
    double[] theta = random(p, 2, 0.5);
    double[] w = new double[2 * p];
    System.arraycopy(theta, 0, w, p, p);
    BatchedEvaluation soft = new ReferenceBackend(two, s, Columns.multinomial(2))
        .evaluateColumns(w, Batch.all(two.rows()));
    Evaluation logistic = new ReferenceBackend(two, s, Loss.LOGISTIC)
        .evaluate(theta, Batch.all(two.rows()));
    assertEquals(logistic.loss(), soft.loss()[0], 1e-14);
    double[] g1 = soft.column(1);
    double[] g0 = soft.column(0);
    for (int j = 0; j < p; j++) {
      assertEquals(logistic.gradient()[j], g1[j], 1e-14);
      assertEquals(-logistic.gradient()[j], g0[j], 1e-14);
    }
  }

  @Test
  void multinomialGradientIsTheDerivativeOfItsLoss() throws IOException {
    Dataset data = iris();
    Standardization s = Standardization.fit(data);
    ReferenceBackend b = new ReferenceBackend(data, s, Columns.multinomial(3));
    int n = (data.features() + 1) * 3;
    double[] w = random(n, 3, 1.0);
    Batch all = Batch.all(data.rows());
    double[] g = b.evaluateColumns(w, all).gradient();
    double h = 1e-6;
    for (int j = 0; j < n; j++) {
      double[] up = w.clone();
      double[] down = w.clone();
      up[j] += h;
      down[j] -= h;
      double fd = (b.evaluateColumns(up, all).loss()[0] - b.evaluateColumns(down, all).loss()[0])
          / (2 * h);
      assertEquals(fd, g[j], 1e-8 * Math.max(1, Math.abs(g[j])), "entry " + j);
    }
  }

  @Test
  void integerWeightsAreRepeatedRows() throws IOException {
    Dataset data = iris();
    int n = data.rows();
    double[] weights = new double[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      weights[i] = i % 4;
      total += i % 4;
    }
    int[] repeated = new int[total];
    int at = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < i % 4; c++) {
        repeated[at++] = i;
      }
    }
    Dataset weighted = data.withWeights(weights);
    Dataset copies = data.rows(repeated);
    Standardization s = Standardization.fit(copies);
    double[] w = random((data.features() + 1) * 3, 4, 0.8);
    BatchedEvaluation a = new ReferenceBackend(weighted, s, Columns.multinomial(3))
        .evaluateColumns(w, Batch.all(n));
    BatchedEvaluation b = new ReferenceBackend(copies, s, Columns.multinomial(3))
        .evaluateColumns(w, Batch.all(copies.rows()));
    assertEquals(b.loss()[0], a.loss()[0], 1e-14 * Math.abs(b.loss()[0]));
    assertEquals(total, a.weight()[0], 0.0);
    assertArrayEquals(b.gradient(), a.gradient(), 1e-13);
  }

  @Test
  void aGroupLeavesOutItsFoldAndPositiveClassesAreOneVsRest() throws IOException {
    Dataset data = iris();
    int n = data.rows();
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) {
      fold[i] = (i * 7) % 5;
    }
    Standardization s = Standardization.fit(data);
    int p = data.features() + 1;
    Columns columns = Columns.positives(0, 1, 2, 2).withFolds(fold, new int[] {3, -1, 0, 4});
    double[] w = random(p * 4, 5, 0.6);
    BatchedEvaluation all = new ReferenceBackend(data, s, columns).evaluateColumns(w,
        Batch.all(n));
    int[] held = {3, -1, 0, 4};
    int[] positive = {0, 1, 2, 2};
    for (int g = 0; g < 4; g++) {
      int count = 0;
      for (int i = 0; i < n; i++) {
        count += fold[i] == held[g] ? 0 : 1;
      }
      int[] kept = new int[count];
      int at = 0;
      for (int i = 0; i < n; i++) {
        if (fold[i] != held[g]) {
          kept[at++] = i;
        }
      }
      Dataset part = data.rows(kept);
      double[] y = part.y().clone();
      for (int i = 0; i < y.length; i++) {
        y[i] = y[i] == positive[g] ? 1 : 0;
      }
      Dataset binary = new Dataset("iris", part.featureNames(), "t", part.x(), y, null);
      Evaluation e = new ReferenceBackend(binary, s, Loss.LOGISTIC).evaluate(column(w, g, p),
          Batch.all(count));
      assertEquals(e.loss(), all.loss()[g], 1e-14, "group " + g);
      assertArrayEquals(e.gradient(), all.column(g), 1e-14, "group " + g);
      assertEquals(count, all.weight()[g], 0.0);
    }
  }

  @Test
  void eachGroupWeighsItsLabelsByItsOwnClassWeights() throws IOException {
    Dataset plain = iris();
    int n = plain.rows();
    double[] rowWeight = random(n, 11, 1);
    for (int i = 0; i < n; i++) {
      rowWeight[i] = 0.5 + Math.abs(rowWeight[i]);
    }
    Dataset data = plain.withWeights(rowWeight);
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) {
      fold[i] = (i * 3) % 4;
    }
    Standardization s = Standardization.fit(data);
    int p = data.features() + 1;
    double[] table = {1, 2, 0.5, 3, 0.25, 1, 0, 1.5, 2.5, 1, 1, 4};
    int[] held = {1, -1, 2, 0};
    int[] positive = {0, 1, 2, 2};
    double[] w = random(p * 4, 12, 0.6);
    BatchedEvaluation all = new ReferenceBackend(data, s, Columns.positives(positive)
        .withFolds(fold, held).withClassWeights(3, table)).evaluateColumns(w, Batch.all(n));
    for (int g = 0; g < 4; g++) {
      // The same group alone, with the class weight folded into each row's own weight.
      double[] sg = new double[n];
      double total = 0;
      for (int i = 0; i < n; i++) {
        sg[i] = fold[i] == held[g] ? 0 : rowWeight[i] * table[g * 3 + (int) data.y()[i]];
        total += sg[i];
      }
      Evaluation e = new ReferenceBackend(data.withWeights(sg), s,
          Columns.positives(positive[g])).evaluate(column(w, g, p), Batch.all(n));
      assertEquals(e.loss(), all.loss()[g], 1e-13 * Math.abs(e.loss()), "group " + g);
      assertArrayEquals(e.gradient(), all.column(g), 1e-13, "group " + g);
      assertEquals(total, all.weight()[g], 1e-12 * total);
    }
    // Multinomial groups weigh their labels too: a table of ones changes nothing.
    double[] wm = random(p * 6, 13, 0.4);
    BatchedEvaluation plainSoftmax = new ReferenceBackend(data, s, Columns.multinomial(3, 2))
        .evaluateColumns(wm, Batch.all(n));
    BatchedEvaluation ones = new ReferenceBackend(data, s, Columns.multinomial(3, 2)
        .withClassWeights(3, new double[] {1, 1, 1, 1, 1, 1})).evaluateColumns(wm, Batch.all(n));
    assertArrayEquals(plainSoftmax.loss(), ones.loss(), 0.0);
    assertArrayEquals(plainSoftmax.gradient(), ones.gradient(), 0.0);
    IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
        () -> new ReferenceBackend(data, s, Columns.positives(0, 1).withClassWeights(2,
            new double[] {1, 1, 1, 1})));
    assertTrue(tooFew.getMessage().contains("not one of the class weights' 0..1"),
        tooFew.getMessage());
  }

  @Test
  void columnsThatDoNotFitTheDataAreRefused() throws IOException {
    Dataset data = iris();
    Standardization s = Standardization.fit(data);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ReferenceBackend(data, s, Columns.multinomial(2)));
    assertTrue(e.getMessage().contains("not one of 0..1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> data.withWeights(new double[data.rows()]));
    double[] negative = new double[data.rows()];
    java.util.Arrays.fill(negative, 1);
    negative[7] = -1;
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
        () -> data.withWeights(negative));
    assertTrue(w.getMessage().contains("weights[7] is -1.0 (row 7)"), w.getMessage());
  }
}
