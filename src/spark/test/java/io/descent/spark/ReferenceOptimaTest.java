package io.descent.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.data.Dataset;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * Every exact optimum of {@code datasets/reference.json} (binary logistic, linear and
 * multinomial; L2, lasso and elastic net; class-balanced through a weight column) is reached by
 * the Spark estimators on local[2] to 1e-6 relative, the objective evaluated independently by
 * the float64 reference on the same rows. The keys of one dataset and split are fitted together
 * ({@code fitMultiple}), as a CrossValidator's grid would be.
 */
class ReferenceOptimaTest {
  /**
   * The backend of each split: ND4J (float32, then the float64 finish) on all rows, the float64
   * reference on the training rows (fewer passes: the test runs ~55 fits, each pass a Spark job).
   */
  static String backend(String split) {
    return split.equals("full") ? "nd4j" : "reference";
  }

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** One key: its penalties (Spark's parameters) and its exact objective. */
  private record Key(String name, double l1, double l2, double optimum) {
    /**
     * MLlib's regParam R for these penalties, where the estimator's l2 is R (1 - A) c /
     * labelScale and its l1 R A sqrt(c) (c the features' sample over population variance for the
     * logistic losses, 1 for least squares on few features; labelScale 1 for the logistic
     * losses): see {@code DescentFitter.forLabel}.
     */
    double regParam(double c, double labelScale) {
      return l1 / Math.sqrt(c) + l2 * labelScale / c;
    }

    double elasticNetParam(double c, double labelScale) {
      double r = regParam(c, labelScale);
      return r == 0 ? 0 : l1 / Math.sqrt(c) / r;
    }
  }

  @Test
  void everyShippedOptimumIsReached() {
    JsonNode ref = SparkTests.reference();
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = ref.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> ds = it.next();
      if (ds.getKey().startsWith("_")) {
        continue;
      }
      String task = ds.getValue().get("task").asText();
      double lambda = ds.getValue().get("lambda").asDouble();
      for (String split : List.of("full", "split80_20")) {
        List<Key> plain = new ArrayList<>();
        List<Key> balanced = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> ot = ds.getValue().get(split).fields();
            ot.hasNext();) {
          Map.Entry<String, JsonNode> o = ot.next();
          String name = o.getKey();
          JsonNode v = o.getValue();
          if (!v.isObject() || !v.has("objective_value") || v.has("WARNING")
              || name.equals("gd_hint")) {
            continue;
          }
          double l1 = name.contains("l1_1e-2") ? 0.01 : 0;
          double l2 = name.contains("l2_1e-2") ? 0.01
              : name.contains("lambda") ? lambda : 0;
          Key k = new Key(name, l1, l2, v.get("objective_value").asDouble());
          (name.endsWith("_balanced") ? balanced : plain).add(k);
        }
        Dataset data = SparkTests.load(ds.getKey(), split);
        checked += check(ds.getKey() + "/" + split, split, task, data, plain, failures);
        if (!balanced.isEmpty()) {
          checked += check(ds.getKey() + "/" + split + " balanced", split, task,
              data.withWeights(balancedWeights(data)), balanced, failures);
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertTrue(checked >= 55, "only " + checked + " optima checked");
  }

  /** scikit-learn's balanced weights n / (K n_c) for a binary target. */
  private static double[] balancedWeights(Dataset data) {
    double[] y = data.y();
    int[] count = new int[2];
    for (double v : y) {
      count[(int) v]++;
    }
    double[] w = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      w[i] = y.length / (2.0 * count[(int) y[i]]);
    }
    return w;
  }

  private static int check(String what, String split, String task, Dataset data, List<Key> keys,
      List<String> failures) {
    if (keys.isEmpty()) {
      return 0;
    }
    org.apache.spark.sql.Dataset<Row> frame = SparkTests.frame(spark, data, 2);
    ParamMap[] maps = new ParamMap[keys.size()];
    boolean linear = task.equals("regression");
    boolean multinomial = task.equals("multiclass");
    List<double[][]> fitted = new ArrayList<>();
    if (linear) {
      DescentLinearRegression est = new DescentLinearRegression().setBackend(backend(split));
      if (data.weights() != null) {
        est.setWeightCol("weight");
      }
      double sy = SparkTests.labelScale(data, false);
      for (int i = 0; i < keys.size(); i++) {
        maps[i] = new ParamMap().put(est.regParam().w(keys.get(i).regParam(1, sy)))
            .put(est.elasticNetParam().w(keys.get(i).elasticNetParam(1, sy)));
      }
      est.fitMultiple(frame, maps).forEachRemaining((Tuple2<Integer,
          DescentLinearRegressionModel> t) -> fitted.add(new double[][] {
              t._2().coefficients().toArray(), {t._2().intercept()}}));
    } else {
      DescentLogisticRegression est = new DescentLogisticRegression().setBackend(backend(split));
      if (data.weights() != null) {
        est.setWeightCol("weight");
      }
      double c = SparkTests.sampleVarianceRatio(data);
      for (int i = 0; i < keys.size(); i++) {
        maps[i] = new ParamMap().put(est.regParam().w(keys.get(i).regParam(c, 1)))
            .put(est.elasticNetParam().w(keys.get(i).elasticNetParam(c, 1)));
      }
      est.fitMultiple(frame, maps).forEachRemaining((Tuple2<Integer,
          DescentLogisticRegressionModel> t) -> fitted.add(new double[][] {
              rowMajor(t._2()), t._2().interceptVector().toArray()}));
    }
    Loss loss = linear ? Loss.LINEAR : multinomial ? Loss.MULTINOMIAL : Loss.LOGISTIC;
    for (int i = 0; i < keys.size(); i++) {
      Key k = keys.get(i);
      int classes = fitted.get(i)[1].length;
      double j = SparkTests.objective(data, loss, classes, fitted.get(i)[0], fitted.get(i)[1],
          k.l2(), k.l1(), true);
      double rel = Math.abs(j - k.optimum()) / Math.abs(k.optimum());
      if (!(rel <= 1e-6)) {
        failures.add(String.format("%s %s: objective %.12g, optimum %.12g (relative %.2e)",
            what, k.name(), j, k.optimum(), rel));
      }
    }
    return keys.size();
  }

  static double[] rowMajor(DescentLogisticRegressionModel m) {
    int c = m.coefficientMatrix().numRows();
    int d = m.coefficientMatrix().numCols();
    double[] out = new double[c * d];
    for (int k = 0; k < c; k++) {
      for (int j = 0; j < d; j++) {
        out[k * d + j] = m.coefficientMatrix().apply(k, j);
      }
    }
    return out;
  }
}
