package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import java.util.List;
import java.util.function.Consumer;

/**
 * The backend a lockstep fit runs on: the first of a choice ({@code auto} or one kind) that
 * opens on the fit's columns, with one notice per skipped one, as the trainer chooses; then the
 * openers a fit needs, reopening that kind on fewer columns and opening its float64 finish.
 */
final class ChosenBackend implements AutoCloseable {
  private final BackendKind kind;
  private final Dataset data;
  private final Standardization base;
  private final OpenClOptions openCl;
  private final Consumer<String> notice;
  private GradientBackend first;

  /**
   * Opens the first backend of the choice on the columns.
   *
   * @throws BackendUnavailableException when none can run (the one chosen, or the last of auto)
   */
  ChosenBackend(String choice, Dataset data, Standardization base, Columns columns,
      OpenClOptions openCl, Consumer<String> notice) {
    this.data = data;
    this.base = base;
    this.openCl = openCl == null ? OpenClOptions.defaults() : openCl;
    this.notice = notice;
    List<BackendKind> candidates = Backends.candidates(choice);
    BackendKind opened = null;
    for (int i = 0; i < candidates.size() && opened == null; i++) {
      BackendKind k = candidates.get(i);
      try {
        first = Backends.open(k, data, base, columns, this.openCl);
        opened = k;
      } catch (BackendUnavailableException e) {
        if (candidates.size() == 1) {
          throw e;
        }
        notice.accept("skipped " + k.label() + ": " + e.getMessage());
        if (i == candidates.size() - 1) {
          throw new BackendUnavailableException("no backend could run; the last, "
              + k.label() + ": " + e.getMessage(), e);
        }
      }
    }
    this.kind = opened;
  }

  /** Gives the backend opened first on its first call, then opens the same kind. */
  LockstepFit.Opener opener() {
    return c -> {
      if (first != null) {
        GradientBackend b = first;
        first = null;
        return b;
      }
      return Backends.open(kind, data, base, c, openCl);
    };
  }

  /**
   * Opens the float64 backend of a float64 finish: the same OpenCL device in double precision
   * where it has fp64, otherwise the reference (as the trainer's finish).
   */
  LockstepFit.Opener float64() {
    return c -> {
      if (kind == BackendKind.OPENCL) {
        try {
          return Backends.open(BackendKind.OPENCL, data, base, c,
              openCl.withPrecision("double"));
        } catch (BackendUnavailableException e) {
          notice.accept("float64 on opencl unavailable (" + e.getMessage()
              + "); using the reference");
        }
      }
      return new ReferenceBackend(data, base, c);
    };
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
