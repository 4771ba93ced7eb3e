package io.descent.bench;

import io.descent.gradient.BackendInfo;
import io.descent.gradient.ReadBandwidth;
import io.descent.loss.Loss;
import java.util.Objects;

/**
 * One backend's loss-and-gradient evaluation on one generated dataset: a row of the bench table.
 *
 * <p>A row either measured ({@link #ok()}: {@code seconds} is set, {@code failure} null) or
 * failed ({@code failure} says why: "unavailable: ..." when the backend cannot run here, "failed:
 * ..." when it threw; the timings are then absent).
 *
 * @param loss the loss evaluated
 * @param rows n, the rows of the dataset (every evaluation covers all of them)
 * @param features d
 * @param target what was asked for: "opencl:N" (device N of {@code descent devices}), "nd4j" or
 *     "reference"
 * @param backend what actually ran: kind, device, precision and kernel layout; for a backend that
 *     never opened, the kind and what is known of the device, with "-" for the rest
 * @param failure null when measured, otherwise the one-line reason
 * @param openSeconds the time of {@code Backends.open} less its kernel build: the one-time
 *     standardizing copy or upload (and, for OpenCL, creating the context and buffers), reported
 *     apart from the evaluations; NaN when it did not open
 * @param buildSeconds the kernel build inside that open ({@link
 *     io.descent.gradient.GradientBackend#buildSeconds()}), after the same program was built once
 *     before timing (see {@link KernelBuild}); 0 for the host backends, NaN when it did not open
 * @param seconds the timed evaluations, null when it failed
 * @param readBandwidth the device's read bandwidth on data of the same size, measured in the same
 *     run; null when it could not be measured
 * @param speedupOverNd4j ND4J's median over this row's for the same size and loss; NaN when
 *     either is missing
 * @param gradientError {@code ||g - g_ref|| / ||g_ref||} against the float64 reference at the
 *     same point, from the first evaluation; NaN when not computed
 * @param tolerance the backend's documented bound on that error; NaN when it did not open
 */
public record EvaluationRow(Loss loss, int rows, int features, String target,
    BackendInfo backend, String failure, double openSeconds, double buildSeconds,
    TimeStats seconds,
    ReadBandwidth readBandwidth, double speedupOverNd4j, double gradientError,
    double tolerance) {

  /** Checks a row is either measured or failed, not both. */
  public EvaluationRow {
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(backend, "backend");
    if ((failure == null) == (seconds == null)) {
      throw new IllegalArgumentException("a row has either timings or a failure reason, got "
          + (failure == null ? "neither" : "both"));
    }
  }

  /** A row for a backend that could not be measured, with the reason. */
  public static EvaluationRow failed(Loss loss, int rows, int features, String target,
      BackendInfo backend, String failure, double openSeconds) {
    return new EvaluationRow(loss, rows, features, target, backend, failure, openSeconds,
        Double.NaN, null, null, Double.NaN, Double.NaN, Double.NaN);
  }

  /** True when the evaluations were timed. */
  public boolean ok() {
    return failure == null;
  }

  /** The bytes one evaluation must read: the float32 features, {@code n * d * 4}. */
  public long bytes() {
    return (long) rows * features * Float.BYTES;
  }

  /** {@link #bytes()} over the median time, in GB/s (10^9 bytes); NaN when it failed. */
  public double gigabytesPerSecond() {
    return ok() ? bytes() / seconds.median() / 1e9 : Double.NaN;
  }

  /** {@link #gigabytesPerSecond()} as a percentage of the read bandwidth; NaN when unknown. */
  public double percentOfReadBandwidth() {
    return ok() && readBandwidth != null
        ? 100 * gigabytesPerSecond() / readBandwidth.gigabytesPerSecond() : Double.NaN;
  }

  /** This row with the speedup over ND4J set. */
  public EvaluationRow withSpeedupOverNd4j(double speedup) {
    return new EvaluationRow(loss, rows, features, target, backend, failure, openSeconds,
        buildSeconds, seconds, readBandwidth, speedup, gradientError, tolerance);
  }
}
