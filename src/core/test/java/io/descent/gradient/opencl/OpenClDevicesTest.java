package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.DeviceDescription;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.GradientBackendContractTest;
import io.descent.gradient.NoSuchDeviceException;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.CLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Device listing and choice, and the reasons the backend gives when it cannot run. */
class OpenClDevicesTest {

  @BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
  }

  private static Dataset small() {
    return GradientBackendContractTest.randomData(20, 3, Loss.LINEAR, 1);
  }

  @Test
  void aPlatformWithoutDevicesIsNoProblemButAFailingOneIsNamedWithItsStatus() {
    assertEquals(null, Cl.platformProblem("Empty", new CLException("none",
        CL.CL_DEVICE_NOT_FOUND)));
    assertEquals("Broken: CL_INVALID_PLATFORM when asked for its devices",
        Cl.platformProblem("Broken", new CLException("bad", CL.CL_INVALID_PLATFORM)));
    // This machine's platforms (PoCL in CI) all list their devices.
    assertFalse(OpenClBackend.devices().isEmpty());
    assertEquals(List.of(), OpenClBackend.platformProblems());
    assertEquals(List.of(), Backends.openClPlatformProblems());
  }

  @Test
  void devicesAreListedInIndexOrderWithTheirProperties() {
    List<DeviceDescription> devices = OpenClBackend.devices();
    assertFalse(devices.isEmpty());
    for (int i = 0; i < devices.size(); i++) {
      DeviceDescription d = devices.get(i);
      assertEquals(i, d.index());
      assertFalse(d.name().isBlank());
      assertFalse(d.platform().isBlank());
      assertTrue(d.computeUnits() > 0, d.summary());
      assertTrue(d.maxAllocationBytes() > 0 && d.maxAllocationBytes() <= d.globalMemoryBytes(),
          d.summary());
      assertTrue(d.summary().startsWith(i + ": " + d.name()), d.summary());
    }
  }

  @Test
  void aDeviceIsChosenByIndexOrByNameIgnoringCase() {
    List<ClDevice> all = Cl.devices();
    ClDevice last = all.get(all.size() - 1);
    assertSame(last, OpenClBackend.select(all, String.valueOf(all.size() - 1)));
    String part = last.name().substring(0, Math.min(6, last.name().length()));
    assertEquals(last.name().toLowerCase(Locale.ROOT).indexOf(part.toLowerCase(Locale.ROOT)) >= 0,
        true);
    ClDevice byName = OpenClBackend.select(all, part.toUpperCase(Locale.ROOT));
    assertTrue(byName.name().toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT)));
  }

  /**
   * Where OpenCL lists no device, one asked for is still a usage error (never a quiet move to
   * another backend), and without one OpenCL is merely unavailable.
   */
  @Test
  void aDeviceAskedForWhereThereIsNoneIsAUsageError() {
    NoSuchDeviceException asked = assertThrows(NoSuchDeviceException.class,
        () -> OpenClBackend.select(List.of(), " foo "));
    assertTrue(asked.getMessage().startsWith("no OpenCL device matches \"foo\": no OpenCL"),
        asked.getMessage());
    assertThrows(NoSuchDeviceException.class, () -> OpenClBackend.select(List.of(), "0"));
    BackendUnavailableException none = assertThrows(BackendUnavailableException.class,
        () -> OpenClBackend.select(List.of(), null));
    assertTrue(none.getMessage().startsWith("no OpenCL"), none.getMessage());
    assertThrows(BackendUnavailableException.class, () -> OpenClBackend.select(List.of(), " "));
  }

  @Test
  void theDefaultPrefersAGpu() {
    List<ClDevice> all = Cl.devices();
    ClDevice chosen = OpenClBackend.select(all, null);
    boolean anyGpu = all.stream()
        .anyMatch(d -> d.description().type() == DeviceDescription.Type.GPU);
    assertEquals(anyGpu ? DeviceDescription.Type.GPU : all.get(0).description().type(),
        chosen.description().type());
  }

  @Test
  void anUnknownDeviceIsAUsageErrorListingTheAvailableOnes() {
    List<ClDevice> all = Cl.devices();
    NoSuchDeviceException byName = assertThrows(NoSuchDeviceException.class,
        () -> OpenClBackend.open(small(), Standardization.fit(small()), Loss.LINEAR,
            new OpenClOptions("no-such-device-xyz", "auto", "float")));
    assertTrue(byName.getMessage().contains("no-such-device-xyz"), byName.getMessage());
    assertTrue(byName.getMessage().contains(all.get(0).name()), byName.getMessage());
    assertFalse(BackendUnavailableException.class.isInstance(byName));
    // The first number past the last index that is in no device's name ("1" is in "avx512").
    int missing = all.size();
    while (contains(all, String.valueOf(missing))) {
      missing++;
    }
    String number = String.valueOf(missing);
    NoSuchDeviceException byIndex = assertThrows(NoSuchDeviceException.class,
        () -> OpenClBackend.select(all, number));
    assertTrue(byIndex.getMessage().startsWith("no OpenCL device matches \"" + number
        + "\" (not an index, nor part of a name); available: 0: "), byIndex.getMessage());
    assertFalse(byIndex.getMessage().contains("\n"));
    assertThrows(NoSuchDeviceException.class,
        () -> OpenClBackend.select(all, "99999999999999999999"));
  }

  private static boolean contains(List<ClDevice> all, String part) {
    return all.stream().anyMatch(d -> d.name().contains(part));
  }

  /** A device that exists only as a description: enough for the choice, which reads names. */
  private static ClDevice described(int index, String name, DeviceDescription.Type type) {
    return new ClDevice(null, null, new DeviceDescription(index, "Some platform", name, type, 8,
        1L << 33, 1L << 31, true), 1L << 16, 1024, 8, "test driver");
  }

  /** A number is an index when it is a valid one, and otherwise part of a name. */
  @Test
  void aNumberIsAnIndexWhenValidAndOtherwiseMatchedInTheNames() {
    List<ClDevice> all = List.of(described(0, "pthread-cpu", DeviceDescription.Type.CPU),
        described(1, "NVIDIA GeForce RTX 4090", DeviceDescription.Type.GPU),
        described(2, "Radeon 0 Pro", DeviceDescription.Type.GPU));
    assertSame(all.get(1), OpenClBackend.select(all, "4090"));
    assertSame(all.get(1), OpenClBackend.select(all, " 4090 "));
    assertSame(all.get(1), OpenClBackend.select(all, "1"));
    assertSame(all.get(2), OpenClBackend.select(all, "2"));
    // "0" is a valid index, so it is device 0 even though "Radeon 0 Pro" contains it.
    assertSame(all.get(0), OpenClBackend.select(all, "0"));
    assertSame(all.get(1), OpenClBackend.select(all, "rtx"));
    assertSame(all.get(1), OpenClBackend.select(all, null));
    NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class,
        () -> OpenClBackend.select(all, "3090"));
    assertEquals("no OpenCL device matches \"3090\" (not an index, nor part of a name);"
        + " available: 0: pthread-cpu (cpu), 1: NVIDIA GeForce RTX 4090 (gpu), 2: Radeon 0 Pro"
        + " (gpu)", e.getMessage());
  }

  @Test
  void withoutPlatformsTheReasonSaysSo() {
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> OpenClBackend.select(new ArrayList<>(), null));
    assertEquals("no OpenCL platform found", e.getMessage());
  }

  @Test
  void doublePrecisionNeedsFp64() {
    DeviceDescription without = new DeviceDescription(0, "Some platform", "Some GPU",
        DeviceDescription.Type.GPU, 4, 1L << 30, 1L << 28, false);
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> OpenClBackend.requirePrecision(without, true));
    assertEquals("device Some GPU has no cl_khr_fp64: use float precision", e.getMessage());
    OpenClBackend.requirePrecision(without, false);
  }

  @Test
  void dataLargerThanDeviceMemoryIsRefusedWithBothSizes() {
    Dataset data = GradientBackendContractTest.randomData(10_000, 50, Loss.LINEAR, 2);
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> OpenClBackend.open(data, Standardization.fit(data), Loss.LINEAR,
            OpenClOptions.defaults(), Tuning.defaults().withGlobalMemoryBytes(1 << 20)));
    // 10,000 x 50 x 4 bytes of features alone is 1.9 MiB; the device is said to have 1 MiB.
    assertTrue(e.getMessage().matches("the data needs (1\\.9|2\\.0) MiB of device memory "
        + "\\(10000 rows x 50 features\\) but .+ has 1\\.0 MiB"), e.getMessage());
  }

  @Test
  void autoLayoutFollowsTheDeviceType() {
    for (ClDevice device : Cl.devices()) {
      String index = String.valueOf(device.description().index());
      try (GradientBackend b = OpenClBackend.open(small(), Standardization.fit(small()),
          Loss.LINEAR, new OpenClOptions(index, "auto", "float"))) {
        assertEquals(device.description().type() == DeviceDescription.Type.CPU ? "cpu" : "gpu",
            b.info().layout());
        assertEquals(device.name(), b.info().device());
      }
    }
  }

  @Test
  void backendsOpensOpenClByName() {
    try (GradientBackend b = Backends.open(BackendKind.OPENCL, small(),
        Standardization.fit(small()), Loss.LINEAR, null)) {
      assertEquals(BackendKind.OPENCL, b.info().kind());
    }
  }

  @Test
  void aKernelThatDoesNotBuildCarriesItsBuildLog() {
    try (ClContext context = new ClContext(OpenClBackend.select(Cl.devices(), null))) {
      KernelBuildException e = assertThrows(KernelBuildException.class,
          () -> context.program("broken_for_test.cl", "-DPRECISION=32"));
      assertTrue(e.buildLog().contains("this_is_not_declared"), e.buildLog());
      assertTrue(e.getMessage().startsWith("kernel broken_for_test.cl failed to build on "),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertEquals("-DPRECISION=32", e.options());
    }
  }

  @Test
  void programsAreBuiltOncePerContextAndOptions() {
    try (ClContext context = new ClContext(OpenClBackend.select(Cl.devices(), null))) {
      assertSame(context.program("read_bandwidth.cl", "-DVW=8"),
          context.program("read_bandwidth.cl", "-DVW=8"));
      assertFalse(context.program("read_bandwidth.cl", "-DVW=8")
          == context.program("read_bandwidth.cl", "-DVW=4"));
    }
  }

  /**
   * Every kernel builds without warnings on every device here, in every CPU shape that may be
   * chosen for it (a warning about vectors wider than the device's registers means the shapes
   * were not chosen per device). KernelTargetsTest checks the same for CPUs this machine is not.
   */
  @Test
  void everyKernelBuildsWithoutWarnings() {
    for (ClDevice device : Cl.devices()) {
      try (ClContext context = new ClContext(device)) {
        for (int precision : device.description().fp64() ? new int[] {32, 64} : new int[] {32}) {
          for (int loss = 0; loss <= 1; loss++) {
            String common = "-DPRECISION=" + precision + " -DLOSS=" + loss + " -DCENTER="
                + (precision == 64 ? 1 : 0);
            String log = context.buildLog(context.program("gradient_gpu.cl", common));
            assertFalse(log.contains("warning"), "gradient_gpu.cl " + common + ":\n" + log);
            for (CpuShape shape : CpuShape.candidates(device, precision == 64)) {
              String options = common + " " + shape.defines();
              log = context.buildLog(context.program("gradient_cpu.cl", options));
              assertFalse(log.contains("warning"), "gradient_cpu.cl " + options + ":\n" + log);
            }
          }
        }
        // The batched kernels, for the three losses (2 = multinomial), few and many columns.
        for (int precision : device.description().fp64() ? new int[] {32, 64} : new int[] {32}) {
          for (int loss = 0; loss <= 2; loss++) {
            String common = "-DPRECISION=" + precision + " -DLOSS=" + loss + " -DCENTER="
                + (precision == 64 ? 1 : 0);
            String log = context.buildLog(context.program(OpenClBackend.GPU_COLUMNS_FILE,
                common));
            assertFalse(log.contains("warning"), "gpu columns " + common + ":\n" + log);
            for (int k : new int[] {1, 16}) {
              String options = common + " " + OpenClBackend.columnsDefines(
                  CpuShape.lanes(device, precision == 64), k, 64);
              log = context.buildLog(context.program(OpenClBackend.CPU_COLUMNS_FILE, options));
              assertFalse(log.contains("warning"), "cpu columns " + options + ":\n" + log);
            }
          }
        }
        int vw = CpuShape.fromDevice(device, false).vectorWidth();
        String log = context.buildLog(context.program("read_bandwidth.cl", "-DVW=" + vw));
        assertFalse(log.contains("warning"), "read_bandwidth.cl:\n" + log);
        log = context.buildLog(context.program("fma_peak.cl", "-DVW="
            + CpuShape.lanes(device, false) + " -DCHAINS=12"));
        assertFalse(log.contains("warning"), "fma_peak.cl:\n" + log);
      }
    }
  }

  @Test
  void readBandwidthIsMeasured() {
    Throughput t = KernelBenchmark.measureReadBandwidth(OpenClOptions.defaults(), 20_000, 16, 1,
        3);
    assertEquals(20_000L * 16 * 4, t.bytes());
    assertTrue(t.medianSeconds() > 0 && t.gigabytesPerSecond() > 0, t.summary());
  }

  /** A native library that cannot load is one line however long the JDK's message. */
  @Test
  void aRuntimeThatCannotLoadIsOneLine() {
    String jocl = "Error while loading native library \"JOCL_2_0_5-linux-x86_64\"\n"
        + "Operating system name: Linux\n---(start of nested stack traces)---\n"
        + "java.lang.UnsatisfiedLinkError: /tmp/x.so: failed to map segment\n\tat a.b(C.java:1)";
    String line = Cl.loadFailure(new UnsatisfiedLinkError(jocl));
    org.junit.jupiter.api.Assertions.assertEquals("the OpenCL runtime could not be loaded"
        + " (UnsatisfiedLinkError: Error while loading native library \"JOCL_2_0_5-linux-x86_64\";"
        + " where java.io.tmpdir is mounted noexec, point -Djava.io.tmpdir elsewhere)", line);
    org.junit.jupiter.api.Assertions.assertEquals("the OpenCL runtime could not be loaded"
        + " (NoClassDefFoundError: org/jocl/CL)",
        Cl.loadFailure(new NoClassDefFoundError("org/jocl/CL")));
  }
}
