package io.descent.gradient;

import java.util.Locale;

/**
 * How to run the OpenCL backend.
 *
 * @param device null for automatic choice (a GPU first), a device index as listed by
 *     {@code descent devices}, or else a substring of the device name, ignoring case (a number
 *     that is no valid index is matched in the names too); naming no device is a
 *     {@link NoSuchDeviceException} when the backend opens
 * @param layout "auto" (by device type), "cpu" or "gpu"
 * @param precision "float" or "double" (needs {@code cl_khr_fp64})
 */
public record OpenClOptions(String device, String layout, String precision) {
  /** Checks layout and precision are known values. */
  public OpenClOptions {
    layout = layout == null ? "auto" : layout.toLowerCase(Locale.ROOT);
    precision = precision == null ? "float" : precision.toLowerCase(Locale.ROOT);
    if (!layout.equals("auto") && !layout.equals("cpu") && !layout.equals("gpu")) {
      throw new IllegalArgumentException("kernel layout must be auto, cpu or gpu, got " + layout);
    }
    if (!precision.equals("float") && !precision.equals("double")) {
      throw new IllegalArgumentException("precision must be float or double, got " + precision);
    }
  }

  /** Automatic device and layout, float precision. */
  public static OpenClOptions defaults() {
    return new OpenClOptions(null, "auto", "float");
  }
}
