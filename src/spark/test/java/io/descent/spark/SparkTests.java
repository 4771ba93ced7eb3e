package io.descent.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Split;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** What the Spark tests share: a local[2] session, the shipped datasets, the exact objective. */
final class SparkTests {
  private SparkTests() {}

  /** A local[2] session bound to 127.0.0.1; the caller stops it. */
  static SparkSession session() {
    return SparkSession.builder().master("local[2]").appName("descent-spark-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  static Path datasets() {
    return Path.of(System.getProperty("descent.datasets", "datasets"));
  }

  static JsonNode reference() {
    try {
      return new ObjectMapper().readTree(datasets().resolve("reference.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A shipped CSV (target last, numeric), all rows or the 80/20 training rows. */
  static Dataset load(String name, String split) {
    try {
      String target = reference().get(name).get("target").asText();
      Dataset all = new CsvReader(CsvReader.Options.numericTarget(target))
          .read(datasets().resolve(name + ".csv"));
      if (split.equals("full")) {
        return all;
      }
      return all.rows(Split.readIndices(datasets().resolve("splits/" + name + ".train.idx"),
          all.rows()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows as a DataFrame (features, label[, weight]) in {@code partitions} partitions. */
  /**
   * MLlib's label scale s_y for {@code LinearRegression}, computed here on its own: the weighted
   * sample standard deviation sum w (y - mean)^2 / (W - sum w^2 / W), rows of weight 0 left out.
   */
  /**
   * The label's weighted standard deviation as MLlib's linear regression takes it: the sample
   * one (its L-BFGS solver) or the population one (its normal equations).
   */
  static double labelScale(Dataset data, boolean sample) {
    double[] sums = weightSums(data);
    double mean = 0;
    for (int i = 0; i < data.rows(); i++) {
      mean += data.weight(i) * data.y()[i];
    }
    mean /= sums[0];
    double ss = 0;
    for (int i = 0; i < data.rows(); i++) {
      double c = data.y()[i] - mean;
      ss += data.weight(i) * c * c;
    }
    return Math.sqrt(ss / (sample ? sums[0] - sums[1] / sums[0] : sums[0]));
  }

  /** The features' sample variance over their population variance: W / (W - sum w^2 / W). */
  static double sampleVarianceRatio(Dataset data) {
    double[] sums = weightSums(data);
    return sums[0] / (sums[0] - sums[1] / sums[0]);
  }

  /** The rows' total weight W and sum of squared weights. */
  private static double[] weightSums(Dataset data) {
    double total = 0;
    double squares = 0;
    for (int i = 0; i < data.rows(); i++) {
      double w = data.weight(i);
      total += w;
      squares += w * w;
    }
    return new double[] {total, squares};
  }

  static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset data,
      int partitions) {
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType);
    if (data.weights() != null) {
      schema = schema.add("weight", DataTypes.DoubleType);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < data.rows(); i++) {
      double[] x = new double[data.features()];
      for (int j = 0; j < x.length; j++) {
        x[j] = data.get(i, j);
      }
      rows.add(data.weights() == null ? RowFactory.create(Vectors.dense(x), data.y()[i])
          : RowFactory.create(Vectors.dense(x), data.y()[i], data.weight(i)));
    }
    return spark.createDataFrame(rows, schema).repartition(partitions);
  }

  /**
   * Descent's exact objective (float64 reference) of raw-space coefficients on the data:
   * weighted mean loss + l1 ||w||_1 + (l2/2) ||w||^2 over the standardized weights.
   *
   * @param coefficients {@code classes x d}, row-major
   */
  static double objective(Dataset data, Loss loss, int classes, double[] coefficients,
      double[] intercepts, double l2, double l1, boolean standardize) {
    int d = data.features();
    Standardization std = standardize ? Standardization.fit(data)
        : Standardization.identity(d);
    int p = d + 1;
    double[] theta = new double[classes * p];
    double penalty = 0;
    for (int k = 0; k < classes; k++) {
      double b = intercepts[k];
      for (int j = 0; j < d; j++) {
        double w = coefficients[k * d + j] * std.scale(j);
        theta[k * p + 1 + j] = w;
        b += coefficients[k * d + j] * std.mean(j);
        penalty += l1 * Math.abs(w) + 0.5 * l2 * w * w;
      }
      theta[k * p] = b;
    }
    Columns columns = loss.coupled() ? Columns.multinomial(classes) : Columns.single(loss);
    BatchedEvaluation e = new ReferenceBackend(data, std, columns)
        .evaluateColumns(theta, Batch.all(data.rows()));
    return e.loss()[0] + penalty;
  }
}
