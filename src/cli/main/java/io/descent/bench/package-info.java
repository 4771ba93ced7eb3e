/**
 * CPU-versus-GPU benchmarks a user can trust: {@code descent bench}'s measuring logic, with no
 * printing (results are records, formatted by the callers).
 *
 * <ul>
 *   <li>{@link io.descent.bench.BackendBenchmark} runs a {@link io.descent.bench.BenchConfig}: for
 *       every size, loss and backend (each OpenCL device, ND4J, the reference) the time of one
 *       loss-and-gradient evaluation, its effective bandwidth against the device's read bandwidth
 *       measured in the same run, the one-time open (upload) cost apart, the speedup over ND4J,
 *       the gradient's error against the float64 reference, and one end-to-end fit per backend.
 *       OpenCL kernels are built before anything using them is timed ({@link
 *       io.descent.bench.KernelBuild}), and the build inside a timed open or fit is reported
 *       apart from it.
 *   <li>{@link io.descent.bench.HostReadBandwidth}: the host's read bandwidth, the ceiling for the
 *       host backends, by a multithreaded read-and-sum.
 *   <li>{@link io.descent.bench.BenchReport} and its rows; {@link io.descent.bench.BenchTable},
 *       {@link io.descent.bench.BenchCsv}, {@link io.descent.bench.BenchJson} and {@link
 *       io.descent.bench.BenchPlot} turn a report into a terminal table, CSV, JSON and a PNG chart.
 * </ul>
 *
 * <p>Every row names the backend, device, precision and kernel layout that actually ran (from
 * {@link io.descent.gradient.BackendInfo}), and a fit that finished in float64 says where
 * ({@link io.descent.bench.FitRow#precision()}), so a fallback can never pass for the GPU; a backend
 * that cannot run, or fails mid-run, gets a row with the reason and the run goes on.
 */
package io.descent.bench;
