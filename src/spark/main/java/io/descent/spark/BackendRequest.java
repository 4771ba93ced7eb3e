package io.descent.spark;

import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an executor needs to open one partition's backend: the fit and the driver-side handle it
 * belongs to, the backend choice ({@code auto} tries {@link Backends#AUTO_ORDER}, as the CLI
 * does), the OpenCL options, the columns ({@code groups} models of one loss, {@code classes}
 * columns each), the fold each group leaves out (cross-validation; the rows' folds travel in
 * the blocks) and the standardization every partition applies. A request of a float64 finish
 * carries what each partition trained on: each opens the float64 backend core's trainer would
 * finish that backend on ({@link Backends#openFloat64}: the same OpenCL device in double
 * precision where it has fp64, otherwise the reference).
 *
 * @param heldOut per group, the fold whose rows weigh 0 in it; null when the fit has no folds
 * @param finishOf for a float64 finish, what each partition (by index) trained on; null for a
 *     training request
 */
record BackendRequest(String fit, long handle, String backend, String device, String precision,
    Loss loss, int groups, int classes, double[] mean, double[] scale, int verifyEvery,
    int[] heldOut, Map<Integer, PartitionInfo> finishOf) implements Serializable {

  /** The request of a fit without folds. */
  BackendRequest(String fit, long handle, String backend, String device, String precision,
      Loss loss, int groups, int classes, double[] mean, double[] scale, int verifyEvery) {
    this(fit, handle, backend, device, precision, loss, groups, classes, mean, scale,
        verifyEvery, null, null);
  }

  /** This request with another handle. */
  BackendRequest withHandle(long newHandle) {
    return new BackendRequest(fit, newHandle, backend, device, precision, loss, groups, classes,
        mean, scale, verifyEvery, heldOut, finishOf);
  }

  /**
   * This request as the float64 finish of a fit whose partitions trained on {@code trained}
   * (a partition missing there finishes on the reference).
   */
  BackendRequest finishing(List<PartitionInfo> trained) {
    Map<Integer, PartitionInfo> of = new HashMap<>();
    for (PartitionInfo p : trained) {
      of.put(p.partition(), p);
    }
    return new BackendRequest(fit, handle, backend, device, precision, loss, groups, classes,
        mean, scale, verifyEvery, heldOut, of);
  }

  /**
   * The columns as the driver sees them: with folds, over no rows (the driver holds none; see
   * {@link #columns(RowBlock)} for a partition's).
   */
  Columns columns() {
    Columns c = loss.coupled() ? Columns.multinomial(classes, groups) : Columns.of(loss, groups);
    return heldOut == null ? c : c.withFolds(new int[0], heldOut);
  }

  /** The columns a partition evaluates on its block's rows (and their folds). */
  Columns columns(RowBlock block) {
    Columns c = loss.coupled() ? Columns.multinomial(classes, groups) : Columns.of(loss, groups);
    return heldOut == null ? c : c.withFolds(folds(block), heldOut);
  }

  /** Group g's columns alone, on the block's rows, for the per-partition verification. */
  Columns oneGroup(RowBlock block, int g) {
    Columns c = loss.coupled() ? Columns.multinomial(classes) : Columns.single(loss);
    return heldOut == null ? c : c.withFolds(folds(block), new int[] {heldOut[g]});
  }

  private static int[] folds(RowBlock block) {
    if (block.folds == null) {
      throw new IllegalStateException("a fit with folds on a block without them");
    }
    return block.folds;
  }

  Standardization standardization() {
    return new Standardization(mean, scale);
  }

  /**
   * Opens the first backend of the choice that can run here, on the block's rows; for a float64
   * finish, the float64 backend of what the partition trained on.
   *
   * @throws BackendUnavailableException naming every candidate's reason when none can
   */
  GradientBackend open(int partition, RowBlock block) {
    OpenClOptions openCl = OpenClOptions.defaults();
    if (device != null) {
      openCl = new OpenClOptions(device, openCl.layout(), openCl.precision(), openCl.tuning());
    }
    if (precision != null) {
      openCl = openCl.withPrecision(precision);
    }
    if (finishOf != null) {
      PartitionInfo trained = finishOf.get(partition);
      // Which backend ran reaches the driver (the finish's DistributedBackend info, and the
      // fit's message names it), so the reason OpenCL's float64 could not open is not sent.
      return Backends.openFloat64(trained == null ? BackendKind.REFERENCE : trained.kind(),
          trained == null ? null : trained.layout(), block.dataset(), standardization(),
          columns(block), openCl, Backends::open, notice -> { });
    }
    List<String> reasons = new ArrayList<>();
    for (BackendKind kind : Backends.candidates(backend)) {
      try {
        return Backends.open(kind, block.dataset(), standardization(), columns(block),
            openCl);
      } catch (BackendUnavailableException e) {
        reasons.add(kind.label() + ": " + e.getMessage());
      }
    }
    throw new BackendUnavailableException("no backend of \"" + backend + "\" can run on this"
        + " executor: " + String.join("; ", reasons));
  }
}
