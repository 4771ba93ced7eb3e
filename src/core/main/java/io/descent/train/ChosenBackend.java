package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The backend a lockstep fit runs on: the first of a choice ({@code auto} or one kind) that
 * opens on the fit's columns, with one notice per skipped one, as the trainer chooses (both
 * through a {@link BackendChain}); then the openers a fit needs, reopening that kind on fewer
 * columns and opening its float64 finish.
 */
final class ChosenBackend implements AutoCloseable {
  private final BackendChain chain;
  private final BackendKind kind;
  private final Dataset data;
  private final Standardization base;
  private GradientBackend first;

  /**
   * Opens the first backend of the choice on the columns.
   *
   * @throws io.descent.gradient.BackendUnavailableException when none can run (the one chosen,
   *     or the last of auto)
   */
  ChosenBackend(String choice, Dataset data, Standardization base, Columns columns,
      OpenClOptions openCl, Consumer<String> notice) {
    this.data = data;
    this.base = base;
    this.chain = new BackendChain(choice, Backends::open, openCl, notice);
    Map.Entry<BackendKind, GradientBackend> opened = chain.run(
        k -> chain.open(k, data, base, columns), (b, k, fallback) -> Map.entry(k, b));
    this.kind = opened.getKey();
    this.first = opened.getValue();
  }

  /** Gives the backend opened first on its first call, then opens the same kind. */
  LockstepFit.Opener opener() {
    return c -> {
      if (first != null) {
        GradientBackend b = first;
        first = null;
        return b;
      }
      return chain.open(kind, data, base, c);
    };
  }

  /**
   * The normal equations on the first backend's moments ({@link io.descent.gradient.GramBackend}):
   * the moments of every fold are computed once, in one pass, on the first call, and every later
   * call evaluates its columns (any subset of the groups, with the same row folds) from them.
   * When the backend computes no moments, null (with a notice when it says why), or with
   * {@code host} the moments computed on the host by the reference (with a notice).
   *
   * @throws BackendFailureException when the backend fails while computing the moments
   */
  LockstepFit.Opener normalEquations(Columns columns, boolean host,
      java.util.function.Consumer<String> notice) {
    GradientBackend source = first;
    int[] rowFold = columns.hasFolds() ? columns.rowFolds() : null;
    int folds = io.descent.gradient.Moments.folds(rowFold);
    io.descent.gradient.Moments[] m = null;
    String why = null;
    if (source instanceof io.descent.gradient.MomentSource moments) {
      try {
        m = moments.moments(rowFold, folds);
      } catch (UnsupportedOperationException e) {
        why = e.getMessage();
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new BackendFailureException(source.info(), e);
      }
    }
    if (m == null && !host) {
      if (why != null) {
        notice.accept("normal equations skipped (" + why + "); one pass per evaluation");
      }
      return null;
    }
    if (m == null) {
      notice.accept("the moments for the normal equations are computed on the host by the"
          + " reference" + (why != null ? " (" + why + ")" : ""));
      io.descent.gradient.ReferenceBackend reference =
          new io.descent.gradient.ReferenceBackend(data, base, columns);
      m = reference.moments(rowFold, folds);
      source = reference;
    }
    io.descent.gradient.Moments[] all = m;
    io.descent.gradient.BackendInfo info = source.info();
    int rows = source.rows();
    return c -> new io.descent.gradient.GramBackend(all, rows, base, c, info);
  }

  /**
   * Opens the float64 backend of a float64 finish: the same OpenCL device in double precision
   * where it has fp64, otherwise the reference (as the trainer's finish).
   */
  LockstepFit.Opener float64() {
    return c -> chain.float64(kind, null, data, base, c);
  }

  /** Closes the backend opened first if no fit took it. */
  @Override
  public void close() {
    if (first != null) {
      first.close();
      first = null;
    }
  }
}
