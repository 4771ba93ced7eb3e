package io.descent.gradient;

/**
 * Names what actually computed a gradient, so that a fallback can never pass for the GPU.
 *
 * @param kind the backend kind
 * @param device the device's name ("Java (host CPU)", an OpenCL device name, ...)
 * @param precision "float32" or "float64": the arithmetic of the data pass
 * @param layout the kernel layout ("cpu", "gpu") for OpenCL, or "-"
 */
public record BackendInfo(BackendKind kind, String device, String precision, String layout) {
  /** A one-line summary such as {@code opencl (NVIDIA A100, float32, gpu layout)}. */
  public String summary() {
    return kind.label() + " (" + device + ", " + precision
        + ("-".equals(layout) ? "" : ", " + layout + " layout") + ")";
  }
}
