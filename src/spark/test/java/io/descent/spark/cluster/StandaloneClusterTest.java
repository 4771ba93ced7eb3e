package io.descent.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A plain Spark job on a real standalone cluster: its tasks run in executor JVMs that the worker
 * JVMs launched, not in the driver (this JVM), and closing the cluster leaves no JVM behind.
 */
class StandaloneClusterTest {
  private static StandaloneCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = StandaloneCluster.start();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      List<ProcessHandle> executors = cluster.executors();
      cluster.close();
      assertTrue(cluster.allStopped(), "a cluster JVM survived close()");
      executors.forEach(e -> assertFalse(e.isAlive(), "executor " + e.pid() + " survived"));
    }
  }

  @Test
  void tasksRunInTheWorkersExecutors() {
    SparkSession spark = cluster.session("descent-cluster-plain").getOrCreate();
    try {
      cluster.awaitExecutors(spark.sparkContext());
      JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<Integer> numbers = IntStream.rangeClosed(1, 80).boxed().toList();
      // Each task sleeps, so that both one-core executors get some of the 8 tasks.
      List<String> reports = context.parallelize(numbers, 8).mapPartitions(rows -> {
        long sum = 0;
        while (rows.hasNext()) {
          sum += rows.next();
        }
        Thread.sleep(300);
        return List.of(SparkEnv.get().executorId() + " " + ProcessHandle.current().pid() + " "
            + sum).iterator();
      }).collect();

      long total = reports.stream().mapToLong(r -> Long.parseLong(r.split(" ")[2])).sum();
      assertEquals(80L * 81 / 2, total);
      Set<String> ids = reports.stream().map(r -> r.split(" ")[0]).collect(Collectors.toSet());
      Set<Long> pids = reports.stream().map(r -> Long.parseLong(r.split(" ")[1]))
          .collect(Collectors.toSet());
      assertFalse(ids.contains("driver"), "a task ran in the driver: " + reports);
      assertFalse(pids.contains(ProcessHandle.current().pid()), "a task ran in this JVM");
      assertEquals(2, ids.size(), "tasks ran on " + ids);
      assertEquals(2, pids.size(), "tasks ran in " + pids);

      Set<Long> executorPids = new HashSet<>();
      Set<Long> parents = new HashSet<>();
      for (ProcessHandle executor : cluster.executors()) {
        executorPids.add(executor.pid());
        parents.add(executor.parent().map(ProcessHandle::pid).orElse(-1L));
      }
      assertTrue(executorPids.containsAll(pids),
          "tasks ran in " + pids + ", the workers' executor JVMs are " + executorPids);
      assertEquals(new HashSet<>(cluster.workerPids()), parents,
          "each worker launched one executor");
      assertNotEquals(ProcessHandle.current().pid(), parents.iterator().next());
    } finally {
      spark.stop();
    }
  }
}
