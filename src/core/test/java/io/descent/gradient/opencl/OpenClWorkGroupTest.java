package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Batch;
import io.descent.gradient.GradientBackendContractTest;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gpu layout's work-group size: one the built kernel accepts (CL_KERNEL_WORK_GROUP_SIZE,
 * queried on the real device), shrunk and rebuilt when a kernel limit or the local memory allows
 * less, refused in one line when nothing fits; and WGS and RT from one value for the kernel and
 * the host, never from a stray -D.
 */
class OpenClWorkGroupTest {
  /** d = 5 runs the narrow kernel, d = 100 the wide one. */
  private static final int NARROW = 5;
  private static final int WIDE = 100;

  @BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
  }

  private static OpenClBackend open(Dataset data, String precision, Tuning tuning) {
    return OpenClBackend.open(data, Standardization.fit(data), Loss.LOGISTIC,
        new OpenClOptions(null, "gpu", precision), tuning);
  }

  /** Full and shuffled batches agree with the reference. */
  private static void assertAgrees(OpenClBackend b, Dataset data) {
    ReferenceBackend ref = new ReferenceBackend(data, Standardization.fit(data), Loss.LOGISTIC);
    double[] theta = GradientBackendContractTest.randomTheta(data.features(), 3);
    OpenClBackendTest.assertClose(b, ref, theta, Batch.all(data.rows()), "all rows");
    OpenClBackendTest.assertClose(b, ref, theta,
        new Batch(OpenClBackendTest.shuffle(data.rows(), 4), 100, 900), "shuffled");
  }

  private static Dataset data(int d) {
    return GradientBackendContractTest.randomData(1000, d, Loss.LOGISTIC, 10 + d);
  }

  @ParameterizedTest
  @CsvSource({"5, float", "5, double", "100, float", "100, double"})
  void theSizeIsAPowerOfTwoTheBuiltKernelAccepts(int d, String precision) {
    Dataset data = data(d);
    try (OpenClBackend b = open(data, precision, Tuning.defaults())) {
      int wgs = b.workGroupSize();
      assertEquals(1, Integer.bitCount(wgs), "work-group size " + wgs);
      assertTrue(wgs <= b.kernelWorkGroupSize(),
          wgs + " > CL_KERNEL_WORK_GROUP_SIZE " + b.kernelWorkGroupSize());
      assertTrue(b.buildOptions().contains(" -DWGS=" + wgs + " "), b.buildOptions());
      assertAgrees(b, data);
    }
  }

  /** A kernel that runs at most 20 work-items per group is rebuilt for 16. */
  @ParameterizedTest
  @CsvSource({"5, float", "100, double"})
  void aKernelLimitBelowTheSizeRebuildsAtTheLargestPowerOfTwoBelowIt(int d, String precision) {
    Dataset data = data(d);
    try (OpenClBackend b = open(data, precision, Tuning.defaults().withKernelWorkGroupLimit(20))) {
      assertEquals(16, b.workGroupSize());
      assertTrue(b.buildOptions().contains(" -DWGS=16 "), b.buildOptions());
      assertAgrees(b, data);
    }
  }

  /** 1,500 bytes of local memory: the wide kernel's 8 rows x 128 x 4 bytes shrink to 32 items. */
  @Test
  void tooLittleLocalMemoryShrinksTheGroup() {
    Dataset data = data(WIDE);
    try (OpenClBackend b = open(data, "float", Tuning.defaults().withLocalMemoryBytes(1500))) {
      assertEquals("gradient_gpu_wide", b.kernelName());
      assertEquals(32, b.workGroupSize());
      assertEquals(8 * 32 * 4, b.localMemoryBytes());
      assertAgrees(b, data);
    }
  }

  @Test
  void whenNoSizeFitsTheBackendIsUnavailableWithTheReason() {
    int live = OpenClBackend.liveObjects();
    Dataset data = data(NARROW);
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> open(data, "float", Tuning.defaults().withLocalMemoryBytes(16)));
    assertTrue(e.getMessage().matches("the gpu kernel layout cannot run on .+: gradient_gpu_wide"
        + " needs 32 bytes of local memory at work-group size 1 but .+ has 16; use the cpu"
        + " kernel layout"), e.getMessage());
    assertEquals(live, OpenClBackend.liveObjects());
  }

  @Test
  void hostTunablesCannotBeSetByExtraDefines() {
    for (String define : new String[] {"-DWGS=64", "-D RT=16", "-DVW=4", "-DRB", "-UWGS",
        "-DPRECISION=64", "-DLOSS=0", "-DCENTER=1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Tuning.defaults().withDefines(define), define);
      assertTrue(e.getMessage().contains("which the host sets from"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tuning.defaults().withDefines("-DWGS=64"));
    assertEquals("the build option -DWGS=64 would change WGS, which the host sets from"
        + " the tuning's workGroupSize and must agree with: set it there instead",
        e.getMessage());
    assertEquals("-DPFD=4 -DWGSX=2", Tuning.defaults().withDefines("-DPFD=4 -DWGSX=2")
        .extraDefines());
  }

  /**
   * KernelBenchmarkMain's --define WGS=64 and RT=16 set the tuning, so the kernel's WGS is the
   * launch size and its RT rows of margins fit the local memory the host allocates (before, WGS=64 was
   * CL_INVALID_WORK_GROUP_SIZE and RT=16 wrote past a buffer sized for 8 rows).
   */
  @ParameterizedTest
  @CsvSource({"float", "double"})
  void benchmarkDefinesOfWgsAndRtSetBothKernelAndHost(String precision) {
    Tuning t = KernelBenchmarkMain.tuningOption(Tuning.defaults(), "--define", "WGS=64");
    t = KernelBenchmarkMain.tuningOption(t, "--define", "RT=16");
    assertEquals(64, t.workGroupSize());
    assertEquals(16, t.rowsPerTile());
    assertEquals("", t.extraDefines());
    Dataset data = data(WIDE);
    try (OpenClBackend b = open(data, precision, t)) {
      assertEquals("gradient_gpu_wide", b.kernelName());
      assertEquals(64, b.workGroupSize());
      assertTrue(b.buildOptions().contains(" -DWGS=64 -DRT=16"), b.buildOptions());
      assertEquals(16L * 64 * ("double".equals(precision) ? 8 : 4), b.localMemoryBytes());
      assertAgrees(b, data);
    }
    assertEquals(8, KernelBenchmarkMain.tuningOption(Tuning.defaults(), "--define", "VW=8")
        .vectorWidth());
    assertEquals("-DPFD=2", KernelBenchmarkMain.tuningOption(Tuning.defaults(), "--define",
        "PFD=2").extraDefines());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KernelBenchmarkMain.tuningOption(Tuning.defaults(), "--define", "PRECISION=64"));
    assertTrue(e.getMessage().contains("the precision option"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> KernelBenchmarkMain.tuningOption(Tuning.defaults(), "--define", "WGS=abc"));
    assertThrows(IllegalArgumentException.class,
        () -> KernelBenchmarkMain.tuningOption(Tuning.defaults(), "--define", "WGS=48"));
  }

  /** The read-bandwidth probe's gpu kernel is fitted the same way. */
  @Test
  void theReadProbeFitsItsWorkGroupToo() {
    float[] x = new float[64 * 1024];
    ClDevice device = OpenClBackend.select(Cl.devices(), null);
    try (KernelBenchmark.ReadProbe probe = new KernelBenchmark.ReadProbe(device, "gpu", x,
        Tuning.defaults().withKernelWorkGroupLimit(40))) {
      assertEquals(32, probe.workGroupSize());
      assertTrue(probe.run() > 0);
    }
  }
}
