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
 * @param tuning how the CPU kernel's vector width and rows per block are chosen (see
 *     {@link #TUNINGS}): "auto" (the default, {@link #DEFAULT_TUNING}) takes the shapes measured
 *     on this device, driver and kernel source when a measurement is cached, and otherwise the
 *     ones that fill the device's vector registers; "measure" times the candidate shapes now and
 *     caches the fastest (replacing any earlier measurement); "device" takes the register-filling
 *     shapes and ignores the cache
 */
public record OpenClOptions(String device, String layout, String precision, String tuning) {
  /** The tuning choices, in the order help texts list them. */
  public static final String TUNINGS = "auto, measure, device";
  /** The tuning used unless one is given. */
  public static final String DEFAULT_TUNING = "auto";

  /** Checks layout, precision and tuning are known values. */
  public OpenClOptions {
    layout = layout == null ? "auto" : layout.toLowerCase(Locale.ROOT);
    precision = precision == null ? "float" : precision.toLowerCase(Locale.ROOT);
    tuning = tuning == null ? DEFAULT_TUNING : tuning.toLowerCase(Locale.ROOT);
    if (!layout.equals("auto") && !layout.equals("cpu") && !layout.equals("gpu")) {
      throw new IllegalArgumentException("kernel layout must be auto, cpu or gpu, got " + layout);
    }
    if (!precision.equals("float") && !precision.equals("double")) {
      throw new IllegalArgumentException("precision must be float or double, got " + precision);
    }
    if (!tuning.equals("auto") && !tuning.equals("measure") && !tuning.equals("device")) {
      throw new IllegalArgumentException("tuning must be one of " + TUNINGS + ", got " + tuning);
    }
  }

  /** Device, layout and precision, with the default tuning. */
  public OpenClOptions(String device, String layout, String precision) {
    this(device, layout, precision, DEFAULT_TUNING);
  }

  /** Automatic device and layout, float precision, default tuning. */
  public static OpenClOptions defaults() {
    return new OpenClOptions(null, "auto", "float", DEFAULT_TUNING);
  }

  /** The same options with another kernel layout ("auto", "cpu" or "gpu"). */
  public OpenClOptions withLayout(String newLayout) {
    return new OpenClOptions(device, newLayout, precision, tuning);
  }

  /** The same options with another precision ("float" or "double"). */
  public OpenClOptions withPrecision(String newPrecision) {
    return new OpenClOptions(device, layout, newPrecision, tuning);
  }
}
