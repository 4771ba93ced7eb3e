package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.data.BinaryLabels;
import io.descent.data.Dataset;
import io.descent.loss.Loss;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics on hand-computed cases and against the exact optima of {@code reference.json}. */
class MetricsTest {
  /** The figures in reference.json were computed in float64 from the same optima. */
  private static final double EXACT = 1e-11;

  private static void assertRelative(double expected, double actual, double tol, String what) {
    double err = Math.abs(actual - expected) / Math.abs(expected);
    assertTrue(err <= tol, what + ": expected " + expected + ", got " + actual + " (relative error "
        + err + ")");
  }

  // ---- hand-computed cases ----

  @Test
  void regressionByHand() {
    // residuals -0.5, 0, 1, -1: SS_res = 2.25; mean 2.5: SS_tot = 5.
    RegressionMetrics r = Metrics.regression(new double[] {1, 2, 3, 4},
        new double[] {1.5, 2, 2, 5});
    assertEquals(4, r.rows());
    assertEquals(0.5625, r.mse(), 1e-15);
    assertEquals(0.75, r.rmse(), 1e-15);
    assertEquals(0.55, r.r2(), 1e-15);
    assertEquals("mse 0.5625000 rmse 0.7500000 r2 0.5500000 (4 rows)", r.toString());
    // |residuals| 0.5, 0, 1, 1: MAE = 2.5 / 4.
    assertEquals(0.625, r.mae(), 1e-15);
    assertEquals(Map.of("mse", 0.5625, "rmse", 0.75, "r2", 0.55, "mae", 0.625), r.values());
    assertEquals(List.of("mse", "rmse", "r2", "mae"), List.copyOf(r.values().keySet()));
  }

  @Test
  void perfectPredictionsHaveR2One() {
    RegressionMetrics r = Metrics.regression(new double[] {3, -1, 7}, new double[] {3, -1, 7});
    assertEquals(0, r.mse());
    assertEquals(1, r.r2());
  }

  @Test
  void r2IsNaNWhenTargetsAreConstant() {
    assertTrue(Double.isNaN(Metrics.regression(new double[] {2, 2, 2},
        new double[] {1, 2, 3}).r2()));
    assertTrue(Double.isNaN(Metrics.regression(new double[] {2, 2}, new double[] {2, 2}).r2()));
    assertTrue(Double.isNaN(Metrics.regression(new double[] {5}, new double[] {4}).r2()));
    assertEquals(1.0, Metrics.regression(new double[] {5}, new double[] {4}).mse());
  }

  @Test
  void regressionSumsAreCompensated() {
    // A large offset on every target: naive sums of (y - mean)^2 lose the small spread.
    double[] y = new double[1000];
    double[] p = new double[1000];
    for (int i = 0; i < y.length; i++) {
      y[i] = 1e8 + (i % 2 == 0 ? 1 : -1);
      p[i] = 1e8;
    }
    RegressionMetrics r = Metrics.regression(y, p);
    assertEquals(1.0, r.mse(), 0);
    assertEquals(0.0, r.r2(), 1e-12);
  }

  @Test
  void logLossByHand() {
    double ln3 = Math.log(3);
    ClassificationMetrics c = Metrics.classification(new double[] {1, 1, 0},
        new double[] {0, ln3, -ln3});
    double expected = (Math.log(2) + 2 * Math.log(4.0 / 3)) / 3;
    assertEquals(expected, c.meanLogLoss(), 1e-15);
    // m = 0 is class 0 (probability exactly 0.5 is not above the threshold).
    assertEquals(2.0 / 3, c.accuracy(), 1e-15);
    assertEquals(2, c.positives());
    assertEquals(3, c.rows());
  }

  @Test
  void logLossIsExactForExtremeMargins() {
    // Probabilities round to 0 or 1 here; a probability-based loss would need clipping.
    double[] y = {1, 0, 0, 1};
    double[] m = {40, -1000, 1000, -800};
    ClassificationMetrics c = Metrics.classification(y, m);
    double expected = (Math.exp(-40) + 0 + 1000 + 800) / 4;
    assertEquals(expected, c.meanLogLoss(), 1e-12);
    assertEquals(0.5, c.accuracy());
    // A confident correct prediction still costs something, computed without cancellation.
    double tiny = Metrics.classification(new double[] {1, 0}, new double[] {40, -40})
        .meanLogLoss();
    assertRelative(Math.exp(-40), tiny, 1e-12, "log loss at |m| = 40");
    double infinite = Metrics.classification(new double[] {1, 0},
        new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}).meanLogLoss();
    assertEquals(0.0, infinite);
  }

  @Test
  void rocAucByHand() {
    // scikit-learn's roc_auc_score example.
    assertEquals(0.75, Metrics.rocAuc(new double[] {0, 0, 1, 1},
        new double[] {0.1, 0.4, 0.35, 0.8}), 1e-15);
    assertEquals(1.0, Metrics.rocAuc(new double[] {0, 1}, new double[] {-1, 1}));
    assertEquals(0.0, Metrics.rocAuc(new double[] {0, 1}, new double[] {1, -1}));
  }

  @Test
  void rocAucGivesTiesHalfCredit() {
    // Positives score 1, 2, 3; negatives 1, 2. Pairs: (1,1) 1/2, (1,2) 0, (2,1) 1, (2,2) 1/2,
    // (3,1) 1, (3,2) 1: U = 4 of 6. By average ranks: 1.5 + 3.5 + 5 - 3 * 4 / 2 = 4.
    assertEquals(2.0 / 3, Metrics.rocAuc(new double[] {0, 1, 0, 1, 1},
        new double[] {1, 1, 2, 2, 3}), 1e-15);
    // Everything tied: chance.
    assertEquals(0.5, Metrics.rocAuc(new double[] {0, 1, 1, 0, 1},
        new double[] {7, 7, 7, 7, 7}));
    // -0.0 and 0.0 are the same score.
    assertEquals(0.5, Metrics.rocAuc(new double[] {0, 1}, new double[] {0.0, -0.0}));
  }

  @Test
  void rocAucMatchesPairCountingOnRandomTiedScores() {
    java.util.Random rnd = new java.util.Random(5);
    for (int trial = 0; trial < 20; trial++) {
      int n = 2 + rnd.nextInt(60);
      double[] y = new double[n];
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = rnd.nextBoolean() ? 1 : 0;
        s[i] = rnd.nextInt(6); // many ties
      }
      y[0] = 0;
      y[1] = 1;
      double u = 0;
      int pairs = 0;
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          if (y[i] == 1 && y[k] == 0) {
            u += s[i] > s[k] ? 1 : s[i] == s[k] ? 0.5 : 0;
            pairs++;
          }
        }
      }
      assertEquals(u / pairs, Metrics.rocAuc(y, s), 1e-15);
    }
  }

  @Test
  void rocAucIsNaNWithOneClass() {
    assertTrue(Double.isNaN(Metrics.rocAuc(new double[] {1, 1}, new double[] {0.2, 0.9})));
    ClassificationMetrics c = Metrics.classification(new double[] {0, 0}, new double[] {-1, 2});
    assertTrue(Double.isNaN(c.rocAuc()));
    assertEquals(0.5, c.accuracy());
  }

  @Test
  void badInputIsRejectedWithTheRow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.classification(new double[] {0, 2}, new double[] {0, 0}));
    assertEquals("target of row 1 must be 0 or 1, got 2.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.rocAuc(new double[] {0, 1}, new double[] {0, Double.NaN}));
    assertEquals("score of row 1 is NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.regression(new double[] {1}, new double[] {1, 2}));
    assertEquals("targets and predictions differ in length: 1 vs 2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.regression(new double[0], new double[0]));
    assertEquals("no rows to evaluate", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.regression(new double[] {1, Double.NaN}, new double[] {1, 2}));
    assertEquals("target of row 1 is not finite: NaN", e.getMessage());
  }

  @Test
  void classificationToStringIsReadable() {
    ClassificationMetrics c = new ClassificationMetrics(4601, 1813, 0.24020730435818285,
        0.9180612910236905, 0.9692262204816007);
    assertEquals("log loss 0.2402073 accuracy 0.9181 roc auc 0.9692262 (4601 rows, 1813 positive)",
        c.toString());
    assertEquals(List.of("mean_log_loss", "accuracy", "roc_auc"),
        List.copyOf(c.values().keySet()));
  }

  // ---- against reference.json ----

  private static JsonNode fit(String dataset, String part, String fit) {
    return TestData.reference().get(dataset).get(part).get(fit);
  }

  private static void assertRegression(JsonNode expected, RegressionMetrics actual, double tol,
      String what) {
    assertRelative(expected.get("mse").doubleValue(), actual.mse(), tol, what + " mse");
    assertRelative(expected.get("rmse").doubleValue(), actual.rmse(), tol, what + " rmse");
    assertRelative(expected.get("r2").doubleValue(), actual.r2(), tol, what + " r2");
  }

  private static void assertClassification(JsonNode expected, ClassificationMetrics actual,
      double tol, String what) {
    assertRelative(expected.get("mean_log_loss").doubleValue(), actual.meanLogLoss(), tol,
        what + " log loss");
    assertRelative(expected.get("accuracy").doubleValue(), actual.accuracy(), tol,
        what + " accuracy");
    assertRelative(expected.get("roc_auc").doubleValue(), actual.rocAuc(), tol, what + " roc auc");
  }

  @Test
  void diabetesFullOlsTrainMetrics() {
    LinearModel model = TestData.referenceModel("diabetes", "full", "ols", Loss.LINEAR);
    TestData.Table t = TestData.csv("diabetes");
    RegressionMetrics r = Metrics.regression(t.y(), TestData.margins(model, t.x()));
    assertEquals(442, r.rows());
    JsonNode f = fit("diabetes", "full", "ols");
    assertRegression(f.get("train"), r, EXACT, "diabetes full ols train");
    // The objective is half the MSE at the optimum.
    assertRelative(f.get("objective_value").doubleValue(), r.mse() / 2, EXACT, "objective");
  }

  @Test
  void diabetesSplitOlsTestMetrics() {
    LinearModel model = TestData.referenceModel("diabetes", "split80_20", "ols", Loss.LINEAR);
    TestData.Table all = TestData.csv("diabetes");
    JsonNode f = fit("diabetes", "split80_20", "ols");
    TestData.Table train = all.rows(TestData.split("diabetes", "train"));
    TestData.Table test = all.rows(TestData.split("diabetes", "test"));
    assertEquals(89, test.y().length);
    assertRegression(f.get("train"), Metrics.regression(train.y(),
        TestData.margins(model, train.x())), EXACT, "diabetes split train");
    assertRegression(f.get("test"), Metrics.regression(test.y(),
        TestData.margins(model, test.x())), EXACT, "diabetes split test");
  }

  @Test
  void diabetesRidgeObjective() {
    LinearModel model = TestData.referenceModel("diabetes", "full", "ridge_lambda_1e-2",
        Loss.LINEAR);
    TestData.Table t = TestData.csv("diabetes");
    RegressionMetrics r = Metrics.regression(t.y(), TestData.margins(model, t.x()));
    JsonNode f = fit("diabetes", "full", "ridge_lambda_1e-2");
    assertRegression(f.get("train"), r, EXACT, "diabetes ridge train");
    double penalty = new io.descent.loss.Objective(Loss.LINEAR, 0.01).penalty(model.theta());
    assertRelative(f.get("objective_value").doubleValue(), r.mse() / 2 + penalty, EXACT,
        "ridge objective");
  }

  @Test
  void spambaseFullL2TrainMetrics() {
    LinearModel model = TestData.referenceModel("spambase", "full", "logistic_l2_lambda_1e-2",
        Loss.LOGISTIC);
    TestData.Table t = TestData.csv("spambase");
    ClassificationMetrics c = Metrics.classification(t.y(), TestData.margins(model, t.x()));
    JsonNode f = fit("spambase", "full", "logistic_l2_lambda_1e-2");
    assertClassification(f.get("train"), c, EXACT, "spambase full L2 train");
    double penalty = new io.descent.loss.Objective(Loss.LOGISTIC, 0.01).penalty(model.theta());
    assertRelative(f.get("objective_value").doubleValue(), c.meanLogLoss() + penalty, EXACT,
        "L2 objective");
  }

  @Test
  void spambaseSplitL2TestMetrics() {
    LinearModel model = TestData.referenceModel("spambase", "split80_20",
        "logistic_l2_lambda_1e-2", Loss.LOGISTIC);
    TestData.Table test = TestData.csv("spambase").rows(TestData.split("spambase", "test"));
    assertEquals(921, test.y().length);
    ClassificationMetrics c = Metrics.classification(test.y(), TestData.margins(model, test.x()));
    assertClassification(fit("spambase", "split80_20", "logistic_l2_lambda_1e-2").get("test"), c,
        EXACT, "spambase split L2 test");
  }

  @Test
  void spambaseQuasiSeparatedTestLogLossNeedsMargins() {
    // Margins reach |m| ~ 4400 here; clipping probabilities to [1e-15, 1 - 1e-15] would change
    // the test log loss by about 8%. The margin form matches the reference exactly.
    LinearModel model = TestData.referenceModel("spambase", "split80_20", "logistic_unpenalized",
        Loss.LOGISTIC);
    TestData.Table test = TestData.csv("spambase").rows(TestData.split("spambase", "test"));
    ClassificationMetrics c = Metrics.classification(test.y(), TestData.margins(model, test.x()));
    assertClassification(fit("spambase", "split80_20", "logistic_unpenalized").get("test"), c,
        EXACT, "spambase split unpenalized test");
  }

  @Test
  void evaluateOnFloat32DatasetsAgreesToFloat32Accuracy() {
    // Through Dataset the features are float32, as the CSV reader stores them: rounding each
    // feature moves the metrics by about 1e-8 relative, so this path is checked to 1e-6.
    LinearModel lin = TestData.referenceModel("diabetes", "full", "ols", Loss.LINEAR);
    Dataset diabetes = TestData.csv("diabetes").toDataset("diabetes.csv", null);
    ModelMetrics m = Metrics.evaluate(lin, diabetes);
    assertRegression(fit("diabetes", "full", "ols").get("train"),
        assertInstanceOf(RegressionMetrics.class, m), 1e-6, "diabetes float32");

    LinearModel log = TestData.referenceModel("spambase", "full", "logistic_l2_lambda_1e-2",
        Loss.LOGISTIC);
    Dataset spam = TestData.csv("spambase").toDataset("spambase.csv", BinaryLabels.zeroOne());
    assertClassification(fit("spambase", "full", "logistic_l2_lambda_1e-2").get("train"),
        assertInstanceOf(ClassificationMetrics.class, Metrics.evaluate(log, spam)), 1e-6,
        "spambase float32");
  }

  @Test
  void evaluateRejectsDataWithoutTargetOrWithOtherLabels() {
    LinearModel log = LinearModel.of(Loss.LOGISTIC, List.of("a"), "y",
        new BinaryLabels("ham", "spam"), io.descent.data.Standardization.identity(1),
        new double[] {0, 1});
    Dataset noTarget = new Dataset("new.csv", List.of("a"), null, new float[] {1},
        new double[] {Double.NaN}, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Metrics.evaluate(log, noTarget));
    assertEquals("new.csv has no target column, so the model cannot be evaluated on it (expected"
        + " \"y\")", e.getMessage());
    Dataset swapped = new Dataset("swapped.csv", List.of("a"), "y", new float[] {1, 2},
        new double[] {0, 1}, new BinaryLabels("spam", "ham"));
    e = assertThrows(IllegalArgumentException.class, () -> Metrics.evaluate(log, swapped));
    assertEquals("swapped.csv codes its target as spam = 0, ham = 1 but the model uses ham = 0,"
        + " spam = 1", e.getMessage());
  }
}
