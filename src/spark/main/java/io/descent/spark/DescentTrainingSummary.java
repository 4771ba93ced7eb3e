package io.descent.spark;

import java.io.Serializable;
import java.util.List;

/**
 * How a Descent fit on Spark ran: the objective at the start and after each iteration, why it
 * stopped, its iterations and passes over the data, and the backend and device that ran on
 * each partition's executor.
 */
public final class DescentTrainingSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] objectiveHistory;
  private final String stopReason;
  private final String message;
  private final boolean converged;
  private final int iterations;
  private final int float64Iterations;
  private final int passes;
  private final double objective;
  private final double kktViolation;
  private final List<String> backends;

  DescentTrainingSummary(double[] objectiveHistory, String stopReason, String message,
      boolean converged, int iterations, int float64Iterations, int passes, double objective,
      double kktViolation, List<String> backends) {
    this.objectiveHistory = objectiveHistory.clone();
    this.stopReason = stopReason;
    this.message = message;
    this.converged = converged;
    this.iterations = iterations;
    this.float64Iterations = float64Iterations;
    this.passes = passes;
    this.objective = objective;
    this.kktViolation = kktViolation;
    this.backends = List.copyOf(backends);
  }

  /**
   * The objective (data term plus penalty, standardized space) at the start and after each
   * iteration, as MLlib's {@code objectiveHistory}.
   */
  public double[] objectiveHistory() {
    return objectiveHistory.clone();
  }

  /** Why the fit stopped, e.g. {@code converged}, {@code max-iterations} (core's StopReason). */
  public String stopReason() {
    return stopReason;
  }

  /** The stop with its figures. */
  public String message() {
    return message;
  }

  /** Whether the gradient test (with L1: the KKT condition) holds at the final point. */
  public boolean converged() {
    return converged;
  }

  /** Optimizer iterations, the float64 finish's included. */
  public int totalIterations() {
    return iterations;
  }

  /** Of {@link #totalIterations()}, those of the float64 finish. */
  public int float64Iterations() {
    return float64Iterations;
  }

  /**
   * Distributed passes over the cached rows (each one broadcast and one {@code treeAggregate});
   * when models were fitted together they share these passes.
   */
  public int passes() {
    return passes;
  }

  /** The objective at the fitted point. */
  public double objective() {
    return objective;
  }

  /** With an L1 penalty, the largest KKT violation at the fitted point; NaN otherwise. */
  public double kktViolation() {
    return kktViolation;
  }

  /** One line per partition: its rows, the backend, device and precision, executor and host. */
  public List<String> backends() {
    return backends;
  }

  @Override
  public String toString() {
    return "DescentTrainingSummary[" + message + ", " + iterations + " iterations, " + passes
        + " passes, objective " + objective + ", backends " + backends + "]";
  }
}
