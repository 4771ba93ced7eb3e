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

  /**
   * A backend whose first use is an evaluation opens its partitions' backends in that
   * evaluation's own job (no job of its own), reports the same figures as the reference and
   * says what opened on each partition without another job; one whose first use is {@code
   * info()} opens in one job and then evaluates in one.
   */
  @Test
  void aFirstEvaluationOpensTheBackendsInItsOwnJob() throws Exception {
    SparkSession spark = SparkTests.session();
    String fit = "distributed-backend-lazy-test";
    JavaRDD<RowBlock> blocks = null;
    java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();
    spark.sparkContext().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd end) {
        jobs.incrementAndGet();
      }
    });
    try {
      Dataset data = SparkTests.load("wine", "full");
      blocks = DescentFitter.cache(SparkTests.frame(spark, data, 3), "features", "label", null);
      blocks.count();
      Standardization std = Standardization.fit(data);
      int d = data.features();
      int classes = 3;
      BackendRequest request = new BackendRequest(fit, 0, "reference", null, null,
          Loss.MULTINOMIAL, 1, classes, std.mean(), std.scale(), 0);
      double[] w = new double[classes * (d + 1)];
      Random random = new Random(9);
      for (int i = 0; i < w.length; i++) {
        w[i] = random.nextGaussian() * 0.3;
      }
      BatchedEvaluation exact = new ReferenceBackend(data, std, Columns.multinomial(classes))
          .evaluateColumns(w, Batch.all(data.rows()));

      int before = settledJobs(spark, jobs);
      DistributedBackend lazy = new DistributedBackend(blocks, request, data.rows(), d);
      assertEquals(before, settledJobs(spark, jobs), "making the backend runs no job");
      assertClose(exact, lazy.evaluateColumns(w, Batch.all(data.rows())), 1e-13);
      assertEquals(before + 1, settledJobs(spark, jobs), "the first evaluation is one job");
      assertEquals(3, lazy.partitions().size());
      for (int p = 0; p < 3; p++) {
        assertEquals(p, lazy.partitions().get(p).partition(), "in partition order");
      }
      assertEquals("float64", lazy.info().precision());
      assertEquals(before + 1, settledJobs(spark, jobs), "what opened came with the sums");
      assertEquals(3, PartitionBackends.closeFit(fit));

      DistributedBackend eager = new DistributedBackend(blocks, request, data.rows(), d);
      assertEquals("float64", eager.info().precision());
      assertEquals(before + 2, settledJobs(spark, jobs), "info() first opens in one job");
      assertClose(exact, eager.evaluateColumns(w, Batch.all(data.rows())), 1e-13);
      assertEquals(before + 3, settledJobs(spark, jobs), "then each evaluation is one job");
    } finally {
      PartitionBackends.closeFit(fit);
      if (blocks != null) {
        blocks.unpersist(false);
      }
      spark.stop();
    }
  }

  /** The jobs ended so far, once the listener has seen every event posted before this call. */
  private static int settledJobs(SparkSession spark, java.util.concurrent.atomic.AtomicInteger jobs)
      throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    return jobs.get();
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
