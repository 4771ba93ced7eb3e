package io.descent.spark;

import io.descent.data.Standardization;
import io.descent.gradient.Columns;
import io.descent.loss.Loss;
import io.descent.optim.FullBatchOptimizer;
import io.descent.optim.Hyperparameters;
import io.descent.optim.OptimizerKind;
import io.descent.train.LockstepFit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs Descent fits on a Spark dataset. The rows are cached once as float32 blocks per partition
 * ({@link RowBlock}); one distributed pass gathers the standardization and the label range;
 * then core's {@link LockstepFit} runs every model's optimizer on the driver (L-BFGS, OWL-QN with
 * L1; float32 then a float64 finish on the reference backend), each of its evaluations a
 * broadcast of W and a {@code treeAggregate} over the partitions ({@link DistributedBackend}).
 * Models that share the stopping rules run in the same passes (K columns). At the end one job
 * closes every partition's backends and the cache is dropped.
 *
 * <p>The driver holds no row, so two of the lockstep fit's row-based rules are off here: the
 * proof that unpenalized logistic classes are separable (such a fit stops at its iteration
 * cap) and its driver-side verification (the partitions verify themselves instead, {@link
 * FitOptions#verifyEvery}).
 */
final class DescentFitter {
  private DescentFitter() {}

  /** The float64 backend of the finish. */
  static final String FLOAT64_BACKEND = "reference";

  /** The penalties and stopping rules of a stage's fit (core's {@code ElasticNet.spark}). */
  static FitSpec spec(DescentParams<?> p) {
    io.descent.loss.ElasticNet penalty = io.descent.loss.ElasticNet.spark(p.getRegParam(),
        p.getElasticNetParam());
    return new FitSpec(penalty.l2(), penalty.l1(), p.getMaxIter(), p.getTol());
  }

  /** How a stage's fit runs, for the given columns and kind of model. */
  static FitOptions options(DescentParams<?> p, String featuresCol, String labelCol,
      FitOptions.Kind kind) {
    String device = p.getDevice();
    return new FitOptions(featuresCol, labelCol, p.getWeightCol(), kind,
        p.getStandardization(), p.getBackend(), "auto".equalsIgnoreCase(device) ? null : device,
        p.getPrecision(), p.getVerifyEvery(), p.getOptimizer());
  }

  /** Fits one model per spec, in the specs' order. */
  static List<FittedCoefficients> fit(Dataset<?> dataset, FitOptions o, List<FitSpec> specs) {
    JavaRDD<RowBlock> blocks = cache(dataset, o.featuresCol(), o.labelCol(), o.weightCol());
    String fit = UUID.randomUUID().toString();
    try {
      BlockStatistics stats = blocks.treeAggregate(BlockStatistics.empty(),
          (s, b) -> BlockStatistics.merge(s, BlockStatistics.of(b)), BlockStatistics::merge,
          DistributedBackend.TREE_DEPTH);
      if (stats.rows == 0) {
        throw new IllegalArgumentException("the dataset has no rows");
      }
      if (stats.rows > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("more than 2^31 - 1 rows are not supported");
      }
      int d = stats.features;
      Loss loss;
      int classes = 1;
      int numClasses = 0;
      if (o.kind() == FitOptions.Kind.LINEAR) {
        loss = Loss.LINEAR;
      } else {
        if (!stats.integralLabels || stats.minLabel < 0) {
          throw new IllegalArgumentException("classification labels must be 0, 1, .., C - 1;"
              + " found labels from " + stats.minLabel + " to " + stats.maxLabel
              + (stats.integralLabels ? "" : " that are not all integers"));
        }
        numClasses = Math.max(2, (int) stats.maxLabel + 1);
        boolean multinomial = o.kind() == FitOptions.Kind.MULTINOMIAL
            || (o.kind() == FitOptions.Kind.AUTO && numClasses > 2);
        if (!multinomial && numClasses > 2) {
          throw new IllegalArgumentException("the binomial family needs labels 0 and 1, found"
              + " labels up to " + stats.maxLabel);
        }
        loss = multinomial ? Loss.MULTINOMIAL : Loss.LOGISTIC;
        classes = multinomial ? numClasses : 1;
      }
      Standardization std = o.standardization() ? stats.standardization()
          : Standardization.identity(d);
      List<FittedCoefficients> out = new ArrayList<>(specs.size());
      Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < specs.size(); i++) {
        FitSpec s = specs.get(i);
        groups.computeIfAbsent(List.of(s.maxIterations(), s.tolerance()), k -> new ArrayList<>())
            .add(i);
        out.add(null);
      }
      for (List<Integer> group : groups.values()) {
        List<FittedCoefficients> fitted = lockstep(blocks, fit, o, specs, group, loss, classes,
            numClasses, std, (int) stats.rows, d);
        for (int k = 0; k < group.size(); k++) {
          out.set(group.get(k), fitted.get(k));
        }
      }
      return out;
    } finally {
      try {
        blocks.foreachPartition(it -> PartitionBackends.closeFit(fit));
      } finally {
        blocks.unpersist(false);
      }
    }
  }

  /**
   * The rows as float32 blocks, one per partition, persisted (memory, then disk).
   *
   * @param weightCol the weight column, or null for none
   */
  static JavaRDD<RowBlock> cache(Dataset<?> dataset, String featuresCol, String labelCol,
      String weightCol) {
    List<Column> cols = new ArrayList<>();
    cols.add(functions.col(featuresCol));
    cols.add(functions.col(labelCol).cast("double"));
    boolean weighted = weightCol != null && !weightCol.isEmpty();
    if (weighted) {
      cols.add(functions.col(weightCol).cast("double"));
    }
    Dataset<Row> rows = dataset.select(cols.toArray(new Column[0]));
    return rows.javaRDD().mapPartitions(it -> RowBlock.of(it, weighted))
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  private static List<FittedCoefficients> lockstep(JavaRDD<RowBlock> blocks, String fit,
      FitOptions o, List<FitSpec> specs, List<Integer> group, Loss loss, int classes,
      int numClasses, Standardization std, int n, int d) {
    FitSpec first = specs.get(group.get(0));
    FullBatchOptimizer optimizer = OptimizerKind.fromLabel(o.optimizer())
        .fullBatch(Hyperparameters.defaults());
    LockstepFit.Settings settings = new LockstepFit.Settings(optimizer, first.maxIterations(),
        first.tolerance(), io.descent.Descent.DEFAULT_FULL_BATCH_OBJECTIVE_TOLERANCE, 0);
    int p = d + 1;
    List<LockstepFit.Model> models = new ArrayList<>();
    for (int i : group) {
      models.add(new LockstepFit.Model(specs.get(i).l2(), specs.get(i).l1(), null,
          new double[p * classes]));
    }
    List<List<Double>> history = new ArrayList<>();
    for (int k = 0; k < group.size(); k++) {
      history.add(new ArrayList<>());
    }
    LockstepFit lockstep = new LockstepFit(settings).onIteration(
        (model, iteration, objective, gradientNorm, seconds) -> {
          List<Double> h = history.get(model);
          while (h.size() > iteration) {
            h.remove(h.size() - 1);
          }
          h.add(objective);
        });
    Columns columns = loss.coupled() ? Columns.multinomial(classes, group.size())
        : Columns.of(loss, group.size());
    BackendRequest fast = new BackendRequest(fit, 0, o.backend(), o.device(), o.precision(),
        loss, group.size(), classes, std.mean(), std.scale(), o.verifyEvery());
    List<PartitionInfo> ran = new ArrayList<>();
    LockstepFit.Opener opener = c -> {
      DistributedBackend b = new DistributedBackend(blocks, resize(fast, c, o.backend()), n, d);
      if (ran.isEmpty()) {
        ran.addAll(b.partitions());
      }
      return b;
    };
    LockstepFit.Opener float64 = c -> new DistributedBackend(blocks,
        resize(fast, c, FLOAT64_BACKEND), n, d);
    // The driver holds no rows: a dataset of none, with the features' count (see the class note).
    io.descent.data.Dataset none = new io.descent.data.Dataset("spark", names(d), o.labelCol(),
        new float[0], new double[0], null);
    LockstepFit.Result r = lockstep.fit(none, opener, float64, columns, std, models);
    List<String> backends = ran.stream().map(PartitionInfo::describe).toList();
    List<FittedCoefficients> out = new ArrayList<>();
    for (int k = 0; k < group.size(); k++) {
      LockstepFit.ModelResult m = r.models().get(k);
      double l1 = specs.get(group.get(k)).l1();
      double[] history1 = history.get(k).stream().mapToDouble(Double::doubleValue).toArray();
      DescentTrainingSummary summary = new DescentTrainingSummary(history1,
          m.stopReason().label(), m.message(), m.converged(), m.iterations(),
          m.float64Iterations(), r.passes(), m.objective(), l1 > 0 ? m.kktViolation()
              : Double.NaN, backends);
      out.add(toRaw(m.theta(), std, d, classes, numClasses, l1 > 0, summary));
    }
    return out;
  }

  /** The request for the given columns (a subset of the groups) on the given backend. */
  private static BackendRequest resize(BackendRequest r, Columns c, String backend) {
    return new BackendRequest(r.fit(), 0, backend, r.device(), r.precision(), r.loss(),
        c.groups(), r.classes(), r.mean(), r.scale(), r.verifyEvery());
  }

  private static List<String> names(int d) {
    List<String> names = new ArrayList<>(d);
    for (int j = 0; j < d; j++) {
      names.add("x" + j);
    }
    return names;
  }

  /**
   * Standardized {@code (b_k, w_k)} columns to raw-space coefficients: {@code w_raw = w /
   * scale}, {@code b_raw = b - sum_j w_raw_j mean_j}. A multinomial model is centered over the
   * classes first, as core's {@code LinearModel} does: the intercepts always, the weights only
   * without L1 (centering would change the L1 term).
   */
  static FittedCoefficients toRaw(double[] theta, Standardization std, int d, int classes,
      int numClasses, boolean l1, DescentTrainingSummary summary) {
    int p = d + 1;
    double[] t = theta.clone();
    if (classes > 1) {
      for (int j = 0; j < p; j++) {
        if (j > 0 && l1) {
          continue;
        }
        double mean = 0;
        for (int k = 0; k < classes; k++) {
          mean += t[k * p + j];
        }
        mean /= classes;
        for (int k = 0; k < classes; k++) {
          t[k * p + j] -= mean;
        }
      }
    }
    double[] coefficients = new double[classes * d];
    double[] intercepts = new double[classes];
    for (int k = 0; k < classes; k++) {
      double b = t[k * p];
      for (int j = 0; j < d; j++) {
        double w = t[k * p + 1 + j] / std.scale(j);
        coefficients[k * d + j] = w;
        b -= w * std.mean(j);
      }
      intercepts[k] = b;
    }
    return new FittedCoefficients(coefficients, intercepts, classes, numClasses, summary);
  }
}
