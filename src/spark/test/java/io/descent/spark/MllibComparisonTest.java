package io.descent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.loss.Loss;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against MLlib's own estimators on the same DataFrame, with the same regParam R and
 * elasticNetParam A: the same objective (Descent's objective at Descent's fit at most its
 * objective at MLlib's coefficients plus 1e-9 relative) and the same coefficients (to 1e-5 of
 * the largest; MLlib's own tolerance is the difference).
 *
 * <p>The objective, in Descent's terms (features scaled by their population standard deviation
 * sigma_p): MLlib's logistic regression penalizes {@code R (A |w sigma_s| + (1 - A)/2 (w
 * sigma_s)^2)} with the sample one sigma_s, sigma_s^2 = c sigma_p^2 for every feature, so l1 =
 * R A sqrt(c) and l2 = R (1 - A) c; its linear regression on few features (the normal equations)
 * scales by sigma_p and divides the label by its population standard deviation s_y first, so
 * l1 = R A and l2 = R (1 - A) / s_y.
 */
class MllibComparisonTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static void assertAtMost(double descent, double mllib, String what) {
    assertTrue(descent <= mllib + 1e-9 * Math.abs(mllib), what + ": Descent " + descent
        + " > MLlib " + mllib);
  }

  @Test
  void binaryLogisticRegression() {
    Dataset data = SparkTests.load("breast_cancer_wisconsin_original", "full");
    org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark, data, 2).cache();
    for (double a : new double[] {0, 0.5}) {
      double r = 0.01;
      DescentLogisticRegressionModel d = new DescentLogisticRegression().setBackend("nd4j")
          .setRegParam(r).setElasticNetParam(a).fit(frame);
      LogisticRegressionModel m = new LogisticRegression().setRegParam(r).setElasticNetParam(a)
          .setMaxIter(1000).setTol(1e-12).fit(frame);
      double c = SparkTests.sampleVarianceRatio(data);
      double jd = SparkTests.objective(data, Loss.LOGISTIC, 1, d.coefficients().toArray(),
          new double[] {d.intercept()}, r * (1 - a) * c, r * a * Math.sqrt(c), true);
      double jm = SparkTests.objective(data, Loss.LOGISTIC, 1, m.coefficients().toArray(),
          new double[] {m.intercept()}, r * (1 - a) * c, r * a * Math.sqrt(c), true);
      assertAtMost(jd, jm, "logistic A=" + a);
      assertClose(m.coefficients().toArray(), m.intercept(), d.coefficients().toArray(),
          d.intercept(), "logistic A=" + a);
    }
  }

  /** The same coefficients and intercept, to 1e-5 of the largest coefficient. */
  private static void assertClose(double[] mllib, double mllibIntercept, double[] descent,
      double descentIntercept, String what) {
    double largest = 0;
    for (double v : mllib) {
      largest = Math.max(largest, Math.abs(v));
    }
    for (int j = 0; j < mllib.length; j++) {
      assertEquals(mllib[j], descent[j], 1e-5 * largest, what + " coefficient " + j);
    }
    assertEquals(mllibIntercept, descentIntercept, 1e-5 * Math.max(largest,
        Math.abs(mllibIntercept)), what + " intercept");
  }

  @Test
  void multinomialLogisticRegression() {
    Dataset data = SparkTests.load("wine", "full");
    org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark, data, 2);
    double r = 0.01;
    DescentLogisticRegressionModel d = new DescentLogisticRegression().setBackend("nd4j")
        .setRegParam(r).fit(frame);
    LogisticRegressionModel m = new LogisticRegression().setFamily("multinomial")
        .setRegParam(r).setMaxIter(1000).setTol(1e-12).fit(frame);
    double c = SparkTests.sampleVarianceRatio(data);
    double jd = SparkTests.objective(data, Loss.MULTINOMIAL, 3,
        ReferenceOptimaTest.rowMajor(d), d.interceptVector().toArray(), r * c, 0, true);
    double jm = SparkTests.objective(data, Loss.MULTINOMIAL, 3, rowMajor(
        m.coefficientMatrix()), m.interceptVector().toArray(), r * c, 0, true);
    assertAtMost(jd, jm, "multinomial");
    double[] wm = rowMajor(m.coefficientMatrix());
    double[] wd = ReferenceOptimaTest.rowMajor(d);
    double largest = 0;
    for (double v : wm) {
      largest = Math.max(largest, Math.abs(v));
    }
    for (int j = 0; j < wm.length; j++) {
      assertEquals(wm[j], wd[j], 1e-5 * largest, "multinomial weight " + j);
    }
    // With L1 too, and the intercepts centered as MLlib's (their sum 0).
    DescentLogisticRegressionModel dl = new DescentLogisticRegression().setBackend("nd4j")
        .setRegParam(0.02).setElasticNetParam(0.5).fit(frame);
    LogisticRegressionModel ml = new LogisticRegression().setFamily("multinomial")
        .setRegParam(0.02).setElasticNetParam(0.5).setMaxIter(1000).setTol(1e-12).fit(frame);
    double[] bd = dl.interceptVector().toArray();
    double[] bm = ml.interceptVector().toArray();
    double scale = 0;
    for (double v : bm) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertEquals(0, bd[0] + bd[1] + bd[2], 1e-12 * scale, "centered intercepts");
    for (int k = 0; k < bm.length; k++) {
      assertEquals(bm[k], bd[k], 1e-4 * scale, "multinomial L1 intercept " + k);
    }
  }

  @Test
  void linearRegression() {
    Dataset data = SparkTests.load("diabetes", "full");
    double[] w = new double[data.rows()];
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.5 + 2 * random.nextDouble();
    }
    for (Dataset d : List.of(data, data.withWeights(w))) {
      boolean weighted = d.weights() != null;
      org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark, d, 2).cache();
      double sy = SparkTests.labelScale(d, false);
      // The same regParam R and elasticNetParam A as MLlib's: OLS, ridge, lasso, elastic net.
      double[][] cases = {{0, 0}, {1, 0}, {0.5, 1}, {0.3, 0.5}};
      for (double[] c : cases) {
        double r = c[0];
        double a = c[1];
        DescentLinearRegression descent = new DescentLinearRegression().setBackend("nd4j")
            .setRegParam(r).setElasticNetParam(a);
        LinearRegression mllib = new LinearRegression().setRegParam(r).setElasticNetParam(a)
            .setMaxIter(1000).setTol(1e-12);
        if (weighted) {
          descent.setWeightCol("weight");
          mllib.setWeightCol("weight");
        }
        DescentLinearRegressionModel dm = descent.fit(frame);
        LinearRegressionModel m = mllib.fit(frame);
        String what = (weighted ? "weighted " : "") + "linear R=" + r + " A=" + a;
        // MLlib's objective multiplied out: l2 = R (1 - A) / s_y, l1 = R A.
        double l2 = r * (1 - a) / sy;
        double l1 = r * a;
        double jd = SparkTests.objective(d, Loss.LINEAR, 1, dm.coefficients().toArray(),
            new double[] {dm.intercept()}, l2, l1, true);
        double jm = SparkTests.objective(d, Loss.LINEAR, 1, m.coefficients().toArray(),
            new double[] {m.intercept()}, l2, l1, true);
        assertAtMost(jd, jm, what);
        assertClose(m.coefficients().toArray(), m.intercept(), dm.coefficients().toArray(),
            dm.intercept(), what);
      }
    }
  }

  private static double[] rowMajor(Matrix m) {
    double[] out = new double[m.numRows() * m.numCols()];
    for (int k = 0; k < m.numRows(); k++) {
      for (int j = 0; j < m.numCols(); j++) {
        out[k * m.numCols() + j] = m.apply(k, j);
      }
    }
    return out;
  }
}
