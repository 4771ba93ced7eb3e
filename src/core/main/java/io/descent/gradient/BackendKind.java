package io.descent.gradient;

import java.util.Locale;

/** The gradient backends, as named on the command line ({@code --backend}). */
public enum BackendKind {
  /** OpenCL kernels on a GPU or a CPU device (PoCL). */
  OPENCL,
  /** ND4J over float32 data on the host CPU: the fallback. */
  ND4J,
  /** Float64 with compensated sums: the oracle every other backend is checked against. */
  REFERENCE;

  /** The lower-case name used on the command line and in model files. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
