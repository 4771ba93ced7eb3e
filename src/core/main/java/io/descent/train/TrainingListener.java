package io.descent.train;

import io.descent.gradient.BackendInfo;

/**
 * Receives what happens during training; nothing below the CLI prints, listeners report.
 * Call order: {@link #message} any time, {@link #started} once, {@link #progress} after each
 * iteration or epoch, {@link #finished} once (not called when training throws).
 */
public interface TrainingListener {
  /** A listener that ignores everything. */
  TrainingListener NONE = new TrainingListener() {};

  /** A one-line notice: a skipped backend, a warning. */
  default void message(String line) {}

  /**
   * Training begins.
   *
   * @param backend what computes the gradients
   * @param optimizer the optimizer with its hyperparameters
   * @param limit the iteration (full-batch) or epoch (mini-batch) cap, for progress display
   */
  default void started(BackendInfo backend, String optimizer, int limit) {}

  /**
   * After each mini-batch step: {@code done} of the epoch's {@code rows} rows are through.
   * Called often (every batch): keep it cheap.
   *
   * @param epoch the epoch under way, from 0
   */
  default void step(int epoch, int done, int rows) {}

  /** After each iteration (full-batch) or epoch (mini-batch). */
  default void progress(Progress p) {}

  /**
   * A phase of the fit ended, taking {@code seconds} of wall-clock time; called in order, each
   * phase once at most: {@value Trainer#PHASE_STANDARDIZE}, {@value Trainer#PHASE_OPEN} (the
   * backend: device, context, kernel, upload), {@value Trainer#PHASE_FIT} (the iterations on
   * it), {@value Trainer#PHASE_FINISH_OPEN} and {@value Trainer#PHASE_FINISH} (a float32 fit's
   * float64 finish: its backend's open, its iterations), {@value Trainer#PHASE_JUDGE} (the
   * float64 reference's judgement and the result).
   */
  default void phase(String name, double seconds) {}

  /** Training ended normally (whatever the stop reason). */
  default void finished(FitResult result) {}
}
