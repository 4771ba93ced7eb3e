package io.descent.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.loss.Loss;
import io.descent.spark.DescentLogisticRegression;
import io.descent.spark.DescentLogisticRegressionModel;
import io.descent.train.ReferenceProblems;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Spark and Descent on a real standalone cluster ({@link StandaloneCluster}: a master and two
 * worker JVMs on 127.0.0.1, one executor JVM per worker), one application for all tests:
 * <ul>
 *   <li>a plain job's tasks run in the workers' executor JVMs, not in the driver (this JVM);
 *   <li>Descent's logistic regression fitted there reaches the local[2] fit's objective (within
 *       1e-9 relative) and reference.json's exact optimum (within 1e-6);
 *   <li>an executor JVM killed while that fit iterates: Spark retries its tasks elsewhere and the
 *       fit still gives the undisturbed model;
 *   <li>closing the cluster leaves no JVM behind.
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
  /** The shipped problem every fit here solves: breast_cancer_wdbc, full, L2 1e-2. */
  private static final String DATASET = "breast_cancer_wdbc";
  private static final String OBJECTIVE = "logistic_l2_lambda_1e-2";
  private static final double REG_PARAM = 1e-2;
  /** Partitions of the fits' DataFrame: two per executor. */
  private static final int PARTITIONS = 4;
  /** Completed jobs of the disturbed fit after which an executor is killed. */
  private static final int KILL_AFTER_JOBS = 3;

  private static StandaloneCluster cluster;
  private static SparkSession spark;
  private static Dataset data;
  private static double optimum;
  private static Fitted local;
  private static Fitted undisturbed;
  /** The executors that ran the undisturbed fit's tasks. */
  private static Set<String> undisturbedExecutors;
  private static final Set<String> taskExecutors = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger jobsEnded = new AtomicInteger();
  private static final AtomicInteger executorsRemoved = new AtomicInteger();
  private static final AtomicLong jobsEndedAtRemoval = new AtomicLong(-1);

  /** A fitted binary model in raw feature space and its objective computed here. */
  private record Fitted(double[] coefficients, double intercept, double objective,
      double summaryObjective) {}

  @BeforeAll
  static void start() throws Exception {
    ReferenceProblems.Problem problem = ReferenceProblems.all().stream()
        .filter(p -> p.dataset().equals(DATASET) && p.split().equals("full")
            && p.objective().equals(OBJECTIVE)).findFirst().orElseThrow();
    assertEquals(Loss.LOGISTIC, problem.loss());
    assertEquals(REG_PARAM, problem.l2());
    data = problem.load();
    optimum = problem.optimum();

    // One SparkContext per JVM: the local[2] fit first, then the cluster's application.
    SparkSession localSession = SparkSession.builder().master("local[2]")
        .appName("descent-cluster-local").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false")
        .getOrCreate();
    try {
      assertEquals("local[2]", localSession.sparkContext().master(),
          "another test's SparkSession is still running");
      local = fit(localSession);
    } finally {
      localSession.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }

    cluster = StandaloneCluster.start();
    spark = cluster.session("descent-cluster-test").getOrCreate();
    assertEquals(cluster.masterUrl(), spark.sparkContext().master(),
        "another test's SparkSession is still running");
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobEnd(SparkListenerJobEnd jobEnd) {
        jobsEnded.incrementAndGet();
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        taskExecutors.add(taskEnd.taskInfo().executorId());
      }

      @Override
      public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        jobsEndedAtRemoval.compareAndSet(-1, jobsEnded.get());
        executorsRemoved.incrementAndGet();
      }
    });
    cluster.awaitExecutors(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (cluster != null) {
        List<ProcessHandle> executors = cluster.executors();
        cluster.close();
        assertTrue(cluster.allStopped(), "a cluster JVM survived close(); logs in "
            + cluster.logs());
        executors.forEach(e -> assertFalse(e.isAlive(), "executor " + e.pid() + " survived"));
      }
    }
  }

  @Test
  @Order(1)
  void tasksRunInTheWorkersExecutors() {
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
    assertEquals(new HashSet<>(cluster.workerPids()), parents, "each worker launched one executor");
    assertNotEquals(ProcessHandle.current().pid(), parents.iterator().next());
  }

  @Test
  @Order(2)
  void descentFitsOnTheClusterAsInLocalMode() {
    Fitted fitted = undisturbed();
    assertFalse(undisturbedExecutors.contains("driver"), "a fit task ran in the driver");
    assertEquals(StandaloneCluster.WORKERS, undisturbedExecutors.size(),
        "the fit's tasks ran on " + undisturbedExecutors);

    assertEquals(local.objective(), fitted.objective(), 1e-9 * local.objective(),
        "cluster vs local[2] objective");
    assertEquals(optimum, fitted.objective(), 1e-6 * optimum, "cluster vs reference.json");
    assertEquals(optimum, local.objective(), 1e-6 * optimum, "local[2] vs reference.json");
    assertEquals(fitted.objective(), fitted.summaryObjective(), 1e-9 * fitted.objective(),
        "the summary's objective vs the objective computed here");
  }

  @Test
  @Order(3)
  void aKilledExecutorDoesNotChangeTheModel() throws Exception {
    Fitted reference = undisturbed();
    assertEquals(StandaloneCluster.WORKERS, cluster.executors().size(), "executors before");
    executorsRemoved.set(0);
    jobsEndedAtRemoval.set(-1);
    int jobsBefore = jobsEnded.get();
    List<Long> killed = new ArrayList<>();
    Thread killer = new Thread(() -> {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (jobsEnded.get() < jobsBefore + KILL_AFTER_JOBS && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      ProcessHandle victim = cluster.executors().get(0);
      victim.destroyForcibly();
      killed.add(victim.pid());
    }, "executor-killer");
    killer.setDaemon(true);
    killer.start();

    Fitted disturbed = fit(spark);
    int jobsAfter = jobsEnded.get();
    killer.join(10_000);

    assertEquals(1, killed.size(), "no executor was killed");
    assertTrue(executorsRemoved.get() >= 1,
        "Spark did not see executor " + killed + " go (jobs " + jobsBefore + ".." + jobsAfter + ")");
    long atRemoval = jobsEndedAtRemoval.get();
    assertTrue(atRemoval >= jobsBefore + 1 && atRemoval < jobsAfter,
        "the executor went at job " + atRemoval + ", not while the fit ran jobs " + jobsBefore
            + ".." + jobsAfter);

    double scale = 0;
    for (double c : reference.coefficients()) {
      scale = Math.max(scale, Math.abs(c));
    }
    assertArrayEquals(reference.coefficients(), disturbed.coefficients(), 1e-9 * scale,
        "coefficients after the executor was killed");
    assertEquals(reference.intercept(), disturbed.intercept(),
        1e-9 * Math.max(scale, Math.abs(reference.intercept())), "intercept");
    assertEquals(reference.objective(), disturbed.objective(), 1e-12 * reference.objective());
  }

  private static synchronized Fitted undisturbed() {
    if (undisturbed == null) {
      taskExecutors.clear();
      undisturbed = fit(spark);
      undisturbedExecutors = Set.copyOf(taskExecutors);
    }
    return undisturbed;
  }

  /** Fits the problem with Descent on {@code session} and evaluates the objective here. */
  private static Fitted fit(SparkSession session) {
    // MLlib's regParam R penalizes weights scaled by the sample standard deviations: R = l2 (n -
    // 1) / n is the shipped convention's l2 on the population ones (DescentFitter.forLabel).
    double n = data.rows();
    DescentLogisticRegressionModel model = new DescentLogisticRegression()
        .setRegParam(REG_PARAM * (n - 1) / n).fit(frame(session));
    double[] w = model.coefficients().toArray();
    double b = model.intercept();
    return new Fitted(w, b, objective(w, b), model.summary().objective());
  }

  /** The problem's rows as a DataFrame (label, features) of {@link #PARTITIONS} partitions. */
  private static org.apache.spark.sql.Dataset<Row> frame(SparkSession session) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < data.rows(); i++) {
      double[] v = new double[data.features()];
      for (int j = 0; j < v.length; j++) {
        v[j] = data.get(i, j);
      }
      rows.add(RowFactory.create(data.y()[i], Vectors.dense(v)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", new VectorUDT(), false, Metadata.empty())});
    JavaSparkContext context = JavaSparkContext.fromSparkContext(session.sparkContext());
    return session.createDataFrame(context.parallelize(rows, PARTITIONS), schema);
  }

  /**
   * The objective of a raw-space model in the shipped convention: mean log-loss plus
   * (l2 / 2) ||w * std||^2 with the population standard deviations, in float64 here.
   */
  private static double objective(double[] w, double b) {
    int n = data.rows();
    int d = data.features();
    double loss = 0;
    for (int i = 0; i < n; i++) {
      double m = b;
      for (int j = 0; j < d; j++) {
        m += w[j] * data.get(i, j);
      }
      double y = data.y()[i];
      loss += (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))) - y * m;
    }
    double penalty = 0;
    for (int j = 0; j < d; j++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += data.get(i, j);
      }
      mean /= n;
      double variance = 0;
      for (int i = 0; i < n; i++) {
        double c = data.get(i, j) - mean;
        variance += c * c;
      }
      double ws = w[j] * Math.sqrt(variance / n);
      penalty += ws * ws;
    }
    return loss / n + REG_PARAM / 2 * penalty;
  }
}
