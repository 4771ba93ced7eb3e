/**
 * The OpenCL gradient backend: the only package that imports {@code org.jocl}.
 *
 * <p>{@link io.descent.gradient.opencl.OpenClBackend} chooses a device, builds the kernels from
 * {@code /kernels/*.cl} on the classpath (once per context and option set), keeps the dataset
 * resident on the device, and evaluates loss and gradient in one fused pass per call;
 * {@link io.descent.gradient.opencl.OpenClBackend#devices()} lists the devices for
 * {@code descent devices}. {@link io.descent.gradient.opencl.KernelBenchmark} measures the
 * device's read bandwidth and the gradient's throughput against it. Nothing outside this
 * package sees a JOCL type: failures arrive as
 * {@link io.descent.gradient.BackendUnavailableException} (cannot run here),
 * {@link io.descent.gradient.opencl.KernelBuildException} (a kernel did not compile, with the
 * log) or {@link io.descent.gradient.opencl.OpenClException} (a call failed while running).
 */
package io.descent.gradient.opencl;
