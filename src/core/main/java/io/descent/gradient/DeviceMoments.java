package io.descent.gradient;

import java.util.Objects;

/**
 * The moments of each fold's rows ({@link Moments}) and what computed them: the result of a
 * moments-only open ({@link Backends#normalEquations}), which keeps nothing open afterwards.
 *
 * @param source the backend kind, device, precision and layout that computed the moments
 * @param folds the moments of fold f's rows at f (one element, every row, without folds)
 */
public record DeviceMoments(BackendInfo source, Moments[] folds) {
  /** Checks that there are moments. */
  public DeviceMoments {
    Objects.requireNonNull(source, "source");
    if (folds.length < 1) {
      throw new IllegalArgumentException("no moments");
    }
    folds = folds.clone();
  }

  /** A copy of the folds' moments. */
  @Override
  public Moments[] folds() {
    return folds.clone();
  }
}
