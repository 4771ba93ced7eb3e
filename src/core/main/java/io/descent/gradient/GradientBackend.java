package io.descent.gradient;

/**
 * Computes the mean loss and its gradient over rows of one dataset in one pass, for the K weight
 * columns its {@link Columns} describe (one model, a multinomial model's C classes, or many
 * models fitted together).
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

  /** What each evaluation computes: the loss, the K columns and their grouping into models. */
  Columns columns();

  /**
   * Every group's weighted mean loss over the batch and every column's gradient at {@code w},
   * {@code (d + 1) x K} column-major (column k's {@code (b_k, w_k)} at {@code k * (d + 1)}), in
   * standardized space, without any penalty, reading each row of the batch once for all K
   * columns. The rows' weights ({@link io.descent.data.Dataset#weights()}) and the groups'
   * folds weigh each row (see {@link Columns}).
   */
  BatchedEvaluation evaluateColumns(double[] w, Batch batch);

  /**
   * The mean loss over the batch and its gradient at {@code theta = (b, w)}, in standardized
   * space, without any penalty: {@link #evaluateColumns} for a backend of one column.
   *
   * @throws IllegalStateException when the backend evaluates more than one column
   */
  default Evaluation evaluate(double[] theta, Batch batch) {
    if (columns().count() != 1) {
      throw new IllegalStateException("this backend evaluates " + columns().count()
          + " columns: use evaluateColumns");
    }
    BatchedEvaluation e = evaluateColumns(theta, batch);
    return new Evaluation(e.loss()[0], e.gradient());
  }

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
