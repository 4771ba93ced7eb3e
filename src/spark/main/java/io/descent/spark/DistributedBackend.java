package io.descent.spark;

import io.descent.gradient.BackendInfo;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A {@link GradientBackend} over the cached blocks of a distributed dataset, for the driver's
 * optimizer: opening it runs one job that opens a backend on every partition's executor ({@link
 * PartitionBackends}); each evaluation sends W (in its tasks, or broadcast when large) and
 * combines the partitions' (loss sum, gradient sum, weight sum) with {@code treeAggregate}. No
 * row reaches the driver.
 */
final class DistributedBackend implements GradientBackend {
  private static final AtomicLong HANDLES = new AtomicLong();
  /** The depth of the aggregation tree. */
  static final int TREE_DEPTH = 2;
  /**
   * W of at most this many values travels inside each evaluation's tasks; a larger one is
   * broadcast (once per executor rather than once per task).
   */
  static final int CLOSURE_WEIGHTS = 1 << 16;

  private final JavaRDD<RowBlock> blocks;
  private final BackendRequest request;
  private final Columns columns;
  private final int rows;
  private final int features;
  private final List<PartitionInfo> partitions;
  private final BackendInfo info;
  private final double tolerance;
  private int evaluations;

  /**
   * Opens a backend on every partition of {@code blocks} (cached) for the request's columns.
   *
   * @param request what each partition opens (its handle is replaced by a new one)
   */
  DistributedBackend(JavaRDD<RowBlock> blocks, BackendRequest request, int rows, int features) {
    this.blocks = blocks;
    this.request = request.withHandle(HANDLES.incrementAndGet());
    this.columns = this.request.columns();
    this.rows = rows;
    this.features = features;
    BackendRequest r = this.request;
    this.partitions = blocks.mapPartitionsWithIndex((index, it) -> {
      List<PartitionInfo> out = new ArrayList<>();
      while (it.hasNext()) {
        out.add(PartitionBackends.open(r, index, it.next()));
      }
      return out.iterator();
    }, true).collect();
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("the dataset has no rows");
    }
    boolean float32 = partitions.stream().anyMatch(p -> "float32".equals(p.precision()));
    Set<String> devices = new LinkedHashSet<>();
    for (PartitionInfo p : partitions) {
      devices.add(p.device());
    }
    PartitionInfo first = partitions.get(0);
    this.info = new BackendInfo(first.kind(), String.join(", ", devices),
        float32 ? "float32" : "float64", first.layout());
    this.tolerance = partitions.stream().mapToDouble(PartitionInfo::tolerance).max().orElse(0);
  }

  /** What ran on each partition, in partition order. */
  List<PartitionInfo> partitions() {
    return partitions;
  }

  @Override
  public BackendInfo info() {
    return info;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public Columns columns() {
    return columns;
  }

  @Override
  public BatchedEvaluation evaluateColumns(double[] w, Batch batch) {
    if (!batch.contiguous() || batch.from() != 0 || batch.to() != rows) {
      throw new IllegalArgumentException("a distributed backend evaluates all rows, not "
          + batch);
    }
    if (w.length != columns.count() * (features + 1)) {
      throw new IllegalArgumentException("w has " + w.length + " entries, not (d + 1) x K = "
          + (features + 1) + " x " + columns.count());
    }
    int evaluation = ++evaluations;
    BackendRequest r = request;
    PartialSums zero = new PartialSums(r.groups(), w.length);
    if (w.length <= CLOSURE_WEIGHTS) {
      // Small: W travels in the tasks themselves, which saves creating and destroying a
      // broadcast on every evaluation.
      double[] weights = w.clone();
      return aggregate(zero, (index, block) -> PartitionBackends.evaluate(r, index, block,
          weights, evaluation)).evaluation(r.classes());
    }
    Broadcast<double[]> weights = JavaSparkContext.fromSparkContext(blocks.context())
        .broadcast(w.clone());
    try {
      return aggregate(zero, (index, block) -> PartitionBackends.evaluate(r, index, block,
          weights.value(), evaluation)).evaluation(r.classes());
    } finally {
      weights.destroy();
    }
  }

  /** One partition's sums (serializable: it runs in the tasks). */
  private interface PartitionSums extends java.io.Serializable {
    PartialSums of(int partition, RowBlock block);
  }

  /** Every partition's sums, combined by {@code treeAggregate}. */
  private PartialSums aggregate(PartialSums zero, PartitionSums sums) {
    return blocks.mapPartitionsWithIndex((index, it) -> {
      List<PartialSums> out = new ArrayList<>();
      while (it.hasNext()) {
        out.add(sums.of(index, it.next()));
      }
      return out.iterator();
    }, true).treeAggregate(zero, PartialSums::merge, PartialSums::merge, TREE_DEPTH);
  }

  @Override
  public double tolerance() {
    return tolerance;
  }

  /**
   * Nothing to do at once: the executors close this handle's backends when the next handle's
   * first job reaches them, and the fit's last job closes every backend of the fit.
   */
  @Override
  public void close() {}
}
