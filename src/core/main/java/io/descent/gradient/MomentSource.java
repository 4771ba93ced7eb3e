package io.descent.gradient;

/**
 * A backend that computes the weighted second moments of its rows ({@link Moments}) in one pass
 * over the data it holds, for the squared-error loss's normal equations ({@link GramBackend}).
 * The moments are taken about the backend's standardization means and the rows' weighted mean
 * target ({@link Moments#targetShift}), with the rows' own weights.
 */
public interface MomentSource {
  /**
   * The moments of each fold's rows in one pass: element f sums the rows whose fold is f.
   *
   * @param rowFold every row's fold (>= 0), or null for one set of every row
   * @param folds the number of folds, at least {@link Moments#folds(int[]) Moments.folds(rowFold)}
   *     (1 without folds)
   * @throws UnsupportedOperationException when this backend's device cannot compute them to the
   *     float64 contract (an OpenCL device without {@code cl_khr_fp64})
   */
  Moments[] moments(int[] rowFold, int folds);

  /** The moments of every row. */
  default Moments moments() {
    return moments(null, 1)[0];
  }
}
