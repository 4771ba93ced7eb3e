/**
 * The ND4J gradient backend, the CPU fallback when no OpenCL device can run: float32 data
 * standardized once into off-heap ND4J arrays, and the loss and gradient of each evaluation from
 * two BLAS matrix-vector products per cache-sized chunk of rows, finished in float64 on the host.
 *
 * <p>This is the only package that imports {@code org.nd4j} (and the OpenBLAS binding ND4J ships
 * with); everything else reaches it through {@link io.descent.gradient.GradientBackend} and
 * {@link io.descent.gradient.Backends}. Opening it fails with
 * {@link io.descent.gradient.BackendUnavailableException} and a one-line reason when ND4J's native
 * libraries cannot load.
 */
package io.descent.gradient.nd4j;
