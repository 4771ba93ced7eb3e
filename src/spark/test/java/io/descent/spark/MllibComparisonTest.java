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
 * Against MLlib's own estimators on the same DataFrame: Descent's objective at Descent's fit is
 * at most its objective at MLlib's coefficients (mapped to the same predictor on the raw
 * features) plus 1e-9 relative.
 *
 * <p>The mapping of the penalties: MLlib's logistic regression penalizes {@code R (A |w_std| +
 * (1 - A)/2 w_std^2)} as Descent does (l1 = R A, l2 = R (1 - A)). MLlib's linear regression also
 * divides the label by its standard deviation {@code s_y} (the sample one) before penalizing;
 * multiplied out, its objective is Descent's with {@code l2 = R (1 - A)} and {@code l1 = R A
 * s_y}. So a lasso with MLlib's {@code regParam R} is Descent's with {@code regParam R s_y}.
 * (MLlib's feature scales are the sample standard deviations, Descent's the population ones:
 * MLlib's point is then a near miss of Descent's objective, never below it.)
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
      double jd = SparkTests.objective(data, Loss.LOGISTIC, 1, d.coefficients().toArray(),
          new double[] {d.intercept()}, r * (1 - a), r * a, true);
      double jm = SparkTests.objective(data, Loss.LOGISTIC, 1, m.coefficients().toArray(),
          new double[] {m.intercept()}, r * (1 - a), r * a, true);
      assertAtMost(jd, jm, "logistic A=" + a);
    }
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
    double jd = SparkTests.objective(data, Loss.MULTINOMIAL, 3,
        ReferenceOptimaTest.rowMajor(d), d.interceptVector().toArray(), r, 0, true);
    double jm = SparkTests.objective(data, Loss.MULTINOMIAL, 3, rowMajor(
        m.coefficientMatrix()), m.interceptVector().toArray(), r, 0, true);
    assertAtMost(jd, jm, "multinomial");
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
      double sy = SparkTests.labelScale(d);
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
        // And the same coefficients, but for MLlib's sample standard deviation of the features
        // where Descent takes the population one (a penalty 442/441 as strong): within 1e-2 of
        // the largest (a mapping off by s_y = 77 moved them by 38%).
        double[] cd = dm.coefficients().toArray();
        double[] cm = m.coefficients().toArray();
        double largest = 0;
        for (double v : cm) {
          largest = Math.max(largest, Math.abs(v));
        }
        for (int j = 0; j < cd.length; j++) {
          assertEquals(cm[j], cd[j], 1e-2 * largest, what + " coefficient " + j);
        }
        assertEquals(m.intercept(), dm.intercept(), 1e-2 * Math.abs(m.intercept()) + 1e-2
            * largest, what + " intercept");
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
