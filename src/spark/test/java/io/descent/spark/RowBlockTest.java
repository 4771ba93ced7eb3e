package io.descent.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The blocks a fit caches straight from Spark SQL's internal rows ({@link RowBlock#ofInternal})
 * hold exactly what the blocks made from {@code Row}s and {@code Vector}s hold: dense and sparse
 * vectors, labels, weights and folds, over a partition of more than one gathering chunk; and bad rows
 * fail with the same messages.
 */
class RowBlockTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * Rows as wide as HashingTF's default (2^18 features, sparse) gather in chunks of a few rows:
   * a chunk of CHUNK_ROWS such rows overflowed an int (an empty array, an index out of bounds).
   */
  @Test
  void wideSparseRowsGatherIntoABlock() {
    int d = 1 << 18;
    int n = 20;
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(Vectors.sparse(d, new int[] {i, d - 1 - i},
          new double[] {i + 1, -i - 0.5}), (double) (i % 2)));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType);
    org.apache.spark.sql.Dataset<Row> frame = spark.createDataFrame(rows, schema).coalesce(1);
    List<RowBlock> blocks = blocks(DescentFitter.cache(frame, "features", "label", null, null));
    assertEquals(1, blocks.size());
    RowBlock b = blocks.get(0);
    assertEquals(n, b.rows);
    assertEquals(d, b.features);
    assertTrue(RowBlock.CHUNK_VALUES / d < n, "more than one chunk");
    for (int i = 0; i < n; i++) {
      assertEquals(i + 1, b.x[i * d + i], "row " + i);
      assertEquals(-i - 0.5f, b.x[i * d + d - 1 - i], "row " + i);
      assertEquals(i % 2, b.y[i]);
    }
  }

  @Test
  void internalRowsGiveTheBlocksOfRowsAcrossChunksWithWeightsAndFolds() {
    int n = RowBlock.CHUNK_ROWS + 777;
    int d = 3;
    Random random = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[d];
      for (int j = 0; j < d; j++) {
        x[j] = random.nextInt(3) == 0 ? 0 : random.nextGaussian() * 1e3;
      }
      // Every third row sparse (with its zeros left out), the rest dense.
      rows.add(RowFactory.create(i % 3 == 0 ? Vectors.dense(x).toSparse() : Vectors.dense(x),
          (double) random.nextInt(3), random.nextDouble() * 2, i % 4));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType).add("weight", DataTypes.DoubleType)
        .add("fold", DataTypes.IntegerType);
    org.apache.spark.sql.Dataset<Row> frame = spark.createDataFrame(rows, schema)
        .coalesce(1).cache();
    try {
      List<RowBlock> fromInternal = blocks(DescentFitter.cache(frame, "features", "label",
          "weight", "fold"));
      List<RowBlock> fromRows = frame.select("features", "label", "weight", "fold").javaRDD()
          .mapPartitions(it -> RowBlock.of(it, true, true)).collect();
      assertEquals(1, fromInternal.size());
      assertEquals(n, fromInternal.get(0).rows, "more than one chunk");
      for (int p = 0; p < 1; p++) {
        RowBlock a = fromRows.get(p);
        RowBlock b = fromInternal.get(p);
        assertEquals(a.rows, b.rows);
        assertEquals(d, b.features);
        assertArrayEquals(a.x, b.x);
        assertArrayEquals(a.y, b.y);
        assertArrayEquals(a.weights, b.weights);
        assertArrayEquals(a.folds, b.folds);
        assertEquals(b.rows, b.dataset().rows());
        assertArrayEquals(b.weights, b.dataset().weights());
      }

      List<RowBlock> plain = blocks(DescentFitter.cache(frame, "features", "label", null));
      assertNull(plain.get(0).weights);
      assertNull(plain.get(0).folds);
      assertArrayEquals(fromInternal.get(0).x, plain.get(0).x);
    } finally {
      frame.unpersist();
    }
  }

  @Test
  void badRowsFailWithTheirReason() {
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType).add("weight", DataTypes.DoubleType);
    assertFails("feature vectors of different sizes: 2 and 3", schema,
        RowFactory.create(Vectors.dense(1, 2), 0.0, 1.0),
        RowFactory.create(Vectors.sparse(3, new int[] {1}, new double[] {4}), 1.0, 1.0));
    assertFails("features must be finite and within float32's range", schema,
        RowFactory.create(Vectors.dense(1, 1e300), 0.0, 1.0));
    assertFails("weights must be finite and >= 0", schema,
        RowFactory.create(Vectors.dense(1, 2), 0.0, -1.0));
    assertFails("a row has no label (null)", schema,
        RowFactory.create(Vectors.dense(1, 2), null, 1.0));
    assertFails("a label is not finite", schema,
        RowFactory.create(Vectors.dense(1, 2), Double.NaN, 1.0));
    assertFails("a row has no weight (null)", schema,
        RowFactory.create(Vectors.dense(1, 2), 0.0, null));
  }

  private static void assertFails(String message, StructType schema, Row... rows) {
    org.apache.spark.sql.Dataset<Row> frame = spark.createDataFrame(List.of(rows), schema)
        .coalesce(1);
    SparkException e = assertThrows(SparkException.class,
        () -> blocks(DescentFitter.cache(frame, "features", "label", "weight")));
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
      cause = cause.getCause();
    }
    assertTrue(String.valueOf(cause.getMessage()).contains(message),
        "expected \"" + message + "\" in: " + e);
  }

  /** The cached blocks in partition order; then uncached. */
  private static List<RowBlock> blocks(JavaRDD<RowBlock> cached) {
    try {
      return cached.collect();
    } finally {
      cached.unpersist(false);
    }
  }
}
