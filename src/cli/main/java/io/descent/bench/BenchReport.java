package io.descent.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one bench run measured.
 *
 * @param machine where and when it ran
 * @param config what it was asked to measure
 * @param initializationSeconds per available target ("nd4j", "opencl:0", ...), the time of its
 *     first open and evaluation on a tiny dataset, before the sweep: what the process pays once
 *     (native libraries, runtime, JIT), kept out of every row's open time
 * @param kernelBuilds every OpenCL kernel configuration built before it was timed, in the order
 *     built: its cold compile is here, not in a row's open or a fit's wall time
 * @param evaluations one row per size, loss and backend, in the order run (sizes in the order
 *     given, then losses, then OpenCL devices, ND4J, the reference)
 * @param fits one end-to-end line per backend; empty when the config has no fit problem
 * @param seconds the wall time of the whole run, data generation included
 */
public record BenchReport(MachineInfo machine, BenchConfig config,
    Map<String, Double> initializationSeconds, List<KernelBuild> kernelBuilds,
    List<EvaluationRow> evaluations,
    List<FitRow> fits, double seconds) {
  /** Copies the collections (keeping the order of the initializations). */
  public BenchReport {
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(config, "config");
    initializationSeconds = Collections.unmodifiableMap(
        new LinkedHashMap<>(initializationSeconds));
    kernelBuilds = List.copyOf(kernelBuilds);
    evaluations = List.copyOf(evaluations);
    fits = List.copyOf(fits);
  }
}
