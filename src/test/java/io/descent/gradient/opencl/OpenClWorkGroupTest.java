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
 * less, refused in one line when nothing fits.
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
        + " needs 32 bytes of local memory at work-group size 1 but .+ has 16; use"
        + " --kernel-layout cpu"), e.getMessage());
    assertEquals(live, OpenClBackend.liveObjects());
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
