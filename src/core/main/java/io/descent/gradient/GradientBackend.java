package io.descent.gradient;

/**
 * Computes the mean loss and its gradient over rows of one dataset, for one loss, in one pass.
 *
 * <p>Call order: a backend is opened on a dataset, its standardization and a loss (see
 * {@link Backends#open}); the data is loaded then, once. {@link #evaluate} may then be called any
 * number of times, and {@link #close()} releases native memory. Close is idempotent. A backend
 * is not thread-safe: use one per thread.
 *
 * <p>Every implementation computes the same quantity as {@link ReferenceBackend}, to within the
 * relative error its {@link #tolerance()} states; the contract test checks it.
 */
public interface GradientBackend extends AutoCloseable {
  /** What ran: kind, device, precision and kernel layout, for summaries and model files. */
  BackendInfo info();

  /** Rows of the loaded dataset. */
  int rows();

  /** Features of the loaded dataset (the gradient has features() + 1 entries). */
  int features();

  /**
   * The mean loss over the batch and its gradient at {@code theta = (b, w)}, in standardized
   * space, without any penalty.
   */
  Evaluation evaluate(double[] theta, Batch batch);

  /**
   * The documented bound on {@code ||g - g_ref|| / ||g_ref||} against the reference backend (and
   * on the relative loss error), used by tests, {@code gradcheck} and {@code --verify-every}.
   */
  double tolerance();

  /**
   * The part of opening that built device code, in seconds: compiling the OpenCL program (or
   * loading it from the driver's own cache, such as PoCL's on-disk kernel cache) and creating its
   * kernel. It is inside the time {@link Backends#open} takes, and a benchmark reports it apart
   * from the upload; 0 for backends that build nothing.
   */
  default double buildSeconds() {
    return 0;
  }

  /** Releases native resources; safe to call more than once. */
  @Override
  void close();
}
