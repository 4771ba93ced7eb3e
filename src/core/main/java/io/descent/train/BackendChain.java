package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import java.util.List;
import java.util.function.Consumer;

/**
 * The backends a fit may run on, in order: the one chosen, or {@code auto}'s candidates. A
 * candidate that cannot open is skipped with a notice (unless it is the only one); a fit whose
 * backend fails while training starts again on the next candidate (a fallback); and a float32
 * fit is finished on a float64 backend of the same device where it has one, otherwise on the
 * reference. The trainer, cross-validation and one-vs-rest fits all choose their backends here.
 */
final class BackendChain {
  /** Opens one kind of backend on data and columns. */
  @FunctionalInterface
  interface Opener {
    /** Opens the backend, or throws {@link BackendUnavailableException} saying why not. */
    GradientBackend open(BackendKind kind, Dataset data, Standardization standardization,
        Columns columns, OpenClOptions openCl);
  }

  /** What a fit opens on one candidate before it trains (closed by the fit). */
  @FunctionalInterface
  interface Open<R> {
    /** Opens what the attempt needs on {@code kind}; unavailable means "skip this kind". */
    R open(BackendKind kind);
  }

  /** One attempt at a fit on what {@link Open} opened. */
  @FunctionalInterface
  interface Attempt<R, T> {
    /**
     * Trains on {@code opened}; a {@link BackendFailureException} falls back to the next
     * candidate.
     *
     * @param fallback whether an earlier candidate was skipped or failed
     */
    T run(R opened, BackendKind kind, boolean fallback);
  }

  private final List<BackendKind> candidates;
  private final Opener opener;
  private final OpenClOptions openCl;
  private final Consumer<String> notice;

  /**
   * The chain of a choice ({@code auto} or one kind's label).
   *
   * @param notice receives one line per skipped or failed candidate
   */
  BackendChain(String choice, Opener opener, OpenClOptions openCl, Consumer<String> notice) {
    this.candidates = Backends.candidates(choice);
    this.opener = opener;
    this.openCl = openCl == null ? OpenClOptions.defaults() : openCl;
    this.notice = notice;
  }

  /** The OpenCL options every backend of the chain opens with. */
  OpenClOptions openCl() {
    return openCl;
  }

  /** Opens {@code kind} on the columns. */
  GradientBackend open(BackendKind kind, Dataset data, Standardization standardization,
      Columns columns) {
    return opener.open(kind, data, standardization, columns, openCl);
  }

  /**
   * Runs a fit on the first candidate that opens, falling back to the next when its backend
   * fails while training.
   *
   * @throws BackendUnavailableException when none can run (the one chosen, or the last)
   * @throws BackendFailureException when the last candidate fails
   */
  <R, T> T run(Open<R> open, Attempt<R, T> attempt) {
    for (int k = 0; k < candidates.size(); k++) {
      BackendKind kind = candidates.get(k);
      R opened;
      try {
        opened = open.open(kind);
      } catch (BackendUnavailableException e) {
        skip(k, e);
        continue;
      }
      try {
        return attempt.run(opened, kind, k > 0 && candidates.size() > 1);
      } catch (BackendFailureException e) {
        if (k == candidates.size() - 1) {
          throw e;
        }
        notice.accept(kind.label() + " failed during training (" + e.getCause().getMessage()
            + "); falling back to " + candidates.get(k + 1).label()
            + " and starting again; its result will be verified against the reference");
      }
    }
    throw new AssertionError("unreachable");
  }

  /** Notes a candidate that could not open, or throws when it was the only or the last one. */
  private void skip(int k, BackendUnavailableException e) {
    BackendKind kind = candidates.get(k);
    if (candidates.size() == 1) {
      throw e;
    }
    notice.accept("skipped " + kind.label() + ": " + e.getMessage());
    if (k == candidates.size() - 1) {
      throw new BackendUnavailableException("no backend could run; the last, "
          + kind.label() + ": " + e.getMessage(), e);
    }
  }

  /** {@link Backends#float64OnTheSameRows}: float64 over {@code trained}'s rows, or null. */
  GradientBackend float64OnTheSameRows(GradientBackend trained) {
    return Backends.float64OnTheSameRows(trained);
  }

  /**
   * A float64 backend for the float64 finish of a fit trained on {@code kind}: the same OpenCL
   * device in double precision where it has fp64 (in {@code layout}, null for the chain's),
   * otherwise the reference. The caller closes it.
   */
  GradientBackend float64(BackendKind kind, String layout, Dataset data,
      Standardization standardization, Columns columns) {
    return Backends.openFloat64(kind, layout, data, standardization, columns, openCl,
        opener::open, notice);
  }
}
