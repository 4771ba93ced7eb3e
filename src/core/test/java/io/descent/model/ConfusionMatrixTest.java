package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Per-class figures as scikit-learn's classification_report computes them. */
class ConfusionMatrixTest {
  @Test
  void figuresFollowFromTheCounts() {
    // 10 negatives (8 called 0), 5 positives (3 called 1).
    ConfusionMatrix c = new ConfusionMatrix(0.5, 8, 2, 2, 3);
    assertEquals(10, c.support(0));
    assertEquals(5, c.support(1));
    assertEquals(0.8, c.precision(0), 1e-15); // 8 / (8 + 2)
    assertEquals(0.8, c.recall(0), 1e-15); // 8 / 10
    assertEquals(0.6, c.precision(1), 1e-15); // 3 / 5
    assertEquals(0.6, c.recall(1), 1e-15);
    assertEquals(0.6, c.f1(1), 1e-15);
    assertEquals(11.0 / 15, c.accuracy(), 1e-15);
    assertEquals(0, new ConfusionMatrix(0.5, 3, 0, 2, 0).precision(1), 0,
        "nothing called 1, but rows of 1: precision 0, as scikit-learn's zero_division=0");
    String report = c.report("ham", "spam");
    assertTrue(report.contains("0 (ham)") && report.contains("1 (spam)"), report);
    assertTrue(report.contains("macro avg") && report.contains("weighted avg"), report);
  }

  @Test
  void theThresholdMovesTheDecisions() {
    double[] y = {0, 0, 1, 1};
    double[] margins = {-2, 0.5, 1, 3}; // probabilities 0.12, 0.62, 0.73, 0.95
    ConfusionMatrix half = Metrics.classification(y, margins).confusion();
    assertEquals(new ConfusionMatrix(0.5, 1, 1, 0, 2), half);
    ConfusionMatrix high = Metrics.classification(y, margins, 0.9).confusion();
    assertEquals(new ConfusionMatrix(0.9, 2, 0, 1, 1), high);
    assertEquals(0.75, Metrics.classification(y, margins, 0.9).accuracy(), 0);
  }

  @Test
  void regressionHasTheMeanAbsoluteError() {
    RegressionMetrics r = Metrics.regression(new double[] {1, 2, 3}, new double[] {1, 3, 1});
    assertEquals(1.0, r.mae(), 1e-15);
    assertEquals(5.0 / 3, r.mse(), 1e-15);
  }

  @Test
  void theAveragesAreThePlainAndTheSupportWeightedMeans() {
    ConfusionMatrix c = new ConfusionMatrix(0.5, 8, 2, 2, 3);
    ConfusionMatrix.Average macro = c.macroAverage();
    assertEquals((c.precision(0) + c.precision(1)) / 2, macro.precision(), 1e-15);
    assertEquals((c.f1(0) + c.f1(1)) / 2, macro.f1(), 1e-15);
    assertEquals(15, macro.support());
    ConfusionMatrix.Average weighted = c.weightedAverage();
    assertEquals((10 * c.recall(0) + 5 * c.recall(1)) / 15, weighted.recall(), 1e-15);
    assertEquals(c.accuracy(), weighted.recall(), 1e-15);
    assertTrue(c.report("0", "1").contains(String.format(java.util.Locale.ROOT,
        "%-12s %10.4f", "weighted avg", weighted.precision())));
  }

  @Test
  void undefinedFiguresFollowScikitLearn() {
    // classification_report([0] * 5, [0, 0, 0, 1, 1]): class 1 predicted but absent.
    ConfusionMatrix c = new ConfusionMatrix(0.5, 3, 2, 0, 0);
    assertEquals(0, c.precision(1), 0);
    assertEquals(0, c.recall(1), 0);
    assertEquals(0, c.f1(1), 0);
    assertAverage(c.macroAverage(), 0.5, 0.3, 0.375, 5);
    assertAverage(c.weightedAverage(), 1.0, 0.6, 0.75, 5);
    // classification_report([0] * 5, [0] * 5): class 1 neither occurs nor is predicted.
    ConfusionMatrix one = new ConfusionMatrix(0.5, 5, 0, 0, 0);
    assertTrue(Double.isNaN(one.precision(1)) && Double.isNaN(one.recall(1)));
    assertAverage(one.macroAverage(), 1, 1, 1, 5);
    assertAverage(one.weightedAverage(), 1, 1, 1, 5);
  }

  @Test
  void multiclassAveragesCountTheClassesThatOccur() {
    // 80% of one class, always predicted: 800 / 180 / 20 rows (scikit-learn: macro precision
    // 0.2667, recall 0.3333, F1 0.2963; weighted precision 0.64, F1 0.7111).
    MulticlassConfusion all = new MulticlassConfusion(
        new long[][] {{800, 0, 0}, {180, 0, 0}, {20, 0, 0}});
    assertEquals(0, all.precision(1), 0);
    assertAverage(all.macroAverage(), 0.8 / 3, 1.0 / 3, 2 * 0.8 / 1.8 / 3, 1000);
    assertAverage(all.weightedAverage(), 0.64, 0.8, 0.8 * 2 * 0.8 / 1.8, 1000);
    // Rows of class 1 only, 3 of 50 predicted as class 2, class 0 neither: scikit-learn
    // reports classes 1 and 2 (macro precision 0.5, recall 0.47, F1 0.4845).
    MulticlassConfusion some = new MulticlassConfusion(
        new long[][] {{0, 0, 0}, {0, 47, 3}, {0, 0, 0}});
    assertTrue(Double.isNaN(some.precision(0)));
    assertEquals(0, some.recall(2), 0);
    assertAverage(some.macroAverage(), 0.5, 0.47, 2 * 0.94 / 1.94 / 2, 50);
    assertAverage(some.weightedAverage(), 1, 0.94, 2 * 0.94 / 1.94, 50);
  }

  private static void assertAverage(ConfusionMatrix.Average a, double precision, double recall,
      double f1, long support) {
    assertEquals(precision, a.precision(), 1e-12, a.name() + " precision");
    assertEquals(recall, a.recall(), 1e-12, a.name() + " recall");
    assertEquals(f1, a.f1(), 1e-12, a.name() + " f1");
    assertEquals(support, a.support(), a.name() + " support");
  }
}
