package io.descent.gradient.opencl;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;

/** PLACEHOLDER: replaced by the OpenCL implementation. */
public final class OpenClBackend {
  private OpenClBackend() {}

  /** Opens the backend. */
  public static GradientBackend open(Dataset data, Standardization standardization, Loss loss,
      OpenClOptions options) {
    throw new BackendUnavailableException("opencl backend not built yet");
  }

  /** Measures read bandwidth. */
  public static io.descent.gradient.ReadBandwidth readBandwidth(OpenClOptions options, int rows,
      int features, int warmup, int repeats) {
    throw new BackendUnavailableException("opencl backend not built yet");
  }

  /** Lists devices. */
  public static java.util.List<io.descent.gradient.DeviceDescription> devices() {
    throw new BackendUnavailableException("opencl backend not built yet");
  }
}
