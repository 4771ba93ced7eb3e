package io.descent.bench;

import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.DeviceDescription;
import io.descent.gradient.OpenClOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One thing to measure: an OpenCL device (in its automatic kernel layout, float precision), ND4J
 * or the reference; or a backend known up front to be unavailable, with the reason.
 *
 * @param kind the backend kind
 * @param label "opencl:N", "nd4j" or "reference"
 * @param device the device's name where known before opening, else "-"
 * @param openCl the OpenCL options naming the device; null for the host backends
 * @param unavailable null, or why this backend cannot run here
 */
record BenchTarget(BackendKind kind, String label, String device, OpenClOptions openCl,
    String unavailable) {

  /**
   * The targets for the chosen kinds, in the order {@code --backend auto} tries them: every
   * OpenCL device (or those {@code device} picks), ND4J, the reference. When no OpenCL device
   * can be used, one OpenCL target carries the reason.
   *
   * @param device null for every OpenCL device, else an index or a name substring
   * @param tuning the OpenCL tuning (see {@link OpenClOptions#tuning()})
   */
  static List<BenchTarget> discover(Set<BackendKind> kinds, String device, String tuning) {
    List<BenchTarget> targets = new ArrayList<>();
    if (kinds.contains(BackendKind.OPENCL)) {
      String label = BackendKind.OPENCL.label();
      try {
        List<DeviceDescription> devices = Backends.openClDevices();
        List<DeviceDescription> chosen = choose(devices, device);
        if (devices.isEmpty()) {
          targets.add(new BenchTarget(BackendKind.OPENCL, label, "-", null,
              "no OpenCL devices found"));
        } else if (chosen.isEmpty()) {
          targets.add(new BenchTarget(BackendKind.OPENCL, label, "-", null,
              "no OpenCL device matches \"" + device + "\" (there are: " + String.join(", ",
                  devices.stream().map(d -> d.index() + ": " + d.name()).toList()) + ")"));
        }
        for (DeviceDescription d : chosen) {
          targets.add(new BenchTarget(BackendKind.OPENCL, label + ":" + d.index(), d.name(),
              new OpenClOptions(Integer.toString(d.index()), "auto", "float", tuning), null));
        }
      } catch (BackendUnavailableException e) {
        targets.add(new BenchTarget(BackendKind.OPENCL, label, "-", null, e.getMessage()));
      } catch (RuntimeException | LinkageError e) {
        // A runtime that breaks while listing is as unavailable as a missing one.
        targets.add(new BenchTarget(BackendKind.OPENCL, label, "-", null,
            BackendBenchmark.oneLine(e)));
      }
    }
    for (BackendKind kind : List.of(BackendKind.ND4J, BackendKind.REFERENCE)) {
      if (kinds.contains(kind)) {
        targets.add(new BenchTarget(kind, kind.label(), "-", null, null));
      }
    }
    return targets;
  }

  /**
   * The devices {@code device} picks, by the rule of {@code --device} elsewhere: null for all; a
   * number that is a valid index for that one device only; any other text (or a number that is
   * no index, such as "4090") for every device whose name contains it, ignoring case.
   */
  static List<DeviceDescription> choose(List<DeviceDescription> devices, String device) {
    if (device == null) {
      return devices;
    }
    String want = device.strip();
    if (want.matches("\\d{1,9}")) {
      int index = Integer.parseInt(want);
      for (DeviceDescription d : devices) {
        if (d.index() == index) {
          return List.of(d);
        }
      }
    }
    String needle = want.toLowerCase(Locale.ROOT);
    return devices.stream().filter(d -> d.name().toLowerCase(Locale.ROOT).contains(needle))
        .toList();
  }

  /** This target, unavailable for the given reason. */
  BenchTarget withUnavailable(String reason) {
    return new BenchTarget(kind, label, device, openCl, reason);
  }

  /** What is known of the backend before it opens: the kind and the device, "-" for the rest. */
  BackendInfo expected() {
    return new BackendInfo(kind, device, "-", "-");
  }
}
