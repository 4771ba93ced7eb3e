package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.GramBackend;
import io.descent.gradient.HostMoments;
import io.descent.gradient.MomentSource;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import java.util.function.Consumer;

/**
 * The choice between the normal equations and passes for one fit (see {@link Solver}): the
 * training backend as it is, or a {@link GramBackend} on the moments it computes in one pass.
 */
final class NormalEquations {
  private NormalEquations() {}

  /**
   * Whether an automatic backend choice computes a fit's moments on the host without trying
   * OpenCL: the choice is {@code auto}, the solver takes the normal equations for this linear
   * fit, no OpenCL device is named (a named one is the user's choice, and is checked), and the
   * moments are small enough ({@link HostMoments#preferred}) that the host finishes them sooner
   * than an OpenCL platform starts and computes them.
   *
   * @param openCl the fit's OpenCL options, or null
   */
  static boolean onHost(String choice, OpenClOptions openCl, Solver solver, boolean fullBatch,
      Dataset train, Columns columns) {
    return choice.equalsIgnoreCase("auto") && (openCl == null || openCl.device() == null)
        && columns.loss() == io.descent.loss.Loss.LINEAR
        && solver.normalFor(columns.loss(), fullBatch, train.rows(), train.features())
        && HostMoments.preferred(train.rows(), train.features());
  }

  /**
   * The backend a fit trains on: {@code backend} itself, or the normal equations on its moments
   * when the solver takes them. A backend that cannot compute moments keeps its passes under
   * {@link Solver#AUTO} (with a notice when it said why) and has them computed on the host by
   * the reference under {@link Solver#NORMAL} (with a notice).
   *
   * @throws BackendFailureException when the backend fails while computing the moments
   */
  static GradientBackend choose(Solver solver, TrainingConfig config, GradientBackend backend,
      Dataset train, Standardization standardization, Columns columns, Consumer<String> notice) {
    return choose(solver, config.isFullBatch(), backend, train, standardization, columns,
        notice);
  }

  /**
   * Opens what a fit on {@code kind} trains on: when the solver takes the normal equations,
   * only what computes the moments ({@link Backends#normalEquations}: on OpenCL a context and
   * the moments kernel, no gradient kernel and no resident copy of the rows, all released
   * before this returns), the normal equations on them; otherwise the chain's backend.
   * A device that cannot compute float64 moments opens its whole backend instead, for {@link
   * #choose} to decide (passes under {@link Solver#AUTO}, the reference's moments under {@link
   * Solver#NORMAL}). Pass what this returns through {@link #choose}: a {@link GramBackend}
   * goes through as it is.
   *
   * @throws BackendUnavailableException when the kind cannot run, or its device fails while
   *     computing the moments (so that {@code auto} goes on to the next kind)
   */
  static GradientBackend open(BackendChain chain, BackendKind kind, Solver solver,
      boolean fullBatch, Dataset train, Standardization standardization, Columns columns) {
    if (!solver.normalFor(columns.loss(), fullBatch, train.rows(), train.features())) {
      return chain.open(kind, train, standardization, columns);
    }
    try {
      return Backends.normalEquations(kind, train, standardization, columns, chain.openCl());
    } catch (UnsupportedOperationException e) {
      return chain.open(kind, train, standardization, columns);
    } catch (BackendUnavailableException | IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BackendUnavailableException(kind.label() + " failed while computing the"
          + " moments: " + e.getMessage(), e);
    }
  }

  /**
   * As {@link #open(BackendChain, BackendKind, Solver, boolean, Dataset, Standardization,
   * Columns)}, with the standardization (when {@code standardize}) taken from the moments on
   * the normal equations ({@link Backends#normalEquations(BackendKind, Dataset, boolean,
   * Columns, OpenClOptions)}: no pass of its own), and from {@code fitted} otherwise (the
   * chain's backend); the {@link GramBackend}'s {@link GramBackend#standardization()} says
   * which the fit is in.
   *
   * @param fitted the standardization for a backend that makes passes (computed only when one
   *     opens)
   */
  static GradientBackend open(BackendChain chain, BackendKind kind, Solver solver,
      boolean fullBatch, Dataset train, boolean standardize,
      java.util.function.Supplier<Standardization> fitted, Columns columns) {
    if (!solver.normalFor(columns.loss(), fullBatch, train.rows(), train.features())) {
      return chain.open(kind, train, fitted.get(), columns);
    }
    try {
      return Backends.normalEquations(kind, train, standardize, columns, chain.openCl());
    } catch (UnsupportedOperationException e) {
      return chain.open(kind, train, fitted.get(), columns);
    } catch (BackendUnavailableException | IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BackendUnavailableException(kind.label() + " failed while computing the"
          + " moments: " + e.getMessage(), e);
    }
  }

  /**
   * As {@link #choose(Solver, TrainingConfig, GradientBackend, Dataset, Standardization,
   * Columns, Consumer)}, for fits of the columns' loss by a full-batch optimizer or not.
   */
  static GradientBackend choose(Solver solver, boolean fullBatch, GradientBackend backend,
      Dataset train, Standardization standardization, Columns columns, Consumer<String> notice) {
    if (backend instanceof GramBackend
        || !solver.normalFor(columns.loss(), fullBatch, train.rows(), train.features())) {
      return backend;
    }
    String why;
    if (backend instanceof MomentSource) {
      try {
        return GramBackend.of(backend, standardization, columns);
      } catch (UnsupportedOperationException e) {
        why = e.getMessage();
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new BackendFailureException(backend.info(), e);
      }
    } else {
      why = null;
    }
    if (solver == Solver.AUTO) {
      if (why != null) {
        notice.accept("normal equations skipped (" + why + "); one pass per evaluation");
      }
      return backend;
    }
    notice.accept("the moments for the normal equations are computed on the host by the"
        + " reference" + (why != null ? " (" + why + ")" : ""));
    return GramBackend.of(new ReferenceBackend(train, standardization, columns), standardization,
        columns);
  }
}
