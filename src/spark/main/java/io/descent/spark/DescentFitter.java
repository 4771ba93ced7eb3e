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
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs Descent fits on a Spark dataset. The rows are cached once as float32 blocks per partition
 * ({@link RowBlock}); one distributed pass gathers the standardization and the label range;
 * then core's {@link LockstepFit} runs every model's optimizer on the driver (L-BFGS, OWL-QN with
 * L1; float32 then a float64 finish on each partition's float64 backend, {@link
 * BackendRequest#finishing}), each of its evaluations W sent to the partitions and a {@code
 * treeAggregate} over them ({@link DistributedBackend}).
 * Models that share the stopping rules run in the same passes (K columns). At the end one job
 * closes every partition's backends and the cache is dropped.
 *
 * <p>The driver holds no row, so the lockstep fit's row-based rules run on the statistics
 * instead: an unpenalized logistic or multinomial fit stops as separable when its mean loss
 * falls below ln(2) times the smallest row weight over the total ({@link
 * LockstepFit#smallestRowWeight}); the multinomial proof of one class separable from the others
 * (a certificate over the rows) is off, and so is the driver-side
 * verification (the partitions verify themselves instead, {@link FitOptions#verifyEvery}).
 */
final class DescentFitter {
  private DescentFitter() {}

  /** The penalties and stopping rules of a stage's fit (core's {@code ElasticNet.spark}). */
  static FitSpec spec(DescentParams p) {
    io.descent.loss.ElasticNet penalty = io.descent.loss.ElasticNet.spark(p.getRegParam(),
        p.getElasticNetParam());
    return new FitSpec(penalty.l2(), penalty.l1(), p.getMaxIter(), p.getTol());
  }

  /**
   * The most features for which MLlib's {@code LinearRegression} (solver {@code auto}) solves the
   * normal equations, whose scales are population standard deviations: {@value}. Beyond it, and
   * for logistic regression always, MLlib runs L-BFGS on sample standard deviations.
   */
  static final int MLLIB_NORMAL_MAX_FEATURES = 4096;

  /**
   * The penalties Descent's objective takes for a spec's, so that the same {@code regParam} and
   * {@code elasticNetParam} give MLlib's coefficients. Descent standardizes features by their
   * population standard deviation sigma_p; MLlib's {@code LogisticRegression}, and its {@code
   * LinearRegression} beyond {@link #MLLIB_NORMAL_MAX_FEATURES} features, by the sample one
   * sigma_s, whose square is c = {@link BlockStatistics#sampleVarianceRatio} times sigma_p's
   * for every feature: a penalty on w sigma_s is Descent's on w sigma_p with {@code l2} times c
   * and {@code l1} times sqrt(c) (with {@code standardization} off both penalize the raw
   * weights: c = 1). MLlib's {@code LinearRegression} also divides the label by its scale s_y
   * (the sample or population standard deviation, as its solver's features, {@link
   * BlockStatistics#labelScale}) and the penalty by s_y before it fits, which multiplied out
   * divides {@code l2} by s_y.
   */
  static FitSpec forLabel(FitSpec s, Loss loss, BlockStatistics stats, boolean standardization) {
    boolean sample = loss != Loss.LINEAR || stats.features > MLLIB_NORMAL_MAX_FEATURES;
    double c = standardization && sample ? stats.sampleVarianceRatio() : 1;
    double l2 = s.l2() * c;
    if (loss == Loss.LINEAR) {
      l2 /= stats.labelScale(sample);
    }
    return new FitSpec(l2, s.l1() * Math.sqrt(c), s.maxIterations(), s.tolerance());
  }

  /** How a stage's fit runs, for the given columns and kind of model. */
  static FitOptions options(DescentParams p, String featuresCol, String labelCol,
      FitOptions.Kind kind) {
    String device = p.getDevice();
    java.util.Locale root = java.util.Locale.ROOT;
    return new FitOptions(featuresCol, labelCol, p.getWeightCol(), kind,
        p.getStandardization(), p.getBackend().toLowerCase(root),
        "auto".equalsIgnoreCase(device) ? null : device, p.getPrecision().toLowerCase(root),
        p.getVerifyEvery(), p.getOptimizer().toLowerCase(root));
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
      Shape shape = shape(o, stats, metadataClasses(dataset, o.labelCol()));
      Loss loss = shape.loss();
      int classes = shape.classes();
      int numClasses = shape.numClasses();
      // Without standardization the fit runs on the features less their means (scale 1), as
      // core's train does; toRaw reports the raw coefficients either way.
      Standardization std = o.standardization() ? stats.standardization()
          : stats.standardization().withUnitScales();
      List<FittedCoefficients> out = new ArrayList<>(specs.size());
      Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < specs.size(); i++) {
        FitSpec s = specs.get(i);
        groups.computeIfAbsent(List.of(s.maxIterations(), s.tolerance()), k -> new ArrayList<>())
            .add(i);
        out.add(null);
      }
      List<FitSpec> penalized = new ArrayList<>();
      for (FitSpec s : specs) {
        penalized.add(forLabel(s, loss, stats, o.standardization()));
      }
      for (List<Integer> group : groups.values()) {
        List<FittedCoefficients> fitted = lockstep(blocks, fit, o, penalized, group, loss,
            classes, numClasses, std, (int) stats.rows, d, stats.labelScale(false),
            stats.minWeight, startingIntercept(loss, stats));
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

  /** The loss, the columns per model and the number of classes (0 for regression) of a fit. */
  private record Shape(Loss loss, int classes, int numClasses) {}

  /**
   * The classes the label column's ML metadata names (a {@code StringIndexer}'s output holds
   * them), as MLlib's classifiers read them; 0 where it names none.
   */
  static int metadataClasses(Dataset<?> dataset, String labelCol) {
    scala.Option<Object> n = org.apache.spark.ml.util.MetadataUtils.getNumClasses(
        dataset.schema().apply(labelCol));
    return n.isDefined() ? (Integer) n.get() : 0;
  }

  /**
   * The model's loss and classes: from the labels' largest value, or, where the label column's
   * metadata names the classes ({@code metadataClasses} > 0), from it, as MLlib's classifiers
   * take them; labels beyond it, or classes of it with no row of weight above 0 (at the top, or
   * anywhere below it), are refused (a fit needs a row of every class: MLlib would drive such a
   * class's intercept towards minus infinity; taking one class fewer than the metadata says
   * would change the model's shape).
   */
  private static Shape shape(FitOptions o, BlockStatistics stats, int metadataClasses) {
    if (o.kind() == FitOptions.Kind.LINEAR) {
      return new Shape(Loss.LINEAR, 1, 0);
    }
    if (!stats.integralLabels || stats.minLabel < 0) {
      throw new IllegalArgumentException("classification labels must be 0, 1, .., C - 1;"
          + " found labels from " + stats.minLabel + " to " + stats.maxLabel
          + (stats.integralLabels ? "" : " that are not all integers"));
    }
    if (stats.maxLabel >= BlockStatistics.MAX_TRACKED_LABEL) {
      // Beyond this the class totals are not kept, and a fit of that many classes does not
      // fit a driver (100,000 crashed the JVM; 1e9 overflowed an array size).
      throw new IllegalArgumentException("found labels up to " + stats.maxLabel + ": at most "
          + BlockStatistics.MAX_TRACKED_LABEL + " classes (labels 0 to "
          + (BlockStatistics.MAX_TRACKED_LABEL - 1) + ") are fitted");
    }
    if (stats.minLabel == stats.maxLabel) {
      // One class: nothing to separate, and no penalty bounds the intercept (it was reported
      // "separable" with the advice to add a penalty, which could not help).
      throw new IllegalArgumentException("every row has label " + stats.minLabel + ": a"
          + " classifier needs rows of at least two classes");
    }
    if (metadataClasses > 0 && stats.maxLabel + 1 > metadataClasses) {
      throw new IllegalArgumentException("the label column's metadata names " + metadataClasses
          + " classes, but the rows hold labels up to " + stats.maxLabel);
    }
    if (metadataClasses > 2 && stats.maxLabel + 1 < metadataClasses) {
      throw new IllegalArgumentException("the label column's metadata names " + metadataClasses
          + " classes (as a StringIndexer's output does), but the rows hold labels only up to "
          + stats.maxLabel + ": classes " + (long) (stats.maxLabel + 1) + " to "
          + (metadataClasses - 1) + " have no row, and a multinomial fit needs a row of every"
          + " class (fit on rows of every class, or drop the column's metadata; a StringIndexer"
          + " with handleInvalid \"keep\" names one class more, for labels it has not seen)");
    }
    int numClasses = Math.max(2, (int) stats.maxLabel + 1);
    requireEveryClass(stats, numClasses, o, metadataClasses);
    boolean multinomial = o.kind() == FitOptions.Kind.MULTINOMIAL
        || (o.kind() == FitOptions.Kind.AUTO && numClasses > 2);
    if (!multinomial && numClasses > 2) {
      throw new IllegalArgumentException("the binomial family needs labels 0 and 1, found"
          + " labels up to " + stats.maxLabel);
    }
    return multinomial ? new Shape(Loss.MULTINOMIAL, numClasses, numClasses)
        : new Shape(Loss.LOGISTIC, 1, numClasses);
  }

  /**
   * Refuses rows that lack a class of 0 .. classes - 1 (no row of weight above 0), or where one
   * class alone weighs more than 0, naming the classes.
   */
  static void requireEveryClass(BlockStatistics stats, int classes, FitOptions o,
      int metadataClasses) {
    List<Integer> empty = stats.labelsWithoutWeight(classes);
    boolean weighted = o.weightCol() != null && !o.weightCol().isEmpty();
    if (empty.size() == classes) {
      throw new IllegalArgumentException("every row's weight is 0");
    }
    if (empty.size() == classes - 1) {
      // Only one class's rows weigh more than 0: nothing to separate, as with one label.
      int only = firstWithWeight(empty, classes);
      throw new IllegalArgumentException((weighted ? "only the rows of label " + only
          + " weigh more than 0" : "every row has label " + only) + ": a classifier needs rows"
          + " of at least two classes");
    }
    if (!empty.isEmpty()) {
      String lacking = (empty.size() == 1 ? "class " + empty.get(0) + " has" : "classes "
          + listed(empty) + " have") + " no row" + (weighted ? " of weight above 0" : "");
      if (metadataClasses > 0) {
        throw new IllegalArgumentException("the label column's metadata names " + classes
            + " classes (as a StringIndexer's output does), but " + lacking + ": a fit needs"
            + " a row of every class (MLlib would drive such a class's intercept towards minus"
            + " infinity); fit on rows of every class, or index the labels of these rows"
            + " alone (a StringIndexer with handleInvalid \"keep\" names one class more, for"
            + " labels it has not seen)");
      }
      throw new IllegalArgumentException("the labels run from 0 to " + (classes - 1)
          + ", but " + lacking + ": a classifier needs a row of every class (MLlib would drive"
          + " such a class's intercept towards minus infinity); relabel the classes 0, 1, .."
          + " without gaps (a StringIndexer does)");
    }
  }

  /**
   * The classes as a list, the first {@value #LISTED_CLASSES} and a count of the rest where
   * there are more (29,998 missing classes made a message of hundreds of KB).
   */
  static String listed(List<Integer> classes) {
    if (classes.size() <= LISTED_CLASSES) {
      return classes.toString();
    }
    return classes.subList(0, LISTED_CLASSES).toString().replace("]", ", ...]") + " ("
        + classes.size() + " in all)";
  }

  /** How many classes a message lists: {@value}. */
  static final int LISTED_CLASSES = 10;

  /** The first of 0 .. classes - 1 that {@code empty} does not list. */
  private static int firstWithWeight(List<Integer> empty, int classes) {
    for (int c = 0; c < classes; c++) {
      if (!empty.contains(c)) {
        return c;
      }
    }
    return -1;
  }

  /**
   * Fits one model per (fold, spec) in shared passes: the model of fold f leaves out the rows
   * whose fold is f (they weigh 0 in its columns) and, with standardization, is standardized on
   * its own training rows (the rest), as core's cross-validation does. Specs that share the
   * stopping rules run in one lockstep fit of {@code folds x specs} columns. The class count is
   * that of all rows.
   *
   * @param foldCol an int column of folds 0..folds-1
   * @return {@code out.get(f).get(s)}: fold f's model of spec s
   */
  static List<List<FittedCoefficients>> fitFolds(Dataset<?> dataset, FitOptions o,
      String foldCol, int folds, List<FitSpec> specs) {
    JavaRDD<RowBlock> blocks = cache(dataset, o.featuresCol(), o.labelCol(), o.weightCol(),
        foldCol);
    String fit = UUID.randomUUID().toString();
    try {
      int k = folds;
      BlockStatistics[] zero = new BlockStatistics[k + 1];
      java.util.Arrays.fill(zero, BlockStatistics.empty());
      BlockStatistics[] stats = blocks.treeAggregate(zero, (acc, b) -> {
        BlockStatistics[] out = new BlockStatistics[k + 1];
        for (int f = 0; f <= k; f++) {
          out[f] = BlockStatistics.merge(acc[f], BlockStatistics.of(b, f - 1));
        }
        return out;
      }, (a, b) -> {
        BlockStatistics[] out = new BlockStatistics[k + 1];
        for (int f = 0; f <= k; f++) {
          out[f] = BlockStatistics.merge(a[f], b[f]);
        }
        return out;
      }, DistributedBackend.TREE_DEPTH);
      BlockStatistics all = stats[0];
      if (all.rows == 0) {
        throw new IllegalArgumentException("the dataset has no rows");
      }
      if (all.rows > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("more than 2^31 - 1 rows are not supported");
      }
      int d = all.features;
      int metadata = metadataClasses(dataset, o.labelCol());
      Shape shape = shape(o, all, metadata);
      if (shape.numClasses() > 0) {
        // Each fold's model is fitted on its training rows, as a separate fit would be: where
        // those lack a class, so would the separate fit, which refuses them.
        for (int f = 0; f < k; f++) {
          try {
            requireEveryClass(stats[f + 1], shape.numClasses(), o, metadata);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fold " + f + "'s training rows (the rows of"
                + " the other folds): " + e.getMessage(), e);
          }
        }
      }
      Standardization base = o.standardization() ? all.standardization()
          : all.standardization().withUnitScales();
      Standardization[] own = new Standardization[k];
      for (int f = 0; f < k; f++) {
        own[f] = o.standardization() ? stats[f + 1].standardization() : base;
      }
      List<List<FittedCoefficients>> out = new ArrayList<>();
      for (int f = 0; f < k; f++) {
        out.add(new ArrayList<>(java.util.Collections.nCopies(specs.size(), null)));
      }
      Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < specs.size(); i++) {
        FitSpec s = specs.get(i);
        groups.computeIfAbsent(List.of(s.maxIterations(), s.tolerance()), x -> new ArrayList<>())
            .add(i);
      }
      for (List<Integer> group : groups.values()) {
        List<Member> members = new ArrayList<>();
        for (int f = 0; f < k; f++) {
          for (int i : group) {
            members.add(new Member(forLabel(specs.get(i), shape.loss(), stats[f + 1],
                o.standardization()), own[f], f, startingIntercept(shape.loss(), stats[f + 1])));
          }
        }
        List<FittedCoefficients> fitted = lockstep(blocks, fit, o, members, shape.loss(),
            shape.classes(), shape.numClasses(), base, (int) all.rows, d, all.labelScale(false),
            all.minWeight);
        for (int f = 0; f < k; f++) {
          for (int j = 0; j < group.size(); j++) {
            out.get(f).set(group.get(j), fitted.get(f * group.size() + j));
          }
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
    return cache(dataset, featuresCol, labelCol, weightCol, null);
  }

  /**
   * The rows as float32 blocks with their folds, one per partition, persisted.
   *
   * @param weightCol the weight column, or null for none
   * @param foldCol an int column of folds, or null for none
   */
  static JavaRDD<RowBlock> cache(Dataset<?> dataset, String featuresCol, String labelCol,
      String weightCol, String foldCol) {
    List<Column> cols = new ArrayList<>();
    cols.add(functions.col(featuresCol));
    cols.add(functions.col(labelCol).cast("double"));
    boolean weighted = weightCol != null && !weightCol.isEmpty();
    if (weighted) {
      cols.add(functions.col(weightCol).cast("double"));
    }
    boolean folded = foldCol != null;
    if (folded) {
      cols.add(functions.col(foldCol).cast("int"));
    }
    Dataset<Row> rows = dataset.select(cols.toArray(new Column[0]));
    JavaRDD<RowBlock> blocks;
    if (rows.schema().fields()[0].dataType() instanceof VectorUDT) {
      // Straight from Spark SQL's internal rows: no Row or Vector object per row.
      blocks = rows.queryExecution().toRdd().toJavaRDD()
          .mapPartitions(it -> RowBlock.ofInternal(it, weighted, folded));
    } else {
      blocks = rows.javaRDD().mapPartitions(it -> RowBlock.of(it, weighted, folded));
    }
    return blocks.persist(StorageLevel.MEMORY_AND_DISK());
  }

  private static List<FittedCoefficients> lockstep(JavaRDD<RowBlock> blocks, String fit,
      FitOptions o, List<FitSpec> specs, List<Integer> group, Loss loss, int classes,
      int numClasses, Standardization std, int n, int d, double labelScale,
      double smallestWeight, double intercept) {
    List<Member> members = new ArrayList<>();
    for (int i : group) {
      members.add(new Member(specs.get(i), null, -1, intercept));
    }
    return lockstep(blocks, fit, o, members, loss, classes, numClasses, std, n, d, labelScale,
        smallestWeight);
  }

  /** Core's message with the estimators' setters for its methods (l2(...): setRegParam). */
  static String sparkNames(String message) {
    return message.replace("l2(...)", "setRegParam(...)").replace("l2(0.01)",
        "setRegParam(0.01)").replace("maxIterations(...)", "setMaxIter(...)");
  }

  /**
   * One model of a lockstep fit: its penalties and stopping rules, the standardization its
   * parameters live in (null: the fit's base), the fold it leaves out (-1: none) and the
   * intercept it starts from ({@link #startingIntercept}).
   */
  private record Member(FitSpec spec, Standardization standardization, int heldOut,
      double intercept) {}

  /**
   * The intercept a model starts from: for least squares its rows' (weighted) mean label, the
   * optimum's intercept at weights 0 (as core's fits start; a constant label then starts at its
   * exact optimum, intercept the label and weights 0, as MLlib returns it, where a start at 0
   * ended a float32 rounding away from it: 4.9999998 for 5; a constant label starts at the
   * label itself, where its computed mean may differ in the last bit); otherwise 0.
   */
  static double startingIntercept(Loss loss, BlockStatistics rows) {
    if (loss != Loss.LINEAR) {
      return 0;
    }
    if (rows.minLabel == rows.maxLabel) {
      return rows.minLabel; // the label itself: its mean may round away from it (-3.7 x 50)
    }
    return Double.isFinite(rows.labelMean) ? rows.labelMean : 0;
  }

  /**
   * The lockstep fit of the members on the blocks; {@code labelScale}, the label's population
   * standard deviation ({@link BlockStatistics#labelScale}), scales a linear fit's gradient test
   * as core's does on rows it holds ({@link LockstepFit#targetScale}); {@code smallestWeight},
   * the rows' smallest positive weight, lets an unpenalized binary logistic fit stop as
   * separable ({@link LockstepFit#smallestRowWeight}).
   */
  private static List<FittedCoefficients> lockstep(JavaRDD<RowBlock> blocks, String fit,
      FitOptions o, List<Member> members, Loss loss, int classes, int numClasses,
      Standardization std, int n, int d, double labelScale, double smallestWeight) {
    FitSpec first = members.get(0).spec();
    FullBatchOptimizer optimizer = OptimizerKind.fromLabel(o.optimizer())
        .fullBatch(Hyperparameters.defaults());
    LockstepFit.Settings settings = new LockstepFit.Settings(optimizer, first.maxIterations(),
        first.tolerance(), io.descent.Descent.DEFAULT_FULL_BATCH_OBJECTIVE_TOLERANCE, 0);
    int p = d + 1;
    List<LockstepFit.Model> models = new ArrayList<>();
    boolean folded = false;
    for (Member m : members) {
      double[] start = new double[p * classes];
      start[0] = m.intercept();
      models.add(new LockstepFit.Model(m.spec().l2(), m.spec().l1(), m.standardization(),
          start));
      folded |= m.heldOut() >= 0;
    }
    int[] heldOut = null;
    if (folded) {
      heldOut = new int[members.size()];
      for (int k = 0; k < heldOut.length; k++) {
        heldOut[k] = members.get(k).heldOut();
      }
    }
    List<List<Double>> history = new ArrayList<>();
    for (int k = 0; k < members.size(); k++) {
      history.add(new ArrayList<>());
    }
    LockstepFit lockstep = new LockstepFit(settings).targetScale(labelScale)
        .smallestRowWeight(smallestWeight).onIteration(
        (model, iteration, objective, gradientNorm, seconds) -> {
          List<Double> h = history.get(model);
          while (h.size() > iteration) {
            h.remove(h.size() - 1);
          }
          h.add(objective);
        });
    BackendRequest fast = new BackendRequest(fit, 0, o.backend(), o.device(), o.precision(),
        loss, members.size(), classes, std.mean(), std.scale(), o.verifyEvery(), heldOut, null);
    Columns columns = fast.columns();
    List<PartitionInfo> ran = new ArrayList<>();
    LockstepFit.Opener opener = c -> {
      DistributedBackend b = new DistributedBackend(blocks, resize(fast, c, o.backend()), n, d);
      if (ran.isEmpty()) {
        ran.addAll(b.partitions());
      }
      return b;
    };
    LockstepFit.Opener float64 = new Float64Opener(blocks, fast, o.backend(), ran, n, d);
    // The driver holds no rows: a dataset of none, with the features' count (see the class note).
    io.descent.data.Dataset none = new io.descent.data.Dataset("spark", names(d), o.labelCol(),
        new float[0], new double[0], null);
    LockstepFit.Result r = lockstep.fit(none, opener, float64, columns, std, models);
    List<String> backends = ran.stream().map(PartitionInfo::describe).toList();
    List<FittedCoefficients> out = new ArrayList<>();
    for (int k = 0; k < members.size(); k++) {
      LockstepFit.ModelResult m = r.models().get(k);
      double l1 = members.get(k).spec().l1();
      Standardization own = members.get(k).standardization() == null ? std
          : members.get(k).standardization();
      double[] history1 = history.get(k).stream().mapToDouble(Double::doubleValue).toArray();
      DescentTrainingSummary summary = new DescentTrainingSummary(history1,
          m.stopReason().label(), sparkNames(m.message()), m.converged(), m.iterations(),
          m.float64Iterations(), r.passes(), m.objective(), l1 > 0 ? m.kktViolation()
              : Double.NaN, backends);
      out.add(toRaw(m.theta(), own, d, classes, numClasses, l1 > 0, summary));
    }
    return out;
  }

  /** The request for the given columns (a subset of the groups) on the given backend. */
  private static BackendRequest resize(BackendRequest r, Columns c, String backend) {
    int[] heldOut = null;
    if (c.hasFolds()) {
      heldOut = new int[c.groups()];
      for (int g = 0; g < heldOut.length; g++) {
        heldOut[g] = c.heldOut(g);
      }
    }
    return new BackendRequest(r.fit(), 0, backend, r.device(), r.precision(), r.loss(),
        c.groups(), r.classes(), r.mean(), r.scale(), r.verifyEvery(), heldOut, null);
  }

  /**
   * Opens the float64 finish of a fit: on every partition, the float64 backend of what it trained
   * on ({@link BackendRequest#finishing}). The lockstep fit opens it first to judge the settled
   * models and again to finish those the judgement fails; when the second asks for the same
   * columns (the same models, as with one model) the open backends serve it without another job.
   */
  private static final class Float64Opener implements LockstepFit.Opener {
    private final JavaRDD<RowBlock> blocks;
    private final BackendRequest fast;
    private final String backend;
    private final List<PartitionInfo> trained;
    private final int rows;
    private final int features;
    private BackendRequest lastRequest;
    private DistributedBackend last;

    Float64Opener(JavaRDD<RowBlock> blocks, BackendRequest fast, String backend,
        List<PartitionInfo> trained, int rows, int features) {
      this.blocks = blocks;
      this.fast = fast;
      this.backend = backend;
      this.trained = trained;
      this.rows = rows;
      this.features = features;
    }

    @Override
    public io.descent.gradient.GradientBackend open(Columns c) {
      BackendRequest request = resize(fast, c, backend).finishing(trained);
      if (last != null && lastRequest.groups() == request.groups()
          && java.util.Arrays.equals(lastRequest.heldOut(), request.heldOut())) {
        return last;
      }
      last = new DistributedBackend(blocks, request, rows, features);
      lastRequest = request;
      return last;
    }
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
   * without L1 (centering would change the L1 term); with L1 the raw intercepts are centered
   * after, as MLlib's are.
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
    if (classes > 1 && l1) {
      // The raw intercepts then sum to minus the weights' share of the means: centered too, as
      // MLlib centers them (a shift of every class's margin alike changes no probability).
      double mean = 0;
      for (double b : intercepts) {
        mean += b;
      }
      mean /= classes;
      for (int k = 0; k < classes; k++) {
        intercepts[k] -= mean;
      }
    }
    return new FittedCoefficients(coefficients, intercepts, classes, numClasses, summary);
  }
}
