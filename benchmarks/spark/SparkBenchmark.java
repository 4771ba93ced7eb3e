import io.descent.data.Dataset;
import io.descent.data.SyntheticData;
import io.descent.loss.Loss;
import io.descent.spark.DescentCrossValidator;
import io.descent.spark.DescentLogisticRegression;
import io.descent.spark.DescentLogisticRegressionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Descent's Spark estimator against MLlib's LogisticRegression, in one local[2] run on the same
 * cached DataFrame (a SyntheticData logistic problem): fit time, the objective each reached in
 * Descent's convention (mean log-loss + (regParam / 2) ||w||^2 on the population-standardized
 * weights, computed here by one pass over the DataFrame for both models), the Spark jobs each fit
 * ran (each is one pass over the cached data) and, unless --no-cv, a CrossValidator of 3 folds x
 * 8 regParams with each. Run it with benchmarks/spark/run (see benchmarks/README.md).
 */
public final class SparkBenchmark {
  /** Rows of the generated problem unless --rows. */
  static final long DEFAULT_ROWS = 1_000_000;
  /** Features unless --features. */
  static final int DEFAULT_FEATURES = 64;
  /** The regParam both single fits use unless --reg-param. */
  static final double DEFAULT_REG_PARAM = 1e-3;
  /** Partitions of the DataFrame unless --partitions. */
  static final int DEFAULT_PARTITIONS = 4;
  /** SyntheticData's seed (descent bench's default). */
  static final long SEED = 42;
  /** The CrossValidator's folds and regParams. */
  static final int FOLDS = 3;
  static final double[] CV_REG_PARAMS = {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2};

  private SparkBenchmark() {}

  public static void main(String[] args) {
    long rows = DEFAULT_ROWS;
    int features = DEFAULT_FEATURES;
    int partitions = DEFAULT_PARTITIONS;
    double regParam = DEFAULT_REG_PARAM;
    boolean cv = true;
    boolean fits = true;
    boolean mllib = true;
    boolean trace = false;
    boolean plainCv = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--features" -> features = Integer.parseInt(args[++i]);
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        case "--reg-param" -> regParam = Double.parseDouble(args[++i]);
        case "--no-cv" -> cv = false;
        case "--no-fit" -> fits = false;
        case "--no-mllib" -> mllib = false;
        case "--jobs" -> trace = true;
        case "--no-plain-cv" -> plainCv = false;
        default -> {
          System.err.println("usage: SparkBenchmark [--rows N] [--features D] [--partitions P]"
              + " [--reg-param R] [--no-cv] [--no-fit] [--no-mllib] [--no-plain-cv]"
              + " [--jobs]");
          System.exit(2);
        }
      }
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("descent-spark-bench")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    AtomicInteger jobs = new AtomicInteger();
    java.util.Map<Integer, String> names = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.Map<Integer, Long> starts = new java.util.concurrent.ConcurrentHashMap<>();
    boolean printJobs = trace;
    java.util.concurrent.atomic.AtomicLong lastEnd = new java.util.concurrent.atomic.AtomicLong();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart jobStart) {
        starts.put(jobStart.jobId(), jobStart.time());
        names.put(jobStart.jobId(), jobStart.stageInfos().last().name());
      }

      @Override
      public void onJobEnd(SparkListenerJobEnd jobEnd) {
        jobs.incrementAndGet();
        if (printJobs) {
          Long start = starts.remove(jobEnd.jobId());
          long previous = lastEnd.getAndSet(jobEnd.time());
          System.out.printf(Locale.ROOT, "job %d %.3f s (%.3f s after the last) %s%n",
              jobEnd.jobId(), start == null ? Double.NaN : (jobEnd.time() - start) / 1e3,
              start == null || previous == 0 ? Double.NaN : (start - previous) / 1e3,
              names.remove(jobEnd.jobId()));
        }
      }
    });
    try {
      long t0 = System.nanoTime();
      org.apache.spark.sql.Dataset<Row> data = generate(spark, rows, features, partitions).cache();
      long n = data.count();
      System.out.printf(Locale.ROOT, "# %d x %d logistic (SyntheticData seed %d), %d partitions,"
          + " local[2], %d cores here, Java %s; generated and cached in %.1f s%n", n, features,
          SEED, partitions, Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"), (System.nanoTime() - t0) / 1e9);
      double[] std = populationStd(data, n);
      if (fits) {
        runFits(data, std, regParam, jobs, mllib);
      }
      if (cv) {
        runCrossValidation(data, mllib, plainCv);
      }
    } finally {
      spark.stop();
    }
  }

  private static void runFits(org.apache.spark.sql.Dataset<Row> data, double[] std,
      double regParam, AtomicInteger jobs, boolean withMllib) {
    System.out.printf(Locale.ROOT, "%n## one fit, regParam %g (elasticNetParam 0, defaults"
        + " otherwise)%n", regParam);
    System.out.println("| estimator | fit s | objective (Descent's convention) | Spark jobs"
        + " (passes) | iterations |");
    System.out.println("|---|---|---|---|---|");

    int before = jobs.get();
    long t = System.nanoTime();
    DescentLogisticRegressionModel descent = new DescentLogisticRegression()
        .setRegParam(regParam).fit(data);
    double descentSeconds = (System.nanoTime() - t) / 1e9;
    int descentJobs = jobs.get() - before;
    double descentObjective = objective(data, descent.coefficients(), descent.intercept(), std,
        regParam);
    System.out.printf(Locale.ROOT, "| Descent (%s) | %.2f | %.12g | %d | %d |%n",
        backends(descent.summary().backends()), descentSeconds, descentObjective,
        descentJobs, descent.summary().totalIterations());
    if (!withMllib) {
      return;
    }

    before = jobs.get();
    t = System.nanoTime();
    LogisticRegressionModel mllib = new LogisticRegression().setRegParam(regParam).fit(data);
    double mllibSeconds = (System.nanoTime() - t) / 1e9;
    int mllibJobs = jobs.get() - before;
    double mllibObjective = objective(data, mllib.coefficients(), mllib.intercept(), std,
        regParam);
    System.out.printf(Locale.ROOT, "| MLlib | %.2f | %.12g | %d | %d |%n", mllibSeconds,
        mllibObjective, mllibJobs, mllib.summary().totalIterations());
    System.out.printf(Locale.ROOT, "speed-up %.2fx (goal 3x); objective difference"
        + " (Descent - MLlib) / MLlib = %.3g%n", mllibSeconds / descentSeconds,
        (descentObjective - mllibObjective) / mllibObjective);
  }

  /** The distinct backends of the summary's per-partition lines ("partition i (n rows): B on executor e on h"). */
  private static String backends(List<String> partitions) {
    return partitions.stream().map(line -> {
      int from = line.indexOf("): ");
      int to = line.indexOf(" on executor");
      return from >= 0 && to > from ? line.substring(from + 3, to) : line;
    }).distinct().collect(java.util.stream.Collectors.joining("; "));
  }

  private static void runCrossValidation(org.apache.spark.sql.Dataset<Row> data,
      boolean withMllib, boolean plainCv) {
    System.out.printf(Locale.ROOT, "%n## CrossValidator, %d folds x %d regParams, areaUnderROC,"
        + " parallelism 1%n", FOLDS, CV_REG_PARAMS.length);
    System.out.println("| estimator | cv s | best regParam | best mean AUC |");
    System.out.println("|---|---|---|---|");
    DescentLogisticRegression descent = new DescentLogisticRegression();
    double descentSeconds = plainCv ? crossValidate("Descent", new CrossValidator(), descent,
        descent.regParam(), data) : Double.NaN;
    double sharedSeconds = crossValidate("Descent, DescentCrossValidator (one shared fit)",
        new DescentCrossValidator(), descent, descent.regParam(), data);
    if (!withMllib) {
      return;
    }
    LogisticRegression mllib = new LogisticRegression();
    double mllibSeconds = crossValidate("MLlib", new CrossValidator(), mllib, mllib.regParam(),
        data);
    System.out.printf(Locale.ROOT, "speed-up %.2fx with MLlib's CrossValidator, %.2fx with"
        + " DescentCrossValidator (goal 5x)%n", mllibSeconds / descentSeconds,
        mllibSeconds / sharedSeconds);
  }

  private static double crossValidate(String name, CrossValidator validator,
      Estimator<?> estimator, DoubleParam regParam, org.apache.spark.sql.Dataset<Row> data) {
    ParamMap[] grid = new ParamGridBuilder().addGrid(regParam, CV_REG_PARAMS).build();
    CrossValidator cv = validator.setEstimator(estimator).setEstimatorParamMaps(grid)
        .setEvaluator(new BinaryClassificationEvaluator()).setNumFolds(FOLDS).setSeed(SEED);
    long t = System.nanoTime();
    CrossValidatorModel model = cv.fit(data);
    double seconds = (System.nanoTime() - t) / 1e9;
    double[] metrics = model.avgMetrics();
    int best = 0;
    for (int i = 1; i < metrics.length; i++) {
      if (metrics[i] > metrics[best]) {
        best = i;
      }
    }
    System.out.printf(Locale.ROOT, "| %s | %.2f | %g | %.6f |%n", name, seconds,
        CV_REG_PARAMS[best], metrics[best]);
    return seconds;
  }

  /** The problem as a DataFrame (label, features), built on the executors from a broadcast. */
  private static org.apache.spark.sql.Dataset<Row> generate(SparkSession spark, long rows,
      int features, int partitions) {
    Dataset synthetic = new SyntheticData(rows, features, Loss.LOGISTIC, SEED).dataset();
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<float[]> x = context.broadcast(synthetic.x());
    Broadcast<double[]> y = context.broadcast(synthetic.y());
    int n = synthetic.rows();
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    JavaRDD<Row> table = context.parallelize(parts, partitions).flatMap(p -> {
      long from = (long) n * p / partitions;
      long to = (long) n * (p + 1) / partitions;
      float[] xs = x.value();
      double[] ys = y.value();
      List<Row> out = new ArrayList<>((int) (to - from));
      for (int i = (int) from; i < to; i++) {
        double[] v = new double[features];
        for (int j = 0; j < features; j++) {
          v[j] = xs[i * features + j];
        }
        out.add(RowFactory.create(ys[i], Vectors.dense(v)));
      }
      return out.iterator();
    });
    StructType schema = new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", new VectorUDT(), false, Metadata.empty())});
    return spark.createDataFrame(table, schema);
  }

  /** The features' population standard deviations (Descent's standardization). */
  private static double[] populationStd(org.apache.spark.sql.Dataset<Row> data, long n) {
    Row row = data.select(Summarizer.variance(data.col("features"))).first();
    double[] variance = ((Vector) row.get(0)).toArray();
    double[] std = new double[variance.length];
    for (int j = 0; j < std.length; j++) {
      std[j] = Math.sqrt(variance[j] * (n - 1) / n);
    }
    return std;
  }

  /** Descent's objective of a raw-space logistic model, by one pass over the DataFrame. */
  private static double objective(org.apache.spark.sql.Dataset<Row> data, Vector coefficients,
      double intercept, double[] std, double regParam) {
    double[] w = coefficients.toArray();
    double[] sums = data.javaRDD().map(r -> {
      double y = r.getDouble(0);
      double[] v = ((Vector) r.get(1)).toArray();
      double m = intercept;
      for (int j = 0; j < w.length; j++) {
        m += w[j] * v[j];
      }
      double loss = m > 0 ? m + Math.log1p(Math.exp(-m)) - y * m : Math.log1p(Math.exp(m)) - y * m;
      return new double[] {loss, 1};
    }).reduce((a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    double penalty = 0;
    for (int j = 0; j < w.length; j++) {
      penalty += (w[j] * std[j]) * (w[j] * std[j]);
    }
    return sums[0] / sums[1] + regParam / 2 * penalty;
  }
}
