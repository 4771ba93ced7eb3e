package io.descent.bench;

import io.descent.gradient.BackendInfo;
import java.util.Objects;

/**
 * One backend's end-to-end line: the wall time of a full default fit ({@code Descent.logistic()
 * ... train}, or linear) on the generated {@link FitProblem}, from opening the backend to the
 * final objective.
 *
 * @param problem the problem fitted
 * @param target what was asked for ("opencl:N", "nd4j", "reference")
 * @param backend what actually ran (see {@link EvaluationRow#backend()})
 * @param failure null when it ran, otherwise the one-line reason
 * @param wallSeconds the wall time of {@code train}: standardization, open (upload) and every
 *     iteration; NaN when it failed
 * @param iterations L-BFGS iterations
 * @param evaluations loss-and-gradient evaluations by the backend
 * @param objective the final objective, recomputed by the float64 reference (comparable across
 *     backends); NaN when it failed
 * @param stopReason why the fit stopped ("gradient_tolerance", ...), null when it failed
 * @param speedupOverNd4j ND4J's wall time over this one; NaN when either is missing
 */
public record FitRow(FitProblem problem, String target, BackendInfo backend, String failure,
    double wallSeconds, int iterations, long evaluations, double objective, String stopReason,
    double speedupOverNd4j) {

  /** Checks the required parts are present. */
  public FitRow {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(backend, "backend");
  }

  /** A line for a backend that could not fit, with the reason. */
  public static FitRow failed(FitProblem problem, String target, BackendInfo backend,
      String failure) {
    return new FitRow(problem, target, backend, Objects.requireNonNull(failure, "failure"),
        Double.NaN, 0, 0, Double.NaN, null, Double.NaN);
  }

  /** True when the fit ran. */
  public boolean ok() {
    return failure == null;
  }

  /** This line with the speedup over ND4J set. */
  public FitRow withSpeedupOverNd4j(double speedup) {
    return new FitRow(problem, target, backend, failure, wallSeconds, iterations, evaluations,
        objective, stopReason, speedup);
  }
}
