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
    assertTrue(Double.isNaN(new ConfusionMatrix(0.5, 3, 0, 2, 0).precision(1)),
        "nothing called 1: precision undefined");
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
}
