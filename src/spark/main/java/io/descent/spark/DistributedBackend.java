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
 * optimizer: a backend opens on every partition's executor ({@link PartitionBackends}) in the
 * first job that needs one (its own job, or the first evaluation's); each evaluation sends W (in its tasks, or broadcast when large) and
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
  /** What opened on each partition, in partition order; null until the backends opened. */
  private List<PartitionInfo> partitions;
  private BackendInfo info;
  private double tolerance;
  private int evaluations;

  /**
   * A backend over every partition of {@code blocks} (cached) for the request's columns. The
   * partitions' backends open with the first job that needs them: the first of {@link #info},
   * {@link #tolerance} and {@link #partitions} runs one job that opens them and says what each
   * is; an evaluation that comes first opens them in its own job (each task opens its
   * partition's backend, evaluates, and sends back what opened with its sums), so a backend
   * whose first use is an evaluation (the float64 judgement of a fit's settled models, a
   * reopening on fewer models) costs no job of its own.
   *
   * @param request what each partition opens (its handle is replaced by a new one)
   */
  DistributedBackend(JavaRDD<RowBlock> blocks, BackendRequest request, int rows, int features) {
    this.blocks = blocks;
    this.request = request.withHandle(HANDLES.incrementAndGet());
    this.columns = this.request.columns();
    this.rows = rows;
    this.features = features;
  }

  /** Opens every partition's backend in one job, unless they are open already. */
  private void ensureOpen() {
    if (partitions != null) {
      return;
    }
    BackendRequest r = this.request;
    opened(blocks.mapPartitionsWithIndex((index, it) -> {
      List<PartitionInfo> out = new ArrayList<>();
      while (it.hasNext()) {
        out.add(PartitionBackends.open(r, index, it.next()));
      }
      return out.iterator();
    }, true).collect());
  }

  /** Records what opened on the partitions (in any order) and the backend that sums them. */
  private void opened(List<PartitionInfo> all) {
    if (all.isEmpty()) {
      throw new IllegalArgumentException("the dataset has no rows");
    }
    List<PartitionInfo> sorted = new ArrayList<>(all);
    sorted.sort(java.util.Comparator.comparingInt(PartitionInfo::partition));
    boolean float32 = sorted.stream().anyMatch(p -> "float32".equals(p.precision()));
    Set<String> devices = new LinkedHashSet<>();
    for (PartitionInfo p : sorted) {
      devices.add(p.device());
    }
    PartitionInfo first = sorted.get(0);
    this.info = new BackendInfo(first.kind(), String.join(", ", devices),
        float32 ? "float32" : "float64", first.layout());
    this.tolerance = sorted.stream().mapToDouble(PartitionInfo::tolerance).max().orElse(0);
    this.partitions = List.copyOf(sorted);
  }

  /** What ran on each partition, in partition order. */
  List<PartitionInfo> partitions() {
    ensureOpen();
    return partitions;
  }

  @Override
  public BackendInfo info() {
    ensureOpen();
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

  /**
   * Every partition's sums, combined by {@code treeAggregate}; when the backends have not opened
   * yet, each task also says what it opened (see the constructor).
   */
  private PartialSums aggregate(PartialSums zero, PartitionSums sums) {
    if (partitions != null) {
      return blocks.mapPartitionsWithIndex((index, it) -> {
        List<PartialSums> out = new ArrayList<>();
        while (it.hasNext()) {
          out.add(sums.of(index, it.next()));
        }
        return out.iterator();
      }, true).treeAggregate(zero, PartialSums::merge, PartialSums::merge, TREE_DEPTH);
    }
    BackendRequest r = request;
    OpenedSums first = blocks.mapPartitionsWithIndex((index, it) -> {
      List<OpenedSums> out = new ArrayList<>();
      while (it.hasNext()) {
        RowBlock block = it.next();
        PartitionInfo opened = PartitionBackends.open(r, index, block);
        out.add(new OpenedSums(new ArrayList<>(List.of(opened)), sums.of(index, block)));
      }
      return out.iterator();
    }, true).treeAggregate(new OpenedSums(new ArrayList<>(), zero), OpenedSums::merge,
        OpenedSums::merge, TREE_DEPTH);
    opened(first.opened);
    return first.sums;
  }

  /** An evaluation's sums with what opened on its partitions (the first evaluation's). */
  private static final class OpenedSums implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final List<PartitionInfo> opened;
    final PartialSums sums;

    OpenedSums(List<PartitionInfo> opened, PartialSums sums) {
      this.opened = opened;
      this.sums = sums;
    }

    OpenedSums merge(OpenedSums other) {
      opened.addAll(other.opened);
      sums.merge(other.sums);
      return this;
    }
  }

  @Override
  public double tolerance() {
    ensureOpen();
    return tolerance;
  }

  /**
   * Nothing to do at once: the executors close this handle's backends when the next handle's
   * first job reaches them, and the fit's last job closes every backend of the fit.
   */
  @Override
  public void close() {}
}
