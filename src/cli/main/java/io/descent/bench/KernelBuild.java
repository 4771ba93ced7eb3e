package io.descent.bench;

import io.descent.gradient.BackendInfo;
import io.descent.loss.Loss;
import java.util.Objects;

/**
 * One OpenCL kernel configuration built before anything with it was timed: the first open of a
 * device with a loss, a precision, a layout and a feature count (the GPU layout's build options
 * depend on it). A driver with an on-disk kernel cache (PoCL, NVIDIA) compiles a program the first
 * time it sees its source and options, then only loads the binary, so this is where a cold
 * compile lands, and not in any row's open or fit time.
 *
 * @param target "opencl:N"
 * @param loss the loss of the program
 * @param features d of the data it was opened on
 * @param backend what was built: device, precision and layout
 * @param purpose what it was built for: "initialization", "evaluation" or "fit" (the fit's
 *     float32 program, and its float64 finish where the device has fp64)
 * @param seconds the build time, {@link io.descent.gradient.GradientBackend#buildSeconds()}
 */
public record KernelBuild(String target, Loss loss, int features, BackendInfo backend,
    String purpose, double seconds) {
  /** Checks the parts are present. */
  public KernelBuild {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(purpose, "purpose");
  }
}
