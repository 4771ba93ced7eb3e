package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The normal-equations backend against the reference: loss and gradient of random parameters on
 * the shipped regression sets and generated ones (weights, a constant column, a mean far from 0,
 * no standardization, another standardization than the moments' shift, K columns, folds), to a
 * relative error of {@value #REL}.
 */
class GramBackendTest {
  /** The stated bound: relative error of the loss and of the gradient's norm. */
  static final double REL = 1e-9;

  private static void assertAgrees(Dataset data, Standardization s, Columns columns,
      GramBackend gram, long seed) {
    int p = data.features() + 1;
    ReferenceBackend ref = new ReferenceBackend(data, s, columns);
    for (int trial = 0; trial < 4; trial++) {
      double[] w = MomentsFixtures.random(p * columns.count(), seed + trial, trial == 0 ? 0
          : 3.0 / trial);
      BatchedEvaluation e = ref.evaluateColumns(w, Batch.all(data.rows()));
      BatchedEvaluation g = gram.evaluateColumns(w, Batch.all(data.rows()));
      for (int q = 0; q < columns.groups(); q++) {
        assertEquals(e.weight()[q], g.weight()[q], 1e-12 * e.weight()[q], "weight " + q);
        double rel = Math.abs(g.loss()[q] - e.loss()[q]) / Math.abs(e.loss()[q]);
        assertTrue(rel <= REL, "loss of group " + q + ": " + g.loss()[q] + " vs reference "
            + e.loss()[q] + " (relative " + rel + ")");
      }
      for (int k = 0; k < columns.count(); k++) {
        double[] ge = e.column(k);
        double[] gg = g.column(k);
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < p; j++) {
          diff += (ge[j] - gg[j]) * (ge[j] - gg[j]);
          norm += ge[j] * ge[j];
        }
        double rel = Math.sqrt(diff / norm);
        assertTrue(rel <= REL, "gradient of column " + k + ": relative error " + rel);
      }
    }
  }

  private static GramBackend gram(Dataset data, Standardization s, Columns columns) {
    return GramBackend.of(new ReferenceBackend(data, Standardization.fit(data), columns), s,
        columns);
  }

  @Test
  void diabetesAndMtcarsMatchTheReference() {
    for (Dataset data : new Dataset[] {MomentsFixtures.diabetes(), MomentsFixtures.mtcars()}) {
      Standardization s = Standardization.fit(data);
      Columns one = Columns.single(Loss.LINEAR);
      assertAgrees(data, s, one, gram(data, s, one), 1);
      Columns five = Columns.of(Loss.LINEAR, 5);
      assertAgrees(data, s, five, gram(data, s, five), 2);
    }
  }

  @Test
  void weightedMatchesTheReference() {
    Dataset diabetes = MomentsFixtures.diabetes();
    double[] w = new double[diabetes.rows()];
    Random r = new Random(3);
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextInt(5) == 0 ? 0 : r.nextDouble() * 3;
    }
    Dataset weighted = diabetes.withWeights(w);
    Standardization s = Standardization.fit(weighted);
    Columns one = Columns.single(Loss.LINEAR);
    assertAgrees(weighted, s, one, gram(weighted, s, one), 4);
  }

  @Test
  void generatedSetsWithAConstantColumnAndLargeMeansMatch() {
    for (boolean weighted : new boolean[] {false, true}) {
      Dataset data = MomentsFixtures.generated(3000, 6, weighted, 5);
      Standardization s = Standardization.fit(data);
      Columns three = Columns.of(Loss.LINEAR, 3);
      assertAgrees(data, s, three, gram(data, s, three), 6);
    }
  }

  @Test
  void oneFeatureAndNoStandardization() {
    Dataset data = MomentsFixtures.generated(500, 1, true, 7);
    Columns one = Columns.single(Loss.LINEAR);
    Standardization s = Standardization.fit(data);
    assertAgrees(data, s, one, gram(data, s, one), 8);
    Standardization identity = Standardization.identity(1);
    assertAgrees(data, identity, one, gram(data, identity, one), 9);
    Dataset mtcars = MomentsFixtures.mtcars();
    Standardization none = Standardization.identity(mtcars.features());
    assertAgrees(mtcars, none, one, gram(mtcars, none, one), 10);
  }

  @Test
  void foldsAreTheTotalLessTheHeldOutFold() {
    Dataset data = MomentsFixtures.generated(2000, 5, true, 11);
    int[] rowFold = new int[data.rows()];
    for (int i = 0; i < rowFold.length; i++) {
      rowFold[i] = i % 4;
    }
    // Groups leave out folds 0..3, and one leaves out none.
    Columns folds = Columns.of(Loss.LINEAR, 5).withFolds(rowFold, new int[] {0, 1, 2, 3, -1});
    Standardization s = Standardization.fit(data);
    assertAgrees(data, s, folds, gram(data, s, folds), 12);
  }

  @Test
  void refusesOtherLossesAndMiniBatches() {
    Dataset data = MomentsFixtures.mtcars();
    Standardization s = Standardization.fit(data);
    Moments[] m = {new ReferenceBackend(data, s, Loss.LINEAR).moments()};
    BackendInfo info = new BackendInfo(BackendKind.REFERENCE, "Java (host CPU)", "float64", "-");
    assertThrows(IllegalArgumentException.class,
        () -> new GramBackend(m, data.rows(), s, Columns.single(Loss.LOGISTIC), info));
    GramBackend gram = new GramBackend(m, data.rows(), s, Columns.single(Loss.LINEAR), info);
    double[] theta = new double[data.features() + 1];
    assertThrows(IllegalArgumentException.class,
        () -> gram.evaluateColumns(theta, new Batch(null, 0, 10)));
    assertEquals("reference (normal equations (statistics from Java (host CPU)), float64)",
        gram.info().summary());
  }
}
