package io.descent.train;

import io.descent.gradient.BackendInfo;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import java.util.Arrays;

/**
 * A view of an open backend of B groups that evaluates any m &lt;= B groups of the same loss
 * (and classes): the weights are padded to B groups with copies of the last group's, and the
 * answer cut back to m. Closing the view leaves the backend open, so that one backend serves
 * many lockstep fits (the blocks of a regularization path) and their subsets. Every group of
 * the backend is the same function of its weights (no folds, positives or class weights), so
 * group k of the view is group k of the backend.
 */
final class SharedBackend implements GradientBackend {
  private final GradientBackend inner;
  private final Columns columns;

  /**
   * @param inner the open backend, plain columns of one loss (B groups)
   * @param columns the groups of this view, m &lt;= B, the same loss and classes
   */
  SharedBackend(GradientBackend inner, Columns columns) {
    Columns all = inner.columns();
    if (columns.groups() > all.groups() || columns.classes() != all.classes()
        || columns.loss() != all.loss() || columns.hasFolds() || columns.hasPositives()
        || columns.hasClassWeights()) {
      throw new IllegalArgumentException("a view of " + all + " cannot evaluate " + columns);
    }
    this.inner = inner;
    this.columns = columns;
  }

  @Override
  public BackendInfo info() {
    return inner.info();
  }

  @Override
  public int rows() {
    return inner.rows();
  }

  @Override
  public int features() {
    return inner.features();
  }

  @Override
  public Columns columns() {
    return columns;
  }

  @Override
  public BatchedEvaluation evaluateColumns(double[] w, Batch batch) {
    int m = columns.groups();
    int all = inner.columns().groups();
    if (m == all) {
      return inner.evaluateColumns(w, batch);
    }
    int width = columns.classes() * (features() + 1);
    if (w.length != m * width) {
      throw new IllegalArgumentException("expected " + m * width + " weights, got " + w.length);
    }
    double[] padded = Arrays.copyOf(w, all * width);
    for (int k = m; k < all; k++) {
      System.arraycopy(w, (m - 1) * width, padded, k * width, width);
    }
    BatchedEvaluation e = inner.evaluateColumns(padded, batch);
    return new BatchedEvaluation(Arrays.copyOf(e.loss(), m),
        Arrays.copyOf(e.gradient(), m * width), Arrays.copyOf(e.weight(), m),
        m * columns.classes());
  }

  @Override
  public double tolerance() {
    return inner.tolerance();
  }

  @Override
  public double buildSeconds() {
    return inner.buildSeconds();
  }

  /** Leaves the shared backend open: its owner closes it. */
  @Override
  public void close() {}
}
