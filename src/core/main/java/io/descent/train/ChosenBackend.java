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
