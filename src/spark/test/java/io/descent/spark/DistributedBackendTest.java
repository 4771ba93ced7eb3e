package io.descent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * One distributed evaluation of K columns over a DataFrame's partitions equals the float64
 * reference over all its rows, and a backend lost on its executor (a retried task, a lost
 * executor) is rebuilt from the cached block and gives the same figures.
 */
class DistributedBackendTest {
  @Test
  void partitionsCombineToTheReferenceAndALostBackendIsRebuilt() {
    SparkSession spark = SparkTests.session();
    String fit = "distributed-backend-test";
    JavaRDD<RowBlock> blocks = null;
    try {
      Dataset data = SparkTests.load("wine", "full");
      blocks = DescentFitter.cache(SparkTests.frame(spark, data, 3), "features", "label", null);
      Standardization std = Standardization.fit(data);
      int d = data.features();
      int classes = 3;
      int groups = 2;
      BackendRequest request = new BackendRequest(fit, 0, "nd4j", null, null, Loss.MULTINOMIAL,
          groups, classes, std.mean(), std.scale(), 1);
      DistributedBackend backend = new DistributedBackend(blocks, request, data.rows(), d);
      assertEquals(3, backend.partitions().size());
      double[] w = new double[groups * classes * (d + 1)];
      Random random = new Random(5);
      for (int i = 0; i < w.length; i++) {
        w[i] = random.nextGaussian() * 0.3;
      }
      BatchedEvaluation first = backend.evaluateColumns(w, Batch.all(data.rows()));
      BatchedEvaluation exact = new ReferenceBackend(data, std, Columns.multinomial(classes,
          groups)).evaluateColumns(w, Batch.all(data.rows()));
      assertClose(exact, first, backend.tolerance());

      assertEquals(3, PartitionBackends.closeFit(fit), "one backend per partition was open");
      BatchedEvaluation rebuilt = backend.evaluateColumns(w, Batch.all(data.rows()));
      assertClose(first, rebuilt, 1e-14);
      assertEquals(3, PartitionBackends.closeFit(fit), "the lost backends were rebuilt");
    } finally {
      PartitionBackends.closeFit(fit);
      if (blocks != null) {
        blocks.unpersist(false);
      }
      spark.stop();
    }
  }

  private static void assertClose(BatchedEvaluation a, BatchedEvaluation b, double tolerance) {
    for (int g = 0; g < a.loss().length; g++) {
      assertEquals(a.loss()[g], b.loss()[g], tolerance * Math.abs(a.loss()[g]), "loss " + g);
      assertEquals(a.weight()[g], b.weight()[g], 0, "weight " + g);
    }
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.gradient().length; i++) {
      diff += Math.pow(a.gradient()[i] - b.gradient()[i], 2);
      norm += a.gradient()[i] * a.gradient()[i];
    }
    assertTrue(Math.sqrt(diff) <= tolerance * Math.sqrt(norm),
        "gradient error " + Math.sqrt(diff / norm) + " above " + tolerance);
  }
}
