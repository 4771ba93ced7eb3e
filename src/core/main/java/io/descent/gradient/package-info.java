/**
 * Loss-and-gradient backends behind one interface, {@link io.descent.gradient.GradientBackend}:
 * the float64 {@link io.descent.gradient.ReferenceBackend} (the oracle), ND4J
 * ({@code gradient.nd4j}, the only package importing {@code org.nd4j}) and OpenCL
 * ({@code gradient.opencl}, the only package importing {@code org.jocl}), opened by
 * {@link io.descent.gradient.Backends}.
 */
package io.descent.gradient;
