package io.descent.spark;

import java.util.Iterator;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.random.XORShiftRandom;

/**
 * The fold of every row as MLlib's {@code CrossValidator} draws it without a {@code foldCol}
 * ({@code MLUtils.kFold}): partition p of the rows gets the p-th {@code nextLong()} of a {@code
 * java.util.Random(seed)} as its seed, each row in order draws one {@code nextDouble()} from
 * Spark's {@code XORShiftRandom} seeded with it, and the row belongs to fold f when that draw
 * lies in {@code [f / k, (f + 1) / k)} (bounds in float, as there). So on the same DataFrame
 * (same partitions, same row order) the folds are MLlib's.
 */
final class KFolds {
  private KFolds() {}

  /**
   * The rows with one more column, {@code name}: each row's fold, 0..k-1.
   *
   * @param k the number of folds (>= 2)
   */
  static Dataset<Row> assign(Dataset<Row> rows, int k, long seed, String name) {
    JavaRDD<Row> rdd = rows.javaRDD();
    int partitions = rdd.getNumPartitions();
    long[] seeds = new long[partitions];
    Random random = new Random(seed);
    for (int p = 0; p < partitions; p++) {
      seeds[p] = random.nextLong();
    }
    double[] lower = new double[k];
    float kf = k;
    for (int f = 0; f < k; f++) {
      lower[f] = f / kf;
    }
    JavaRDD<Row> folded = rdd.mapPartitionsWithIndex((p, it) -> {
      XORShiftRandom rng = new XORShiftRandom(seeds[p]);
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Row next() {
          Row row = it.next();
          double x = rng.nextDouble();
          int fold = k - 1;
          while (fold > 0 && x < lower[fold]) {
            fold--;
          }
          Object[] values = new Object[row.size() + 1];
          for (int j = 0; j < row.size(); j++) {
            values[j] = row.get(j);
          }
          values[row.size()] = fold;
          return RowFactory.create(values);
        }
      };
    }, true);
    StructType schema = rows.schema().add(name, DataTypes.IntegerType, false);
    return rows.sparkSession().createDataFrame(folded, schema);
  }
}
