package io.descent.bench;

import io.descent.gradient.BackendInfo;
import java.util.Locale;
import java.util.Objects;

/**
 * One backend's end-to-end line: the time to read the generated {@link FitProblem} from its CSV
 * file (and so the ingest rate in MB/s), and the wall time of a full default fit ({@code
 * Descent.logistic() ... train}, or linear) on what was read, from opening the backend to the
 * final objective, less the kernel build (reported apart).
 *
 * <p>A float32 fit that stalls at float32's resolution finishes in float64 (the trainer's
 * "float64 finish"): on the same OpenCL device where it has fp64, otherwise on the reference, on
 * the host CPU. Then {@link #finish()} names what ran the last iterations and {@link #precision()}
 * says so, so a fit finished on the CPU can never pass for a GPU fit.
 *
 * @param problem the problem fitted
 * @param target what was asked for ("opencl:N", "nd4j", "reference")
 * @param backend what actually ran (see {@link EvaluationRow#backend()}) until any float64 finish
 * @param failure null when it ran, otherwise the one-line reason
 * @param wallSeconds the wall time of the fit (standardization, open and upload, every iteration,
 *     the float64 finish's open and iterations, the final reference objective) less {@code
 *     buildSeconds}; NaN when it failed
 * @param buildSeconds the kernel builds inside the fit (the backend's and the float64 finish's,
 *     each built once before timing, so normally loaded from the driver's cache); 0 for the host
 *     backends, NaN when it failed
 * @param iterations L-BFGS iterations, the float64 finish's included
 * @param evaluations loss-and-gradient evaluations by the backend and its float64 finish
 * @param objective the final objective, recomputed by the float64 reference (comparable across
 *     backends); NaN when it failed
 * @param stopReason why the fit stopped ("gradient_tolerance", ...), null when it failed
 * @param finish null, or the summary of the backend that ran the float64 finish, e.g. {@code
 *     reference (Java (host CPU), float64)}
 * @param finishIterations the iterations the float64 finish ran (0 without one)
 * @param speedupOverNd4j ND4J's wall time over this one; NaN when either is missing
 * @param readSeconds the wall time of reading the problem's data from its CSV file (as {@code
 *     descent generate} writes it) into the dataset the fit trained on, as {@code train} reads
 *     it; NaN when not read
 * @param fileBytes the size of that CSV file; 0 when not read
 */
public record FitRow(FitProblem problem, String target, BackendInfo backend, String failure,
    double wallSeconds, double buildSeconds, int iterations, long evaluations, double objective,
    String stopReason, String finish, int finishIterations, double speedupOverNd4j,
    double readSeconds, long fileBytes) {

  /** Checks the required parts are present. */
  public FitRow {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(backend, "backend");
    if (finish == null && finishIterations != 0) {
      throw new IllegalArgumentException("finishIterations must be 0 without a float64 finish,"
          + " got " + finishIterations);
    }
    if (fileBytes < 0) {
      throw new IllegalArgumentException("fileBytes must be >= 0, got " + fileBytes);
    }
  }

  /** A line whose data was not read from a file (no read time, no ingest rate). */
  public FitRow(FitProblem problem, String target, BackendInfo backend, String failure,
      double wallSeconds, double buildSeconds, int iterations, long evaluations,
      double objective, String stopReason, String finish, int finishIterations,
      double speedupOverNd4j) {
    this(problem, target, backend, failure, wallSeconds, buildSeconds, iterations, evaluations,
        objective, stopReason, finish, finishIterations, speedupOverNd4j, Double.NaN, 0);
  }

  /** The CSV file's megabytes (10^6 bytes) read per second; NaN when not read. */
  public double ingestMegabytesPerSecond() {
    return fileBytes > 0 && readSeconds > 0 ? fileBytes / 1e6 / readSeconds : Double.NaN;
  }

  /** Read and fit: {@link #readSeconds()} plus {@link #wallSeconds()}; NaN when not read. */
  public double endToEndSeconds() {
    return readSeconds + wallSeconds;
  }

  /** A line for a backend that could not fit, with the reason. */
  public static FitRow failed(FitProblem problem, String target, BackendInfo backend,
      String failure) {
    return new FitRow(problem, target, backend, Objects.requireNonNull(failure, "failure"),
        Double.NaN, Double.NaN, 0, 0, Double.NaN, null, null, 0, Double.NaN);
  }

  /** True when the fit ran. */
  public boolean ok() {
    return failure == null;
  }

  /**
   * The precision of the whole fit: the backend's, followed, when the fit finished in float64,
   * by where, e.g. {@code float32 + float64 finish (12 iterations) on reference (Java (host CPU),
   * float64)}.
   */
  public String precision() {
    return finish == null ? backend.precision() : String.format(Locale.ROOT,
        "%s + float64 finish (%d iterations) on %s", backend.precision(), finishIterations,
        finish);
  }

  /** This line with the speedup over ND4J set. */
  public FitRow withSpeedupOverNd4j(double speedup) {
    return new FitRow(problem, target, backend, failure, wallSeconds, buildSeconds, iterations,
        evaluations, objective, stopReason, finish, finishIterations, speedup, readSeconds,
        fileBytes);
  }

  /** This line with the time its data took to read from a CSV file of {@code bytes}. */
  public FitRow withRead(double seconds, long bytes) {
    return new FitRow(problem, target, backend, failure, wallSeconds, buildSeconds, iterations,
        evaluations, objective, stopReason, finish, finishIterations, speedupOverNd4j, seconds,
        bytes);
  }
}
