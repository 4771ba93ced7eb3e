package io.descent.gradient;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.nd4j.Nd4jBackend;
import io.descent.gradient.opencl.OpenClBackend;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Opens a gradient backend by name: {@code auto}, {@code opencl}, {@code nd4j} or
 * {@code reference}.
 *
 * <p>An explicit choice fails with {@link BackendUnavailableException} when it cannot run.
 * {@code auto} tries OpenCL, then ND4J, then the reference, and reports one line per skipped
 * backend with its reason: never a silent fallback.
 */
public final class Backends {
  private Backends() {}

  /**
   * Opens the backend named by {@code choice} on the data.
   *
   * @param choice auto, opencl, nd4j or reference
   * @param log receives one line per backend skipped by auto ("skipped opencl: ...")
   * @throws BackendUnavailableException when an explicit choice cannot run
   * @throws IllegalArgumentException for an unknown choice
   */
  public static GradientBackend open(String choice, Dataset data, Standardization standardization,
      Loss loss, OpenClOptions openCl, Consumer<String> log) {
    String c = choice.toLowerCase(Locale.ROOT);
    if (c.equals("auto")) {
      List<BackendKind> order = List.of(BackendKind.OPENCL, BackendKind.ND4J, BackendKind.REFERENCE);
      List<String> reasons = new ArrayList<>();
      for (BackendKind kind : order) {
        try {
          return open(kind, data, standardization, loss, openCl);
        } catch (BackendUnavailableException e) {
          String line = "skipped " + kind.label() + ": " + e.getMessage();
          reasons.add(line);
          log.accept(line);
        }
      }
      throw new BackendUnavailableException("no backend could run: " + String.join("; ", reasons));
    }
    BackendKind kind;
    try {
      kind = BackendKind.valueOf(c.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown backend \"" + choice
          + "\": expected auto, opencl, nd4j or reference");
    }
    return open(kind, data, standardization, loss, openCl);
  }

  /**
   * The OpenCL devices of every platform, in the order {@code --device N} counts them.
   *
   * @throws BackendUnavailableException when there is no OpenCL runtime or platform
   */
  public static List<DeviceDescription> openClDevices() {
    return OpenClBackend.devices();
  }

  /**
   * Measures the read bandwidth of the OpenCL device chosen by {@code options} on a
   * {@code rows x features} float32 buffer, in the layout the options choose.
   *
   * @throws BackendUnavailableException when there is no such device
   */
  public static ReadBandwidth openClReadBandwidth(OpenClOptions options, int rows, int features,
      int warmup, int repeats) {
    return OpenClBackend.readBandwidth(options, rows, features, warmup, repeats);
  }

  /** Opens one backend kind, or throws {@link BackendUnavailableException} saying why not. */
  public static GradientBackend open(BackendKind kind, Dataset data,
      Standardization standardization, Loss loss, OpenClOptions openCl) {
    return switch (kind) {
      case REFERENCE -> new ReferenceBackend(data, standardization, loss);
      case ND4J -> Nd4jBackend.open(data, standardization, loss);
      case OPENCL -> OpenClBackend.open(data, standardization, loss,
          openCl == null ? OpenClOptions.defaults() : openCl);
    };
  }
}
